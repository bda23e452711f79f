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
 * this object, closed with it). With at least {@link #PACKED_MIN_ROWS} rows (image encoding, prefill) each thread
 * packs its weight rows into panels of {@link #NR} columns laid out k-major ([K, NR], a transpose) and runs an
 * outer-product micro-kernel: {@link #MR} rows × two vectors of columns, 12 accumulators, per k step two vector
 * loads and six broadcasts for twelve FMAs and no horizontal sums (the register tiling of BLIS-style GEMMs). Fewer
 * rows (decoding one token) take the dot-product kernel: 4 rows × 1 weight row per step, so each weight vector
 * loaded from the off-heap segment serves four dot products. Weights must live in a shared (or global/auto) arena:
 * the worker threads read them. Summation order differs from the reference, so results agree to a relative
 * tolerance, not bit for bit; but every run gives the same bits, whatever the JIT has compiled yet (no
 * {@code reduceLanes(ADD)}, no {@code lanewise(EXP)}: {@link #sumLanes}, {@link #exp}).
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
    boolean packed = m >= PACKED_MIN_ROWS;
    int unit = packed ? NR : 1;                                             // parts split at panel boundaries
    int units = (n + unit - 1) / unit;
    int parts = work < 200_000 ? 1 : Math.min(threads, units);
    split(units, parts, (u0, u1) -> {
      int j0 = Math.min(n, u0 * unit), j1 = Math.min(n, u1 * unit);
      if (packed) matmulPacked(out, x, m, k, n, ws, bias, j0, j1);
      else matmulColumns(out, x, m, k, n, ws, bias, j0, j1);
    });
  }

  /**
   * Fused (flash-style) attention: the scores are never materialised. Keys are packed like matmul weights
   * ([panels, D, NR]); each thread takes MR-query tiles and walks the key panels once with an online softmax
   * (running max and sum per query, the output rescaled when the max grows): S tile [MR, NR] = Q·Kᵀ in registers,
   * P = exp(S − max), O [MR, D] += P · V. Memory per thread is O(MR·D); the reference's is O(n).
   */
  @Override
  public void attention(float[] o, float[] q, float[] k, float[] v, int n, int stride, int off, int d, float scale) {
    int panels = (n + NR - 1) / NR;
    float[] kp = new float[panels * d * NR];                                // [panels, D, NR], zero past n
    float[] vh = new float[panels * NR * d];                                // [panels·NR, D], zero rows past n
    for (int j = 0; j < n; j++) {
      int base = (j / NR) * d * NR + j % NR, ko = j * stride + off;
      for (int p = 0; p < d; p++) kp[base + p * NR] = k[ko + p];
      System.arraycopy(v, ko, vh, j * d, d);
    }
    int tiles = (n + MR - 1) / MR;
    int parts = (long) n * n * d < 200_000 ? 1 : Math.min(threads, tiles);
    split(tiles, parts, (t0, t1) -> attendTiles(o, q, kp, vh, n, stride, off, d, scale, t0, t1));
  }

  private static void attendTiles(float[] o, float[] q, float[] kp, float[] vh, int n, int stride, int off, int d,
      float scale, int t0, int t1) {
    int panels = (n + NR - 1) / NR, dv = S.loopBound(d);
    float[] qt = new float[MR * d];                                         // [MR, D] scaled queries
    float[] st = new float[MR * NR];                                        // [MR, NR] scores, then exp
    float[] acc = new float[MR * d];                                        // [MR, D] unnormalised outputs
    float[] mx = new float[MR], sum = new float[MR * L];                    // sum: [MR, L] lane-wise partial sums
    for (int t = t0; t < t1; t++) {
      int i0 = t * MR, rows = Math.min(MR, n - i0);
      java.util.Arrays.fill(qt, 0f);                                        // rows past n: zero queries, unused
      for (int r = 0; r < rows; r++) {
        int qo = (i0 + r) * stride + off;
        for (int p = 0; p < d; p++) qt[r * d + p] = q[qo + p] * scale;
      }
      java.util.Arrays.fill(acc, 0f);
      java.util.Arrays.fill(mx, Float.NEGATIVE_INFINITY);
      java.util.Arrays.fill(sum, 0f);
      for (int pn = 0; pn < panels; pn++) {
        registerTile(qt, 0, d, kp, pn * d * NR, st);
        int keys = Math.min(NR, n - pn * NR);
        if (keys < NR) {
          for (int r = 0; r < MR; r++) java.util.Arrays.fill(st, r * NR + keys, (r + 1) * NR, Float.NEGATIVE_INFINITY);
        }
        for (int r = 0; r < MR; r++) {
          FloatVector s0 = FloatVector.fromArray(S, st, r * NR), s1 = FloatVector.fromArray(S, st, r * NR + L);
          float m = Math.max(mx[r], s0.max(s1).reduceLanes(VectorOperators.MAX));
          float alpha = (float) Math.exp(mx[r] - m);                        // 0 at the first panel
          FloatVector e0 = exp(s0.sub(m)), e1 = exp(s1.sub(m));
          e0.intoArray(st, r * NR);
          e1.intoArray(st, r * NR + L);
          FloatVector.fromArray(S, sum, r * L).mul(alpha).add(e0.add(e1)).intoArray(sum, r * L);
          mx[r] = m;
          if (alpha != 1f) {
            int a = r * d;
            for (int p = 0; p < dv; p += L) FloatVector.fromArray(S, acc, a + p).mul(alpha).intoArray(acc, a + p);
            for (int p = dv; p < d; p++) acc[a + p] *= alpha;
          }
        }
        int vb = pn * NR * d;                                               // acc [MR, D] += st [MR, NR] · V [NR, D]
        for (int p = 0; p < dv; p += L) {
          FloatVector a0 = FloatVector.fromArray(S, acc, p), a1 = FloatVector.fromArray(S, acc, d + p);
          FloatVector a2 = FloatVector.fromArray(S, acc, 2 * d + p), a3 = FloatVector.fromArray(S, acc, 3 * d + p);
          FloatVector a4 = FloatVector.fromArray(S, acc, 4 * d + p), a5 = FloatVector.fromArray(S, acc, 5 * d + p);
          for (int c = 0; c < NR; c++) {
            FloatVector vv = FloatVector.fromArray(S, vh, vb + c * d + p);
            a0 = FloatVector.broadcast(S, st[c]).fma(vv, a0);
            a1 = FloatVector.broadcast(S, st[NR + c]).fma(vv, a1);
            a2 = FloatVector.broadcast(S, st[2 * NR + c]).fma(vv, a2);
            a3 = FloatVector.broadcast(S, st[3 * NR + c]).fma(vv, a3);
            a4 = FloatVector.broadcast(S, st[4 * NR + c]).fma(vv, a4);
            a5 = FloatVector.broadcast(S, st[5 * NR + c]).fma(vv, a5);
          }
          a0.intoArray(acc, p);
          a1.intoArray(acc, d + p);
          a2.intoArray(acc, 2 * d + p);
          a3.intoArray(acc, 3 * d + p);
          a4.intoArray(acc, 4 * d + p);
          a5.intoArray(acc, 5 * d + p);
        }
        for (int p = dv; p < d; p++) {
          for (int r = 0; r < MR; r++) {
            float a = acc[r * d + p];
            for (int c = 0; c < NR; c++) a += st[r * NR + c] * vh[vb + c * d + p];
            acc[r * d + p] = a;
          }
        }
      }
      for (int r = 0; r < rows; r++) {
        float inv = 1 / sumLanes(FloatVector.fromArray(S, sum, r * L));
        int oo = (i0 + r) * stride + off;
        for (int p = 0; p < d; p++) o[oo + p] = acc[r * d + p] * inv;
      }
    }
  }

  /**
   * st [MR, NR] = x [MR, K] (rows from x0, K apart) · (packed panel at pw[pb], [K, NR]): 12 accumulators, per k step
   * two vector loads and six broadcasts for twelve FMAs. The micro-kernel of matmul and of the fused attention.
   */
  private static void registerTile(float[] x, int x0, int k, float[] pw, int pb, float[] st) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    int x1 = x0 + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k;
    for (int p = 0, b = pb; p < k; p++, b += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pw, b), b1 = FloatVector.fromArray(S, pw, b + L);
      FloatVector a = FloatVector.broadcast(S, x[x0 + p]);
      c00 = a.fma(b0, c00);
      c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, x[x1 + p]);
      c10 = a.fma(b0, c10);
      c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, x[x2 + p]);
      c20 = a.fma(b0, c20);
      c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, x[x3 + p]);
      c30 = a.fma(b0, c30);
      c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, x[x4 + p]);
      c40 = a.fma(b0, c40);
      c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, x[x5 + p]);
      c50 = a.fma(b0, c50);
      c51 = a.fma(b1, c51);
    }
    c00.intoArray(st, 0);
    c01.intoArray(st, L);
    c10.intoArray(st, NR);
    c11.intoArray(st, NR + L);
    c20.intoArray(st, 2 * NR);
    c21.intoArray(st, 2 * NR + L);
    c30.intoArray(st, 3 * NR);
    c31.intoArray(st, 3 * NR + L);
    c40.intoArray(st, 4 * NR);
    c41.intoArray(st, 4 * NR + L);
    c50.intoArray(st, 5 * NR);
    c51.intoArray(st, 5 * NR + L);
  }

  /** Rows of the packed kernel's micro-tile, and its columns: two vectors (16 floats with AVX2, 32 with AVX-512). */
  static final int MR = 6, NR = 2 * L;
  /** Fewer rows than this take the dot-product kernel: packing costs N·K, which M rows must amortise. */
  static final int PACKED_MIN_ROWS = 12;

  /**
   * out[:, j0:j1] = x · w[j0:j1]ᵀ (+ bias) through packed panels. Panel t holds columns j0 + t·NR … + NR as
   * [K, NR] (zero-padded past j1); rows go in blocks whose x rows (~32 K floats) stay in L2 while every panel of
   * the part passes them, and each block in MR-row micro-tiles.
   */
  private static void matmulPacked(float[] out, float[] x, int m, int k, int n, MemorySegment w, Tensor b, int j0, int j1) {
    int panels = (j1 - j0 + NR - 1) / NR;
    float[] pw = new float[panels * k * NR];                                // [panels, K, NR]
    float[] row = new float[k];
    for (int j = j0; j < j1; j++) {
      MemorySegment.copy(w, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (long) j * k * 4, row, 0, k);
      int t = (j - j0) / NR, c = (j - j0) % NR, base = t * k * NR + c;
      for (int p = 0; p < k; p++) pw[base + p * NR] = row[p];
    }
    float[] bias = new float[panels * NR];                                  // [panels · NR], zero past j1
    if (b != null) for (int j = j0; j < j1; j++) bias[j - j0] = b.getFloat(j);
    float[] tile = new float[MR * NR];                                      // a partial panel's results
    int ib = Math.max(MR, Math.min(256, (32 * 1024 / k) / MR * MR));
    for (int i0 = 0; i0 < m; i0 += ib) {
      int i1 = Math.min(m, i0 + ib);
      for (int t = 0; t < panels; t++) {
        int jb = j0 + t * NR, cols = Math.min(NR, j1 - jb);
        int i = i0;
        for (; i + MR <= i1; i += MR) microTile(out, x, k, n, pw, t * k * NR, bias, t * NR, i, jb, cols, tile);
        for (; i < i1; i++) microRow(out, x, k, n, pw, t * k * NR, bias, t * NR, i, jb, cols, tile);
      }
    }
  }

  /** out[i:i+MR, jb:jb+cols] from one packed panel at pw[pb], bias at bias[bb]: the 6 × 2-vector register tile. */
  private static void microTile(float[] out, float[] x, int k, int n, float[] pw, int pb, float[] bias, int bb, int i,
      int jb, int cols, float[] tile) {
    registerTile(x, i * k, k, pw, pb, tile);
    FloatVector bv0 = FloatVector.fromArray(S, bias, bb), bv1 = FloatVector.fromArray(S, bias, bb + L);
    for (int r = 0; r < MR; r++) {
      store(out, (i + r) * n + jb, cols, FloatVector.fromArray(S, tile, r * NR).add(bv0),
          FloatVector.fromArray(S, tile, r * NR + L).add(bv1), tile, r);
    }
  }

  /** One row of a block's last, partial micro-tile. */
  private static void microRow(float[] out, float[] x, int k, int n, float[] pw, int pb, float[] bias, int bb, int i,
      int jb, int cols, float[] tile) {
    FloatVector c0 = FloatVector.zero(S), c1 = c0;
    int x0 = i * k;
    for (int p = 0, q = pb; p < k; p++, q += NR) {
      FloatVector a = FloatVector.broadcast(S, x[x0 + p]);
      c0 = a.fma(FloatVector.fromArray(S, pw, q), c0);
      c1 = a.fma(FloatVector.fromArray(S, pw, q + L), c1);
    }
    store(out, i * n + jb, cols, c0.add(FloatVector.fromArray(S, bias, bb)), c1.add(FloatVector.fromArray(S, bias, bb + L)),
        tile, 0);
  }

  /** out[o : o+cols] = the first cols lanes of (v0, v1); a partial panel goes through row r of tile. */
  private static void store(float[] out, int o, int cols, FloatVector v0, FloatVector v1, float[] tile, int r) {
    if (cols == NR) {
      v0.intoArray(out, o);
      v1.intoArray(out, o + L);
    } else {
      v0.intoArray(tile, r * NR);
      v1.intoArray(tile, r * NR + L);
      System.arraycopy(tile, r * NR, out, o, cols);
    }
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
        float s0 = sumLanes(a0), s1 = sumLanes(a1), s2 = sumLanes(a2), s3 = sumLanes(a3);
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
        float s0 = sumLanes(a0);
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
      float ss = sumLanes(acc);
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
      FloatVector e = exp(FloatVector.fromArray(S, x, off + i).sub(max));
      e.intoArray(x, off + i);
      acc = acc.add(e);
    }
    float sum = sumLanes(acc);
    for (int i = nv; i < n; i++) {
      float e = (float) Math.exp(x[off + i] - max);
      x[off + i] = e;
      sum += e;
    }
    return sum;
  }

  @Override
  public void softmaxRows(float[] x, int off, int rows, int n) {
    int parts = (long) rows * n < 100_000 ? 1 : Math.min(threads, rows);
    split(rows, parts, (r0, r1) -> {
      for (int r = r0; r < r1; r++) softmax(x, off + r * n, n);
    });
  }

  @Override
  public void swiglu(float[] out, float[] gate, float[] up, int n) {
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) {
      FloatVector g = FloatVector.fromArray(S, gate, i);
      FloatVector silu = g.div(exp(g.neg()).add(1f));
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
    float s = sumLanes(acc);
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
  public void parallelFor(int n, java.util.function.IntConsumer body) {
    split(n, Math.min(threads, n), (i0, i1) -> {
      for (int i = i0; i < i1; i++) body.accept(i);
    });
  }

  /** A contiguous part [lo, hi) of a split. */
  private interface Part {
    void run(int lo, int hi);
  }

  /**
   * Runs body over [0, units) as {@code parts} contiguous parts, on this object's threads when there are several
   * (inline otherwise), and returns when all have run.
   */
  private void split(int units, int parts, Part body) {
    if (pool == null || parts <= 1) {
      body.run(0, units);
      return;
    }
    List<Future<?>> fs = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int lo = (int) ((long) units * p / parts), hi = (int) ((long) units * (p + 1) / parts);
      fs.add(pool.submit(() -> body.run(lo, hi)));
    }
    join(fs);
  }

  /**
   * The lanes of v summed in a fixed order (even lanes, odd lanes, then the two sums). {@code reduceLanes(ADD)}
   * leaves the order to the implementation, and HotSpot's interpreter and its C2 code use different orders, so a
   * kernel's result depended on whether the JIT had compiled it yet: two runs of the same input differed in the last
   * bits. Lane extraction and scalar adds are exact IEEE operations in every tier: the same bits in every run.
   */
  static float sumLanes(FloatVector v) {
    float s0 = v.lane(0), s1 = v.lane(1);
    for (int i = 2; i < L; i += 2) {
      s0 += v.lane(i);
      s1 += v.lane(i + 1);
    }
    return s0 + s1;
  }

  // exp after Cephes' expf (S. L. Moshier, Cephes Math Library, expf.c): x = n·ln 2 + r with |r| <= ln 2 / 2,
  // e^r ~ 1 + r + r²·P(r), then scaled by 2^n through the exponent bits.
  private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
  private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
  private static final float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
  /** 1.5 · 2^23: t = y + ROUND holds round(y) in its low mantissa bits (|y| < 2^22). */
  private static final float ROUND = 12582912f;
  private static final int ROUND_BITS = 0x4B400000;
  /** Below EXP_LO the result is 0 (e^-86.5 ~ 2.7e-38, next to the smallest normal float); above EXP_HI, +inf. */
  static final float EXP_LO = -86.5f, EXP_HI = 88.72283f;

  /**
   * Lane-wise e^x from adds, multiplies, FMAs and bit shifts only, each an exact IEEE operation in every tier, so
   * its bits never depend on the JIT ({@code lanewise(EXP)} is a SVML call when compiled and {@code Math.exp} per
   * lane when interpreted, which differ in the last bit). Relative error within a few ulp of e^x for
   * EXP_LO <= x <= EXP_HI; 0 below (e^-inf = 0: masked scores), +inf above, NaN for NaN.
   */
  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(EXP_LO).min(EXP_HI);
    FloatVector t = xc.fma(LOG2E, ROUND);                                   // n + ROUND, n = round(x·log2 e)
    FloatVector n = t.sub(ROUND);
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
    r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);                                                 // x − n·ln 2 in two parts
    FloatVector p = r.fma(P0, P1);
    p = p.fma(r, FloatVector.broadcast(S, P2));
    p = p.fma(r, FloatVector.broadcast(S, P3));
    p = p.fma(r, FloatVector.broadcast(S, P4));
    p = p.fma(r, FloatVector.broadcast(S, P5));
    FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
    // 2^n as 2^(n−1) · 2, so that n = 128 (x up to EXP_HI) keeps a finite exponent field (n − 1 + 127 <= 254)
    FloatVector half = t.reinterpretAsInts().sub(ROUND_BITS - 126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    y = y.mul(half).mul(2f);
    return y.blend(0f, x.lt(EXP_LO)).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
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
