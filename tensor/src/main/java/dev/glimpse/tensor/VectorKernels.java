package dev.glimpse.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. {@link #matmul} splits the output columns across {@code threads} platform threads (owned by
 * this object, closed with it) and computes 4 rows × 1 weight row per step so each weight vector loaded from the
 * off-heap segment serves four dot products. Weights must live in a shared (or global/auto) arena: the worker
 * threads read them. Summation order differs from the reference, so results agree to a
 * relative tolerance, not bit for bit.
 */
public final class VectorKernels implements Kernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private final int threads;
  private final ExecutorService pool;

  public VectorKernels(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.threads = threads;
    this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "glimpse-kernels");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void matmul(float[] out, float[] x, int m, int k, Tensor w, Tensor bias) {
    int n = w.shape()[0];
    ReferenceKernels.check(w, n, k);
    MemorySegment ws = w.data();
    if (bias != null) ReferenceKernels.checkVector(bias, n);
    long work = (long) m * n * k;
    int parts = pool == null || work < 200_000 ? 1 : Math.min(threads, n);
    if (parts == 1) {
      matmulColumns(out, x, m, k, n, ws, bias, 0, n);
      return;
    }
    List<Future<?>> fs = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int j0 = (int) ((long) n * p / parts), j1 = (int) ((long) n * (p + 1) / parts);
      fs.add(pool.submit(() -> matmulColumns(out, x, m, k, n, ws, bias, j0, j1)));
    }
    join(fs);
  }

  /**
   * Rows of x per cache block: a block of ~48 K floats (192 KB) stays in L2 while every weight row of the part
   * passes it (64 rows at k = 192, 16 at k = 2916).
   */
  private static int rowBlock(int k) { return Math.max(4, Math.min(64, (48 * 1024 / k) & ~3)); }

  private static void matmulColumns(float[] out, float[] x, int m, int k, int n, MemorySegment w, Tensor b, int j0, int j1) {
    int ib = rowBlock(k);
    for (int i0 = 0; i0 < m; i0 += ib) matmulBlock(out, x, Math.min(m, i0 + ib), k, n, w, b, j0, j1, i0);
  }

  private static void matmulBlock(float[] out, float[] x, int m, int k, int n, MemorySegment w, Tensor b, int j0, int j1,
      int i0) {
    int kv = S.loopBound(k);
    for (int j = j0; j < j1; j++) {
      long wo = (long) j * k * 4;
      float bj = b == null ? 0 : b.getFloat(j);
      int i = i0;
      for (; i + 4 <= m; i += 4) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int r0 = i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        for (int p = 0; p < kv; p += L) {
          FloatVector wv = FloatVector.fromMemorySegment(S, w, wo + 4L * p, ByteOrder.LITTLE_ENDIAN);
          a0 = FloatVector.fromArray(S, x, r0 + p).fma(wv, a0);
          a1 = FloatVector.fromArray(S, x, r1 + p).fma(wv, a1);
          a2 = FloatVector.fromArray(S, x, r2 + p).fma(wv, a2);
          a3 = FloatVector.fromArray(S, x, r3 + p).fma(wv, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (int p = kv; p < k; p++) {
          float wp = w.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (wo >> 2) + p);
          s0 += x[r0 + p] * wp;
          s1 += x[r1 + p] * wp;
          s2 += x[r2 + p] * wp;
          s3 += x[r3 + p] * wp;
        }
        out[i * n + j] = s0 + bj;
        out[(i + 1) * n + j] = s1 + bj;
        out[(i + 2) * n + j] = s2 + bj;
        out[(i + 3) * n + j] = s3 + bj;
      }
      for (; i < m; i++) {
        FloatVector a0 = FloatVector.zero(S);
        int r0 = i * k;
        for (int p = 0; p < kv; p += L) {
          a0 = FloatVector.fromArray(S, x, r0 + p).fma(FloatVector.fromMemorySegment(S, w, wo + 4L * p, ByteOrder.LITTLE_ENDIAN), a0);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        for (int p = kv; p < k; p++) s0 += x[r0 + p] * w.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (wo >> 2) + p);
        out[i * n + j] = s0 + bj;
      }
    }
  }

  @Override
  public void rmsNorm(float[] out, float[] x, int m, int c, Tensor weight, float eps) {
    if (weight != null) ReferenceKernels.checkVector(weight, c);
    MemorySegment wv = weight == null ? null : weight.data();
    int cv = S.loopBound(c);
    for (int i = 0; i < m; i++) {
      int o = i * c;
      FloatVector acc = FloatVector.zero(S);
      for (int p = 0; p < cv; p += L) {
        FloatVector v = FloatVector.fromArray(S, x, o + p);
        acc = v.fma(v, acc);
      }
      float ss = acc.reduceLanes(VectorOperators.ADD);
      for (int p = cv; p < c; p++) ss += x[o + p] * x[o + p];
      float inv = (float) (1.0 / Math.sqrt(ss / c + eps));
      for (int p = 0; p < cv; p += L) {
        FloatVector v = FloatVector.fromArray(S, x, o + p).mul(inv);
        if (wv != null) v = v.mul(FloatVector.fromMemorySegment(S, wv, 4L * p, ByteOrder.LITTLE_ENDIAN));
        v.intoArray(out, o + p);
      }
      for (int p = cv; p < c; p++) out[o + p] = wv == null ? x[o + p] * inv : x[o + p] * inv * weight.getFloat(p);
    }
  }

  @Override
  public void softmax(float[] x, int off, int n) {
    float sum = n >= 4 * L ? expShiftedVector(x, off, n) : ReferenceKernels.expShifted(x, off, n);
    float inv = 1 / sum;
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) FloatVector.fromArray(S, x, off + i).mul(inv).intoArray(x, off + i);
    for (int i = nv; i < n; i++) x[off + i] *= inv;
  }

  /** Vector form of {@link ReferenceKernels#expShifted}: lane-wise exp (summation order differs: tolerance). */
  private static float expShiftedVector(float[] x, int off, int n) {
    int nv = S.loopBound(n);
    FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < nv; i += L) mv = mv.max(FloatVector.fromArray(S, x, off + i));
    float max = mv.reduceLanes(VectorOperators.MAX);
    for (int i = nv; i < n; i++) max = Math.max(max, x[off + i]);
    if (max == Float.NEGATIVE_INFINITY) return ReferenceKernels.expShifted(x, off, n);   // all masked: the spec's NaN
    FloatVector acc = FloatVector.zero(S);
    for (int i = 0; i < nv; i += L) {
      FloatVector e = FloatVector.fromArray(S, x, off + i).sub(max).lanewise(VectorOperators.EXP);
      e.intoArray(x, off + i);
      acc = acc.add(e);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (int i = nv; i < n; i++) {
      float e = (float) Math.exp(x[off + i] - max);
      x[off + i] = e;
      sum += e;
    }
    return sum;
  }

  @Override
  public void softmaxRows(float[] x, int off, int rows, int n) {
    int parts = pool == null || (long) rows * n < 100_000 ? 1 : Math.min(threads, rows);
    if (parts == 1) {
      for (int r = 0; r < rows; r++) softmax(x, off + r * n, n);
      return;
    }
    List<Future<?>> fs = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int r0 = (int) ((long) rows * p / parts), r1 = (int) ((long) rows * (p + 1) / parts);
      fs.add(pool.submit(() -> {
        for (int r = r0; r < r1; r++) softmax(x, off + r * n, n);
      }));
    }
    join(fs);
  }

  @Override
  public void swiglu(float[] out, float[] gate, float[] up, int n) {
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) {
      FloatVector g = FloatVector.fromArray(S, gate, i);
      FloatVector silu = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
      silu.mul(FloatVector.fromArray(S, up, i)).intoArray(out, i);
    }
    for (int i = nv; i < n; i++) out[i] = ReferenceKernels.silu(gate[i]) * up[i];
  }

  @Override
  public void gelu(float[] x, int n) {
    for (int i = 0; i < n; i++) x[i] = Erf.gelu(x[i]);
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    int nv = S.loopBound(n);
    FloatVector acc = FloatVector.zero(S);
    for (int i = 0; i < nv; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (int i = nv; i < n; i++) s += a[ao + i] * b[bo + i];
    return s;
  }

  @Override
  public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) {
      FloatVector.fromArray(S, x, xo + i).fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
    }
    for (int i = nv; i < n; i++) y[yo + i] += alpha * x[xo + i];
  }

  @Override
  public String name() { return "vector(" + S.vectorBitSize() + "-bit, " + threads + " threads)"; }

  @Override
  public void close() {
    if (pool != null) pool.shutdownNow();
  }

  private static void join(List<Future<?>> fs) {
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted in a kernel", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("kernel task failed", e.getCause());
      }
    }
  }
}
