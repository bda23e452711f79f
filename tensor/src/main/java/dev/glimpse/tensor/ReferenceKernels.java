package dev.glimpse.tensor;

/** The scalar reference kernels: the specification every fast kernel is tested against. Single-threaded. */
public final class ReferenceKernels implements Kernels {
  @Override
  public void attention(float[] o, float[] q, float[] k, float[] v, int n, int stride, int off, int d, float scale) {
    float[] s = new float[n];                                              // [n] scores of one query
    for (int i = 0; i < n; i++) {
      int qo = i * stride + off;
      for (int j = 0; j < n; j++) s[j] = dot(q, qo, k, j * stride + off, d) * scale;
      softmax(s, 0, n);
      java.util.Arrays.fill(o, qo, qo + d, 0f);
      for (int j = 0; j < n; j++) axpy(s[j], v, j * stride + off, o, qo, d);
    }
  }

  @Override
  public void matmul(float[] out, float[] x, int m, int k, Tensor w, Tensor bias) {
    int n = w.shape()[0];
    check(w, n, k);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = 0;
        for (int p = 0; p < k; p++) s += x[i * k + p] * w.getFloat((long) j * k + p);
        out[i * n + j] = bias == null ? s : s + bias.getFloat(j);
      }
    }
  }

  @Override
  public void rmsNorm(float[] out, float[] x, int m, int c, Tensor weight, float eps) {
    for (int i = 0; i < m; i++) {
      float ss = 0;
      for (int p = 0; p < c; p++) ss += x[i * c + p] * x[i * c + p];
      float inv = (float) (1.0 / Math.sqrt(ss / c + eps));
      for (int p = 0; p < c; p++) {
        float v = x[i * c + p] * inv;
        out[i * c + p] = weight == null ? v : v * weight.getFloat(p);
      }
    }
  }

  @Override
  public void softmax(float[] x, int off, int n) {
    float sum = expShifted(x, off, n);
    for (int i = 0; i < n; i++) x[off + i] /= sum;
  }

  /** In place: x ← exp(x − max(x)) over [off, off+n); returns the sum (the un-normalised softmax, shared). */
  static float expShifted(float[] x, int off, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
    float sum = 0;
    for (int i = 0; i < n; i++) {
      float e = (float) Math.exp(x[off + i] - max);
      x[off + i] = e;
      sum += e;
    }
    return sum;
  }

  @Override
  public void swiglu(float[] out, float[] gate, float[] up, int n) {
    for (int i = 0; i < n; i++) out[i] = silu(gate[i]) * up[i];
  }

  /** x·σ(x). */
  static float silu(float g) { return g / (1 + (float) Math.exp(-g)); }

  @Override
  public void gelu(float[] x, int n) {
    for (int i = 0; i < n; i++) x[i] = Erf.gelu(x[i]);
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
    return s;
  }

  @Override
  public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
  }

  @Override
  public String name() { return "reference"; }

  /** Bias and norm weights are read straight from their f32 segment. */
  static void checkVector(Tensor v, int n) {
    if (v.dtype() != DType.F32 || v.numel() != n) throw new IllegalArgumentException(v + ": expected f32 [" + n + "]");
  }

  static void check(Tensor w, int n, int k) {
    if (w.dtype() != DType.F32) throw new IllegalArgumentException(w + ": kernels take f32 weights (convert at load)");
    int[] s = w.shape();
    if (s.length != 2 || s[1] != k) throw new IllegalArgumentException(w + ": expected (N, " + k + ")");
  }
}
