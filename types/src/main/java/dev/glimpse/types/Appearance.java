package dev.glimpse.types;

import java.util.Arrays;

/**
 * What an object looked like in one frame, as a descriptor of unit length: the tracker's evidence for re-identifying
 * an object that was out of sight longer than its motion model can bridge. The similarity of two descriptors of the
 * same kind is their dot product, in [0, 1] for the non-negative descriptors Glimpse makes.
 *
 * @param vector (n) the descriptor; copied in and out, never shared
 */
public record Appearance(float[] vector) {
  public Appearance {
    if (vector == null || vector.length == 0) throw new IllegalArgumentException("an appearance needs a non-empty vector");
    vector = vector.clone();
    double norm = 0;
    for (float v : vector) {
      if (!Float.isFinite(v)) throw new IllegalArgumentException("appearance values must be finite: " + v);
      norm += (double) v * v;
    }
    if (Math.abs(norm - 1) > 1e-3) throw new IllegalArgumentException("an appearance must have unit length: |v|² = " + norm);
  }

  /** A copy of the descriptor. */
  @Override
  public float[] vector() { return vector.clone(); }

  public int length() { return vector.length; }

  /** The descriptors' dot product; both must have the same length. */
  public double similarity(Appearance other) {
    if (other.vector.length != vector.length) {
      throw new IllegalArgumentException("appearances of different lengths: " + vector.length + " and " + other.vector.length);
    }
    double s = 0;
    for (int i = 0; i < vector.length; i++) s += (double) vector[i] * other.vector[i];
    return s;
  }

  /** Reads element {@code i} without copying the vector. */
  public float get(int i) { return vector[i]; }

  @Override
  public boolean equals(Object o) { return o instanceof Appearance a && Arrays.equals(vector, a.vector); }

  @Override
  public int hashCode() { return Arrays.hashCode(vector); }

  @Override
  public String toString() { return "Appearance[" + vector.length + "]"; }
}
