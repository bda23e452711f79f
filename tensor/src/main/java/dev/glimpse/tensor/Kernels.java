package dev.glimpse.tensor;

/**
 * The compute kernels of the engine, one implementation chosen at start-up ({@link #create}) and passed in
 * explicitly. Activations are f32 {@code float[]} rows; weights are f32 {@link Tensor}s in nn.Linear layout
 * {@code (N, K)} (out-features, in-features). {@link ReferenceKernels} is the specification: plain loops, kept
 * forever; every fast implementation is tested against it.
 * Legend: M rows (tokens), K input width, N output width.
 */
public interface Kernels extends AutoCloseable {
  /** out[M,N] = x[M,K] · w[N,K]ᵀ (+ bias[N] when non-null). */
  void matmul(float[] out, float[] x, int m, int k, Tensor w, Tensor bias);

  /** out[M,C] = x[M,C] / sqrt(mean(x²) + eps) (· weight[C] when non-null); out may be x. */
  void rmsNorm(float[] out, float[] x, int m, int c, Tensor weight, float eps);

  /** In place: x[off .. off+n) ← softmax (max-subtracted). */
  void softmax(float[] x, int off, int n);

  /**
   * Softmax self-attention of one head among n tokens: for every query i,
   * o[i] = Σ_j softmax_j(q[i]·k[j] · scale) · v[j]. q, k, v and o are [n, stride] rows; the head's d columns start
   * at column off, and only those columns of o are written.
   */
  void attention(float[] o, float[] q, float[] k, float[] v, int n, int stride, int off, int d, float scale);

  /** In place: each of {@code rows} rows of n floats starting at off is replaced by its softmax. */
  default void softmaxRows(float[] x, int off, int rows, int n) {
    for (int r = 0; r < rows; r++) softmax(x, off + r * n, n);
  }

  /** out[i] = silu(gate[i]) · up[i] for i < n (SwiGLU); out may alias gate. */
  void swiglu(float[] out, float[] gate, float[] up, int n);

  /** In place: x ← GELU(x) with the exact erf form, 0.5·x·(1 + erf(x/√2)), as PyTorch's default. */
  void gelu(float[] x, int n);

  /** Σ a[ao+i]·b[bo+i] for i < n. */
  float dot(float[] a, int ao, float[] b, int bo, int n);

  /** y[yo+i] += alpha · x[xo+i] for i < n. */
  void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

  /**
   * Runs {@code body} for every i &lt; n, on the kernels' threads when there are several, and returns when all
   * have run. The order is unspecified: bodies must write disjoint memory and must not call back into
   * {@code parallelFor} or {@link #matmul}, whose work shares the same threads.
   */
  default void parallelFor(int n, java.util.function.IntConsumer body) {
    for (int i = 0; i < n; i++) body.accept(i);
  }

  /** Name for logs and benchmarks. */
  String name();

  @Override
  default void close() {}

  /**
   * The kernels for a configured name: {@code reference} (scalar, one thread), {@code vector} (Vector API,
   * {@code threads} threads) or {@code auto} (vector).
   */
  static Kernels create(String name, int threads) {
    return switch (name) {
      case "reference" -> new ReferenceKernels();
      case "vector", "auto" -> new VectorKernels(threads);
      default -> throw new IllegalArgumentException("unknown kernels '" + name + "' (expected auto, vector or reference)");
    };
  }
}
