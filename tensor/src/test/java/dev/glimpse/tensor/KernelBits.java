package dev.glimpse.tensor;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every Vector kernel on fixed small inputs, as named float arrays: the suite whose bits must not depend on the
 * JIT. {@code main} prints one line per output, "name hex hex …" ({@link Float#floatToRawIntBits}), for a child JVM
 * run with {@code -Xint} (the Vector API's Java fallback, no intrinsics).
 */
final class KernelBits {
  private KernelBits() {}

  record Output(String name, float[] values) {}

  static List<Output> run(Kernels k) {
    List<Output> out = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(2026);
    try (Arena arena = Arena.ofConfined()) {
      for (int[] s : new int[][] {{1, 64, 37}, {5, 70, 33}, {13, 40, 35}}) {          // dot-product and packed paths
        int m = s[0], kk = s[1], n = s[2];
        float[] x = random(r, m * kk), y = new float[m * n];
        k.matmul(y, x, m, kk, Tensor.ofFloats(arena, "w", random(r, n * kk), n, kk),
            Tensor.ofFloats(arena, "b", random(r, n), n));
        out.add(new Output("matmul " + m + "x" + kk + "x" + n, y));
      }
      float[] x = random(r, 3 * 70), y = new float[3 * 70];
      k.rmsNorm(y, x, 3, 70, Tensor.ofFloats(arena, "g", random(r, 70), 70), 1e-6f);
      out.add(new Output("rmsNorm 3x70", y));
    }
    float[] logits = random(r, 101);
    for (int i = 0; i < logits.length; i++) logits[i] *= 8;                          // a wide range of exponents
    logits[7] = Float.NEGATIVE_INFINITY;                                            // a masked entry
    k.softmax(logits, 0, logits.length);
    out.add(new Output("softmax 101", logits));
    float[] gate = random(r, 77), up = random(r, 77), act = new float[77];
    for (int i = 0; i < gate.length; i++) gate[i] *= 30;                             // exp of large |x| both ways
    k.swiglu(act, gate, up, 77);
    out.add(new Output("swiglu 77", act));
    int n = 41, d = 64;
    float[] q = random(r, n * d), kk = random(r, n * d), v = random(r, n * d), o = new float[n * d];
    k.attention(o, q, kk, v, n, d, 0, d, 0.125f);
    out.add(new Output("attention 41x64", o));
    float[] a = random(r, 75), b = random(r, 75);
    out.add(new Output("dot 75", new float[] {k.dot(a, 0, b, 0, 75)}));
    return out;
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return v;
  }

  public static void main(String[] args) {
    try (Kernels k = new VectorKernels(2)) {
      for (Output o : run(k)) {
        StringBuilder line = new StringBuilder(o.name().replace(' ', '_'));
        for (float f : o.values()) line.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(f)));
        System.out.println(line);
      }
    }
  }
}
