package dev.glimpse.csa;

/**
 * Partial interleaved RoPE on the trailing r channels of a vector (deepseek-spec.md §6, training/attention.py
 * {@code apply_rope_tail}): pairs (2i, 2i+1) of the tail rotate by φ_i = pos·f_i, f_i = θ^(−2i/r), i < r/2; the
 * leading (width − r) "nope" channels are untouched. Angles are float32 {@code pos·f_i}, as transformers computes
 * them. The inverse rotation (output de-rotation, spec §3) rotates by −φ_i.
 */
public final class Rope {
  private final int r;
  private final float[] invFreq;   // (r/2)

  public Rope(int r, double theta) {
    this.r = r;
    invFreq = new float[r / 2];
    for (int i = 0; i < r / 2; i++) invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / r));
  }

  /** The inverse frequencies f_i (r/2), as float32: what every rotation multiplies positions by. */
  public float[] inverseFrequencies() { return invFreq.clone(); }

  /** In place: rotates x[off+width−r .. off+width) to position {@code pos}; {@code inverse} rotates by −pos. */
  void rotate(float[] x, int off, int width, long pos, boolean inverse) {
    int o = off + width - r;
    float p = (float) pos;
    for (int i = 0; i < r / 2; i++) {
      float angle = p * invFreq[i];
      float cs = (float) Math.cos(angle), sn = (float) Math.sin(angle);
      if (inverse) sn = -sn;
      float a = x[o + 2 * i], b = x[o + 2 * i + 1];
      x[o + 2 * i] = a * cs - b * sn;
      x[o + 2 * i + 1] = b * cs + a * sn;
    }
  }

  /**
   * In place: rotates the tail of x[off, off+width) by −delta positions with angles computed in double precision
   * (reduced mod 2π), so that re-basing stored rows by a large delta adds no float32 angle error (docs/model.md §7.3).
   */
  void shift(float[] x, int off, int width, long delta) {
    int o = off + width - r;
    for (int i = 0; i < r / 2; i++) {
      double angle = Math.IEEEremainder(-(double) delta * invFreq[i], 2 * Math.PI);
      double cs = Math.cos(angle), sn = Math.sin(angle);
      double a = x[o + 2 * i], b = x[o + 2 * i + 1];
      x[o + 2 * i] = (float) (a * cs - b * sn);
      x[o + 2 * i + 1] = (float) (b * cs + a * sn);
    }
  }

  /** In place on rows × heads vectors of {@code width} (x [rows, heads·width]); row j is at position pos0 + j. */
  void rotateRows(float[] x, int rows, int heads, int width, long pos0, boolean inverse) {
    for (int j = 0; j < rows; j++) {
      for (int h = 0; h < heads; h++) rotate(x, (j * heads + h) * width, width, pos0 + j, inverse);
    }
  }
}
