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
  /** Its kernels: windows; the pack of q, k, vᵀ for global attention; global (flash) attention. */
  public static final List<String> TENSOR_CORE_KERNELS = List.of("attention_tc_bf16", "flash_pack_bf16", "flash_tc_bf16");
  /** Warps of a flash_tc_bf16 CTA (attention_tc.cu, FL_WARPS), 16 queries each. */
  public static final int FLASH_WARPS = 6;
  /** Queries per CTA of the tensor-core global attention (flash_tc_bf16). */
  public static final int FLASH_QUERY_TILE = 16 * FLASH_WARPS;
  /** CTAs of flash_tc_bf16 that fit one SM (its __launch_bounds__). */
  public static final int FLASH_CTAS_PER_SM = 3;
  /** The pack pads P to a multiple of this: whole 64-token pack blocks and whole query tiles. */
  static final int FLASH_PAD = 192;
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
    if (tensorCore != null) tensorCore.require(TENSOR_CORE_KERNELS);
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
      m.require(TENSOR_CORE_KERNELS);
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

  /** The row stride of the patch matrix: K = 3p² rounded up to a multiple of 8 (16-byte bf16 rows for cuBLAS). */
  public static int patchStride(int patch) { return (3 * patch * patch + 7) / 8 * 8; }

  /**
   * rgb [B, Gh, Gw, 3] bytes → patches [B·P, 3p²] (normalised, stored as p) in rows {@link #patchStride} apart,
   * zero-padded; a thread per pixel.
   */
  public void patchU8(MemorySegment s, Precision p, long rgb, long out, int b, int gh, int gw, int patch) {
    typed("patch_u8", p).launch1d(s, (long) b * gh * gw, rgb, out, b, gh, gw, patch,
        patchStride(patch));
  }

  /** pixels [B, 3, Gh, Gw] → patches [B·P, 3p²] in rows {@link #patchStride} apart, zero-padded. */
  public void patchPixels(MemorySegment s, Precision p, long pix, long out, int b, int gh, int gw, int patch) {
    typed("patch_pix", p).launch1d(s, (long) b * gh * gw, pix, out, b, gh, gw, patch,
        patchStride(patch));
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
   * partO [splits, B·H·P, 64] and partMl [splits, B·H·P, 2], merged by attention_combine. bf16 global attention on
   * tensor cores first packs q, k and vᵀ into {@code packed} ({@link #packedBytes} of device memory; ignored
   * otherwise, may be 0 there). With {@code bias} non-zero, qkv is the QKV GEMM's raw output and the kernels add
   * the biases [3C] and apply the RoPE of cos / sin [P, 32] as they load it, instead of a {@link #qkvBiasRope} pass;
   * only where {@link #fusesRope} says so.
   */
  public void attention(MemorySegment s, Precision out, long qkv, long o, int b, int hp, int wp, int heads, int win,
      float scale, int splits, long partO, long partMl, long packed, long bias, long cos, long sin) {
    int n = win > 0 ? win * win : hp * wp;
    int tiles = (n + ATTENTION_TILE - 1) / ATTENTION_TILE;
    if (win > 0 && (hp % win != 0 || wp % win != 0)) {
      throw new IllegalArgumentException("patch grid " + hp + "x" + wp + " is not a multiple of the window " + win);
    }
    if (splits < 1 || splits > tiles || (win > 0 && splits != 1) || (splits > 1 && (partO == 0 || partMl == 0))) {
      throw new IllegalArgumentException("attention: " + splits + " key splits for " + tiles + " key tiles (windowed: 1)");
    }
    if (bias != 0 && (!fusesRope(out, win) || cos == 0 || sin == 0)) {
      throw new IllegalArgumentException("attention: this kernel cannot add the biases and RoPE (see fusesRope)");
    }
    int gy = win > 0 ? (hp / win) * (wp / win) : splits;
    boolean tc = fusesRope(out, win);                    // on the tensor-core kernels
    float log2Scale = (float) (scale / Math.log(2.0));   // the tensor-core kernels' softmax runs in base 2
    if (tc && win > 0) {
      tensorCore.kernel("attention_tc_bf16").launch(s, 1, gy, b * heads, 128, 0, qkv, o, hp, wp, heads, win, log2Scale,
          bias, cos, sin);
      return;
    }
    if (tc) {
      if (packed == 0) throw new IllegalArgumentException("attention: tensor-core global attention needs the packed buffer");
      int pp = paddedTokens(n);
      long per = (long) b * heads * pp * 64 * 2;                    // bytes of each of q, k, vᵀ
      tensorCore.kernel("flash_pack_bf16").launch(s, pp / 64, b * heads, 1, 256, 0, qkv, packed, packed + per,
          packed + 2 * per, n, pp, heads, log2Scale, bias, cos, sin);
      tensorCore.kernel("flash_tc_bf16").launch(s, (n + FLASH_QUERY_TILE - 1) / FLASH_QUERY_TILE, splits, b * heads,
          32 * FLASH_WARPS, 0, packed, packed + per,
          packed + 2 * per, o, n, pp, heads, splits, partO, partMl);
    } else {
      typed("attention", out).launch(s, tiles, gy, b * heads, 256, ATTENTION_SHARED_BYTES, qkv, o, hp, wp, heads, win,
          scale, splits, partO, partMl);
    }
    if (splits > 1) {
      typed("attention_combine", out).launch1d(s, (long) b * heads * n * 64, partO, partMl, o, b, heads, n, splits);
    }
  }

  /**
   * Whether {@link #attention} in this storage and window (0: global) runs on the tensor-core kernels, which add the
   * QKV biases and RoPE themselves (so the caller skips {@link #qkvBiasRope}).
   */
  public boolean fusesRope(Precision out, int win) {
    return globalOnTensorCores(out) && (win == 0 || win * win <= ATTENTION_TILE);
  }

  /** Whether global attention in this storage runs on the tensor-core (flash) kernels, which need the packed buffer. */
  public boolean globalOnTensorCores(Precision out) { return tensorCore != null && out == Precision.BF16; }

  /** P padded for the pack of the tensor-core global attention. */
  static int paddedTokens(int np) { return (np + FLASH_PAD - 1) / FLASH_PAD * FLASH_PAD; }

  /** Device bytes of the packed bf16 q, k, vᵀ [B·H, Pp, 64] each that bf16 global attention on tensor cores needs. */
  public static long packedBytes(int b, int heads, int np) { return 3L * b * heads * paddedTokens(np) * 64 * 2; }

  /**
   * Key splits of global attention that fill the GPU: doubled (up to 4, and at most the key tiles) while the CTAs
   * of frames × heads × query tiles × splits are fewer than one wave. The tensor-core kernel (bf16, when this GPU
   * has it) has its own query tile and CTAs per SM; the CUDA-core kernel 64 and 2.
   */
  public int keySplits(Precision p, int b, int heads, int n, int multiprocessors) {
    boolean flash = globalOnTensorCores(p);
    int tiles = (n + ATTENTION_TILE - 1) / ATTENTION_TILE;
    int queryTile = flash ? FLASH_QUERY_TILE : ATTENTION_TILE, perSm = flash ? FLASH_CTAS_PER_SM : 2;
    long ctas = (long) b * heads * ((n + queryTile - 1) / queryTile);
    int splits = 1;
    while (splits < 4 && splits * 2 <= tiles && ctas * splits < (long) perSm * multiprocessors) splits *= 2;
    return splits;
  }

  /** gu [M, 2F] (gate | up, stored as {@code out}) → h [M, F] = silu(gate)·up. */
  public void swiglu(MemorySegment s, Precision out, long gu, long h, int m, int f) {
    long total = (long) m * f;
    typed("swiglu", out).launch1d(s, f % 4 == 0 ? total / 4 : total, gu, h, m, f);   // four columns a thread when f allows
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
