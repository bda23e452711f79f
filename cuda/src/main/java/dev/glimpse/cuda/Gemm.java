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
    cublas.gemmEx(handle, Cublas.OP_T, Cublas.OP_N, n, m, k, w, p.dataType(), k, x, p.dataType(), k, out, Cublas.R_32F,
        n, p.computeType());
  }
}
