package dev.glimpse.cuda.encoder;

import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaException;
import dev.glimpse.cuda.KernelCompiler;
import dev.glimpse.cuda.KernelModule;
import dev.glimpse.cuda.KernelModule.Kernel;
import dev.glimpse.cuda.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed launches of the kernels in {@code encoder.cu} (one method per kernel, arguments in the kernel's order,
 * grids chosen here). Pointers are CUdeviceptr {@code long}s, 0 for null. Legend as in encoder.cu.
 */
public final class EncoderKernels {
  /** The CUDA C source resource. */
  public static final String SOURCE = "/dev/glimpse/cuda/encoder/encoder.cu";
  /** The tensor-core attention, global and windowed (bf16 mma, sm_80 and later), a module of its own. */
  public static final String TENSOR_CORE_SOURCE = "/dev/glimpse/cuda/encoder/attention_tc.cu";
  /** Its one kernel. */
  public static final String TENSOR_CORE_KERNEL = "attention_tc_bf16";
  /** Kernels instantiated once per storage type (suffix _f32 / _bf16). */
  public static final List<String> TYPED = List.of("patch_u8", "patch_pix", "residual_rmsnorm", "attention",
      "attention_combine", "swiglu", "unfold", "bias_gelu");
  /** Kernels with f32 rows only. */
  public static final List<String> PLAIN = List.of("add_bias_pos", "qkv_bias_rope", "image_block_embed");
  /** Dynamic shared memory of one attention CTA: four 64 × 68 f32 tiles (encoder.cu, ATT_LD). */
  public static final int ATTENTION_SHARED_BYTES = 4 * 64 * 68 * 4;
  /** Queries (and keys) per attention tile. */
  public static final int ATTENTION_TILE = 64;

  private final KernelModule module;
  private final KernelModule tensorCore;   // null: global attention on CUDA cores in every precision

  /** Looks every kernel up now, and lets the attention kernels use their shared memory. */
  public EncoderKernels(KernelModule module, int maxSharedPerBlockOptin) { this(module, null, maxSharedPerBlockOptin); }

  /**
   * As {@link #EncoderKernels(KernelModule, int)}, with bf16 global attention on tensor cores from {@code tensorCore}
   * (the {@link #TENSOR_CORE_SOURCE} module; null for none).
   */
  public EncoderKernels(KernelModule module, KernelModule tensorCore, int maxSharedPerBlockOptin) {
    this.module = module;
    this.tensorCore = tensorCore;
    module.require(names());
    if (tensorCore != null) tensorCore.require(List.of(TENSOR_CORE_KERNEL));
    if (maxSharedPerBlockOptin < ATTENTION_SHARED_BYTES) {
      throw new CudaException("the attention kernel needs " + ATTENTION_SHARED_BYTES + " bytes of shared memory per block;"
          + " this GPU allows " + maxSharedPerBlockOptin);
    }
    for (String s : List.of("f32", "bf16")) module.kernel("attention_" + s).allowSharedMemory(ATTENTION_SHARED_BYTES);
  }

  /** Every kernel name the host launches (each must be an extern "C" entry of the source). */
  public static List<String> names() {
    List<String> all = new ArrayList<>(PLAIN);
    for (String t : TYPED) for (String s : List.of("f32", "bf16")) all.add(t + "_" + s);
    return all;
  }

  /** The CUDA C source. */
  public static String source() { return resource(SOURCE); }

  /** The tensor-core attention's CUDA C source. */
  public static String tensorCoreSource() { return resource(TENSOR_CORE_SOURCE); }

  /**
   * The tensor-core attention module for a GPU with bf16 mma (compute capability 8.0 or later), compiled or taken
   * from the cache; null when the GPU is older or the module cannot be built (logged: global attention then runs on
   * CUDA cores, as in f32).
   */
  public static KernelModule loadTensorCore(KernelCompiler compiler, Cuda cuda, System.Logger log) {
    if (cuda.device().ccMajor() < 8) return null;
    try {
      KernelModule m = compiler.load("attention_tc", tensorCoreSource());
      m.require(List.of(TENSOR_CORE_KERNEL));
      return m;
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "tensor-core attention unavailable, global attention on CUDA cores: " + e.getMessage());
      return null;
    }
  }

  private static String resource(String path) {
    try (InputStream in = EncoderKernels.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("resource " + path + " missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Kernel typed(String name, Precision p) { return module.kernel(name + "_" + p.storage()); }

  /** rgb [B, Gh, Gw, 3] bytes → patches [B·P, 3p²] (normalised, stored as p). */
  public void patchU8(MemorySegment s, Precision p, long rgb, long out, int b, int gh, int gw, int patch) {
    typed("patch_u8", p).launch1d(s, (long) b * (gh / patch) * (gw / patch) * 3 * patch * patch, rgb, out, b, gh, gw, patch);
  }

  /** pixels [B, 3, Gh, Gw] → patches [B·P, 3p²]. */
  public void patchPixels(MemorySegment s, Precision p, long pix, long out, int b, int gh, int gw, int patch) {
    typed("patch_pix", p).launch1d(s, (long) b * (gh / patch) * (gw / patch) * 3 * patch * patch, pix, out, b, gh, gw, patch);
  }

  /** In place x[M, C] = (x + bias) + pos[row mod P]. */
  public void addBiasPos(MemorySegment s, long x, long bias, long pos, int m, int np, int c) {
    module.kernel("add_bias_pos").launch1d(s, (long) m * c, x, bias, pos, m, np, c);
  }

  /** x += res + rbias (when res != 0); y = RMSNorm(x)·w stored as {@code out}. One warp per row. */
  public void residualRmsNorm(MemorySegment s, Precision out, long x, long res, long rbias, long w, long y, int m, int c,
      float eps) {
    typed("residual_rmsnorm", out).launch(s, (m + 7) / 8, 1, 1, 256, 0, x, res, rbias, w, y, m, c, eps);
  }

  /** In place on qkv [M, 3C]: + biases, 2-D RoPE on q and k. */
  public void qkvBiasRope(MemorySegment s, long qkv, long bias, long cos, long sin, int m, int np, int heads) {
    module.kernel("qkv_bias_rope").launch1d(s, (long) m * heads * 32, qkv, bias, cos, sin, m, np, heads);
  }

  /**
   * out [B·P, C] = softmax(q kᵀ·scale) v per head, inside win×win windows (win > 0) or over the frame (win = 0).
   * Global attention with {@code splits} > 1 spreads each query tile's keys over that many CTAs, which write to
   * partO [splits, B·H·P, 64] and partMl [splits, B·H·P, 2], merged by attention_combine.
   */
  public void attention(MemorySegment s, Precision out, long qkv, long o, int b, int hp, int wp, int heads, int win,
      float scale, int splits, long partO, long partMl) {
    int n = win > 0 ? win * win : hp * wp;
    int tiles = (n + ATTENTION_TILE - 1) / ATTENTION_TILE;
    if (win > 0 && (hp % win != 0 || wp % win != 0)) {
      throw new IllegalArgumentException("patch grid " + hp + "x" + wp + " is not a multiple of the window " + win);
    }
    if (splits < 1 || splits > tiles || (win > 0 && splits != 1) || (splits > 1 && (partO == 0 || partMl == 0))) {
      throw new IllegalArgumentException("attention: " + splits + " key splits for " + tiles + " key tiles (windowed: 1)");
    }
    int gy = win > 0 ? (hp / win) * (wp / win) : splits;
    if (tensorCore != null && out == Precision.BF16 && win * win <= ATTENTION_TILE) {
      tensorCore.kernel(TENSOR_CORE_KERNEL).launch(s, tiles, gy, b * heads, 128, 0, qkv, o, hp, wp, heads, win, scale,
          splits, partO, partMl);
    } else {
      typed("attention", out).launch(s, tiles, gy, b * heads, 256, ATTENTION_SHARED_BYTES, qkv, o, hp, wp, heads, win,
          scale, splits, partO, partMl);
    }
    if (splits > 1) {
      typed("attention_combine", out).launch1d(s, (long) b * heads * n * 64, partO, partMl, o, b, heads, n, splits);
    }
  }

  /** Key splits that fill the GPU: more when frames × heads × query tiles give fewer than two CTAs per SM. */
  public static int keySplits(int b, int heads, int n, int multiprocessors) {
    int tiles = (n + ATTENTION_TILE - 1) / ATTENTION_TILE;
    int ctas = b * heads * tiles, splits = 1;
    while (splits < 4 && splits * 2 <= tiles && ctas * splits < 2 * multiprocessors) splits *= 2;
    return splits;
  }

  /** gu [M, 2F] (gate | up) → h [M, F] = silu(gate)·up. */
  public void swiglu(MemorySegment s, Precision out, long gu, long h, int m, int f) {
    typed("swiglu", out).launch1d(s, (long) m * f, gu, h, m, f);
  }

  /** x [B·P, C] → u [B·n, C·k²], channel-major merge×merge neighbourhoods. */
  public void unfold(MemorySegment s, Precision out, long x, long u, int b, int hp, int wp, int c, int k) {
    typed("unfold", out).launch1d(s, (long) b * (hp / k) * (wp / k) * c * k * k, x, u, b, hp, wp, c, k);
  }

  /** g = GELU(hid + bias), hid [M, A]. */
  public void biasGelu(MemorySegment s, Precision out, long hid, long bias, long g, int m, int a) {
    typed("bias_gelu", out).launch1d(s, (long) m * a, hid, bias, g, m, a);
  }

  /** out [T, d]: row slot[t] of rows, or specials[−1 − slot[t]]. */
  public void imageBlockEmbed(MemorySegment s, long rows, long slot, long specials, long out, int t, int d) {
    module.kernel("image_block_embed").launch1d(s, (long) t * d, rows, slot, specials, out, t, d);
  }
}
