package dev.glimpse.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Row-major GEMMs in the kernels' nn.Linear form through cuBLAS: out[M,N] (f32) = x[M,K] · w[N,K]ᵀ. cuBLAS is
 * column-major, so the row-major out is computed as its transpose, outᵀ = w · xᵀ: A = w read transposed (lda K),
 * B = x (ldb K), C = out (ldc N). One handle, bound to one stream.
 */
public final class Gemm {
  private final Cublas cublas;
  private final MemorySegment handle;

  public Gemm(Cublas cublas, MemorySegment handle) {
    this.cublas = cublas;
    this.handle = handle;
  }

  /** out[M,N] = x[M,K] · w[N,K]ᵀ with x and w stored as {@code p} says. */
  public void xwT(Precision p, long out, long x, long w, int m, int n, int k) {
    xwT(p, out, n, x, k, w, m, n, k);
  }

  /**
   * out[M,N] = x[M,K] · w[N,K]ᵀ with out, like x and w, stored as {@code p} says (bf16 for BF16, rounded from the
   * f32 accumulator, as a bf16 nn.Linear writes it; f32 otherwise).
   */
  public void xwTStored(Precision p, long out, long x, long w, int m, int n, int k) {
    cublas.gemmEx(handle, Cublas.OP_T, Cublas.OP_N, n, m, k, w, p.dataType(), k, x, p.dataType(), k, out, p.dataType(), n,
        p.computeType());
  }

  /**
   * out[M,N] = x[M,K] · w[N,K]ᵀ where rows of out are {@code ldOut} floats apart and rows of x {@code ldX} elements
   * apart (column blocks of wider matrices, e.g. one group of a grouped projection); w is dense.
   */
  public void xwT(Precision p, long out, int ldOut, long x, int ldX, long w, int m, int n, int k) {
    cublas.gemmEx(handle, Cublas.OP_T, Cublas.OP_N, n, m, k, w, p.dataType(), k, x, p.dataType(), ldX, out, Cublas.R_32F,
        ldOut, p.computeType());
  }
}
