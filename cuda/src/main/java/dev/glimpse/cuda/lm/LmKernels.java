package dev.glimpse.cuda.lm;

import dev.glimpse.cuda.KernelModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Typed launches of the kernels in {@code lm.cu}, plus the three encoder.cu kernels the language model shares
 * (residual RMSNorm, SwiGLU, the embedding gather). Pointers are CUdeviceptr {@code long}s, 0 for null; grids are
 * chosen here. Legend as in lm.cu.
 */
public final class LmKernels {
  /** The CUDA C source resource. */
  public static final String SOURCE = "/dev/glimpse/cuda/lm/lm.cu";
  /** Every kernel of lm.cu the host launches. */
  public static final List<String> NAMES = List.of("norm_rope", "add_position_bias", "compress", "ring_store",
      "ring_copy", "indexer_scores", "topk", "attention", "rebase_rows");
  /** The encoder.cu kernels used here. */
  public static final List<String> SHARED = List.of("residual_rmsnorm_f32", "swiglu_f32", "image_block_embed");
  /** Query rows scored and selected per indexer pass (bounds the score scratch to this many rows). */
  public static final int SELECT_ROWS = 64;

  private final KernelModule lm, encoder;

  public LmKernels(KernelModule lm, KernelModule encoder) {
    this.lm = lm;
    this.encoder = encoder;
    lm.require(NAMES);
    encoder.require(SHARED);
  }

  /** The CUDA C source. */
  public static String source() {
    try (InputStream in = LmKernels.class.getResourceAsStream(SOURCE)) {
      if (in == null) throw new IllegalStateException("resource " + SOURCE + " missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** out [T, d]: row slot[t] of rows, or specials[−1 − slot[t]]. */
  public void embed(MemorySegment s, long rows, long slot, long specials, long out, int t, int d) {
    encoder.kernel("image_block_embed").launch1d(s, (long) t * d, rows, slot, specials, out, t, d);
  }

  /** x += res (when res != 0); y = RMSNorm(x)·w. */
  public void residualRmsNorm(MemorySegment s, long x, long res, long w, long y, int rows, int c, float eps) {
    encoder.kernel("residual_rmsnorm_f32").launch(s, (rows + 7) / 8, 1, 1, 256, 0, x, res, 0L, w, y, rows, c, eps);
  }

  /** gu [T, 2F] (gate | up) → h [T, F] = silu(gate)·up. */
  public void swiglu(MemorySegment s, long gu, long h, int rows, int f) {
    encoder.kernel("swiglu_f32").launch1d(s, (long) rows * f, gu, h, rows, f);
  }

  /**
   * In place on x [rows, heads·width]: optional RMSNorm (w may be 0), then RoPE on the last r channels at pos0+row
   * (with {@code dyn}, a device array {pos0, base, first windows…} (0: none), at pos0 − base + row; lm.cu).
   */
  public void normRope(MemorySegment s, long x, int rows, int heads, int width, long w, boolean norm, float eps,
      long invFreq, int r, long pos0, boolean inverse, long dyn) {
    if (width > 256) throw new IllegalArgumentException("norm_rope: width " + width + " > 256");
    long warps = (long) rows * heads;
    lm.kernel("norm_rope").launch(s, (int) ((warps * 32 + 255) / 256), 1, 1, 256, 0, x, rows, heads, width, w,
        norm ? 1 : 0, eps, invFreq, r, pos0, inverse ? 1 : 0, dyn);
  }

  /** gate [T, cw] += bias[(pos0 + j) mod m] (pos0 from {@code dyn} when non-zero). */
  public void addPositionBias(MemorySegment s, long gate, long bias, int t, int cw, int m, long pos0, long dyn) {
    lm.kernel("add_position_bias").launch1d(s, (long) t * cw, gate, bias, t, cw, m, pos0, dyn);
  }

  /**
   * The entries of windows w0 … w0+count−1 into the ring {@code entries} (cap rows of dim). With {@code dyn} the
   * kernel finds the windows a T-token chunk at dyn's position completes ({@code count} blocks are launched: at least
   * as many).
   */
  public void compress(MemorySegment s, long ckv, long cgate, long ringKv, long ringGate, int slots, long entries, int cap,
      long w0, int count, int m, int dim, boolean overlap, long pos0, long norm, float eps, long invFreq, int r,
      long base, int t, long dyn) {
    if (count <= 0) return;
    if (dim > 64) throw new IllegalArgumentException("compress: entry width " + dim + " > 64");
    lm.kernel("compress").launch(s, count, 1, 1, 64, 0, ckv, cgate, ringKv, ringGate, slots, entries, cap, w0, count, m,
        dim, overlap ? 1 : 0, pos0, norm, eps, invFreq, r, base, t, dyn);
  }

  /** The last min(T, slots) rows of src [T, width] into the ring (row pos mod slots). */
  public void ringStore(MemorySegment s, long src, int t, int width, long ring, int slots, long pos0, long dyn) {
    lm.kernel("ring_store").launch1d(s, (long) Math.min(t, slots) * width, src, t, width, ring, slots, pos0, dyn);
  }

  /** Held windows first … first+count−1 from a ring of capOld rows to one of capNew. */
  public void ringCopy(MemorySegment s, long src, int capOld, long dst, int capNew, long first, int count, int width) {
    if (count > 0) lm.kernel("ring_copy").launch1d(s, (long) count * width, src, capOld, dst, capNew, first, count, width);
  }

  /**
   * scores [rows, nCols] of queries j0 … against held keys 0 … nCols−1 (with {@code dyn}: nCols and the first window
   * of {@code layer} from it, the grid sized by the given nCols, an upper bound).
   */
  public void indexerScores(MemorySegment s, long iq, long iw, long keys, int cap, long first, int nCols, int j0, int rows,
      int heads, int dim, float dscale, float wscale, long scores, int m, int layer, long dyn) {
    if (heads > 8 || heads * dim > 256 || dim > 64) {
      throw new IllegalArgumentException("indexer_scores: " + heads + " heads of " + dim + " exceed 8 heads, 256 values");
    }
    lm.kernel("indexer_scores").launch(s, Math.max(1, (nCols + 127) / 128), (rows + 7) / 8, 1, 128, 0, iq, iw, keys, cap,
        first, nCols, j0, rows, heads, dim, dscale, wscale, scores, m, layer, dyn);
  }

  /** picked [T, k] rows j0 … j0+rows−1: the top k of each query's visible scores. */
  public void topk(MemorySegment s, long scores, int nCols, int j0, int rows, long pos0, int m, long first, int k,
      long picked, int layer, long dyn) {
    if (k > 1024) throw new IllegalArgumentException("topk: k = " + k + " > 1024");
    lm.kernel("topk").launch(s, rows, 1, 1, 256, 0, scores, nCols, j0, pos0, m, first, k, picked, layer, dyn);
  }

  /** out [T, H, 64]: attention of each query over its raw keys, compressed entries and the sink. */
  public void attention(MemorySegment s, long q, long kv, long rawRing, int wslots, long entries, int cap, long first,
      long picked, int k, long pos0, int m, int spanFrom, int spanTo, int window, long sinks, float scale, int t,
      int heads, long out, int layer, long dyn) {
    lm.kernel("attention").launch(s, t, heads, 1, 128, 0, q, kv, rawRing, wslots, entries, cap, first, picked, k, pos0, m,
        spanFrom, spanTo, window, sinks, scale, heads, out, layer, dyn);
  }

  /** Rotates the last r channels of rows [n, width] by −delta positions. */
  public void rebaseRows(MemorySegment s, long x, int n, int width, long invFreq, int r, long delta) {
    if (n > 0) lm.kernel("rebase_rows").launch1d(s, (long) n * (r / 2), x, n, width, invFreq, r, delta);
  }
}
