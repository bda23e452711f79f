package dev.glimpse.cuda.check;

import static dev.glimpse.cuda.check.CheckReport.relError;

import dev.glimpse.cuda.Cublas;
import dev.glimpse.cuda.Precision;
import dev.glimpse.cuda.encoder.EncoderKernels;
import dev.glimpse.cuda.check.CheckReport.Measured;
import dev.glimpse.encoder.ImageBlock;
import dev.glimpse.encoder.Rope2d;
import dev.glimpse.tensor.DType;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.ReferenceKernels;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;

/**
 * Every CUDA kernel and GEMM path against the scalar specification — {@link ReferenceKernels}, and plain loops
 * written from docs/model.md where the reference kernels have no such operation (patches, RoPE, attention, unfold,
 * image block) — on random data of odd sizes, f32 and bf16 outputs. Tolerances: f32 outputs 1e-5 (summation order
 * only), RoPE 1e-6, bf16 outputs 8e-3 (one bf16 rounding, 2^-8, of a value that may differ in its last f32 bit),
 * TF32 GEMM 5e-3 (10-bit mantissa inputs).
 */
public final class KernelChecks {
  static final double F32 = 1e-5, BF16_OUT = 8e-3, TF32 = 5e-3, TENSOR_CORE = 2e-2;

  private final GpuSession g;
  private final Random rnd;
  private final boolean small;
  private final Kernels ref = new ReferenceKernels();

  /** {@code small}: skip the largest shapes (for the CPU stand-in of FakeCudaStackTest, where they take minutes). */
  KernelChecks(GpuSession g, Random rnd, boolean small) {
    this.g = g;
    this.rnd = rnd;
    this.small = small;
  }

  /** Runs every kernel check into {@code report}. */
  void runAll(CheckReport report) {
    int[][] gemms = small ? new int[][] {{1, 1, 1}, {37, 53, 29}, {130, 588, 192}}
        : new int[][] {{1, 1, 1}, {37, 53, 29}, {130, 588, 192}, {7, 1728, 512}, {2916, 192, 576}};
    for (Precision p : Precision.values()) {
      for (int[] s : gemms) {
        report.run("gemm " + p + " m=" + s[0] + " k=" + s[1] + " n=" + s[2], p == Precision.TF32 ? TF32 : F32,
            () -> gemm(p, s[0], s[1], s[2]));
      }
    }
    report.run("gemm BF16 stored as bf16 m=37 k=64 n=72", BF16_OUT, () -> gemmStored(37, 64, 72));
    for (Precision p : new Precision[] {Precision.F32, Precision.BF16}) {
      report.run("cublasLt matmul+bias " + p + " m=37 k=53 n=29", F32, () -> ltBias(p, 37, 53, 29));
      if (!small) report.run("cublasLt matmul+bias " + p + " m=324 k=1728 n=512", F32, () -> ltBias(p, 324, 1728, 512));
    }
    for (Precision p : new Precision[] {Precision.F32, Precision.BF16}) {
      double tol = p == Precision.F32 ? F32 : BF16_OUT;
      report.run("residual_rmsnorm_" + p.storage() + " res+bias m=37 c=192", tol, () -> rmsNorm(p, 37, 192, true, true));
      report.run("residual_rmsnorm_" + p.storage() + " res m=5 c=67", tol, () -> rmsNorm(p, 5, 67, true, false));
      report.run("residual_rmsnorm_" + p.storage() + " plain m=9 c=33", tol, () -> rmsNorm(p, 9, 33, false, false));
      report.run("swiglu_" + p.storage() + " m=33 f=77", tol, () -> swiglu(p, 33, 77));
      report.run("swiglu_" + p.storage() + " m=9 f=64 (four columns a thread)", tol, () -> swiglu(p, 9, 64));
      report.run("bias_gelu_" + p.storage() + " m=13 a=99", tol, () -> biasGelu(p, 13, 99));
      report.run("patch_u8_" + p.storage() + " B=2 42x28", 0, () -> patches(p, true, 2, 28, 42));
      report.run("patch_pix_" + p.storage() + " B=2 28x56", 0, () -> patches(p, false, 2, 56, 28));
      report.run("unfold_" + p.storage() + " B=2 hp=6 wp=9 c=5", 0, () -> unfold(p, 2, 6, 9, 5, 3));
      report.run("attention_" + p.storage() + " windowed 6x6, B=2 hp=12 wp=18 H=3", tol, () -> attention(p, 2, 12, 18, 3, 6));
      report.run("attention_" + p.storage() + " global P=35 (one tile), B=2 H=2", tol, () -> attention(p, 2, 5, 7, 2, 0));
      report.run("attention_" + p.storage() + " global P=117 (two tiles), B=1 H=3", tol, () -> attention(p, 1, 9, 13, 3, 0));
      if (!small) report.run("attention_" + p.storage() + " global P=324 (six tiles), B=2 H=1", tol, () -> attention(p, 2, 18, 18, 1, 0));
      report.run("attention_" + p.storage() + " global P=117, keys split in 2, B=2 H=3", tol, () -> attention(p, 2, 9, 13, 3, 0, 2));
      report.run("attention_" + p.storage() + " global P=324, keys split in 4, B=1 H=2", tol, () -> attention(p, 1, 18, 18, 2, 0, 4));
    }
    if (g.tensorCore != null) {            // bf16 q, k, p and v into the two products: TENSOR_CORE, not BF16_OUT
      EncoderKernels tc = g.tensorCore;
      Precision p = Precision.BF16;
      report.run("attention_tc_bf16 (tensor cores) windowed 6x6, B=2 hp=12 wp=18 H=3", TENSOR_CORE,
          () -> attention(tc, p, 2, 12, 18, 3, 6, 1));
      report.run("attention_tc_bf16 (tensor cores) windowed 8x8 (a full tile), B=1 hp=16 wp=8 H=2", TENSOR_CORE,
          () -> attention(tc, p, 1, 16, 8, 2, 8, 1));
      String n = "attention_tc_bf16 (tensor cores) global ";
      report.run(n + "P=35 (one tile), B=2 H=2", TENSOR_CORE, () -> attention(tc, p, 2, 5, 7, 2, 0, 1));
      report.run(n + "P=117 (two tiles), B=1 H=3", TENSOR_CORE, () -> attention(tc, p, 1, 9, 13, 3, 0, 1));
      report.run(n + "P=324 (six tiles), B=2 H=1", TENSOR_CORE, () -> attention(tc, p, 2, 18, 18, 1, 0, 1));
      report.run(n + "P=117, keys split in 2, B=2 H=3", TENSOR_CORE, () -> attention(tc, p, 2, 9, 13, 3, 0, 2));
      report.run(n + "P=324, keys split in 4, B=1 H=2", TENSOR_CORE, () -> attention(tc, p, 1, 18, 18, 2, 0, 4));
      if (!small) report.run(n + "P=2916 (756²), B=1 H=1", TENSOR_CORE, () -> attention(tc, p, 1, 54, 54, 1, 0, 1));
      if (!small) report.run(n + "P=3024 (1008x588), keys split in 2, B=1 H=3", TENSOR_CORE, () -> attention(tc, p, 1, 42, 72, 3, 0, 2));
      report.run("attention_tc_bf16 (tensor cores) windowed 6x6 + biases and RoPE, B=2 hp=12 wp=18 H=3", TENSOR_CORE,
          () -> attention(tc, p, 2, 12, 18, 3, 6, 1, true));
      report.run(n + "P=324 + biases and RoPE, keys split in 2, B=2 H=3", TENSOR_CORE, () -> attention(tc, p, 2, 18, 18, 3, 0, 2, true));
    }
    report.run("qkv_bias_rope B=2 hp=5 wp=7 H=2", 1e-6, () -> rope(2, 5, 7, 2));
    report.run("add_bias_pos m=30 P=15 c=7", 0, () -> addBiasPos(30, 15, 7));
    report.run("image_block_embed 3x5 merged grid at position 1", 0, () -> imageBlock(3, 5, 1, 8));
  }

  private float[] randn(int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * scale);
    return v;
  }

  private static float[] roundBf16(float[] v) {
    float[] o = new float[v.length];
    for (int i = 0; i < v.length; i++) o[i] = DType.bf16ToFloat(DType.floatToBf16(v[i]));
    return o;
  }

  private static short[] bf16Bits(float[] v) {
    short[] o = new short[v.length];
    for (int i = 0; i < v.length; i++) o[i] = DType.floatToBf16(v[i]);
    return o;
  }

  /** Uploads v as the precision stores GEMM inputs. */
  private long stored(Precision p, float[] v) { return p == Precision.BF16 ? g.shorts(bf16Bits(v)) : g.floats(v); }

  /** Downloads n values written in the precision's storage type, as f32. */
  private float[] fetch(Precision p, long ptr, int n) {
    if (p != Precision.BF16) return g.downloadFloats(ptr, n);
    short[] s = g.downloadShorts(ptr, n);
    float[] o = new float[n];
    for (int i = 0; i < n; i++) o[i] = DType.bf16ToFloat(s[i]);
    return o;
  }

  private float[] matmulRef(float[] x, float[] w, float[] bias, int m, int k, int n) {
    float[] out = new float[m * n];
    try (Arena a = Arena.ofConfined()) {
      ref.matmul(out, x, m, k, Tensor.ofFloats(a, "w", w, n, k), bias == null ? null : Tensor.ofFloats(a, "b", bias, n));
    }
    return out;
  }

  private Measured done(float[] got, float[] want, String detail) {
    g.freeBuffers();
    return new Measured(relError(got, want), detail);
  }

  /** {@link dev.glimpse.cuda.Gemm#xwTStored} in bf16: the f32 product of bf16 inputs, rounded once to bf16. */
  Measured gemmStored(int m, int k, int n) {
    Precision p = Precision.BF16;
    float[] x = roundBf16(randn(m * k, 1)), w = roundBf16(randn(n * k, 1 / Math.sqrt(k)));
    long dx = stored(p, x), dw = stored(p, w), out = g.alloc(2L * m * n);
    g.gemm.xwTStored(p, out, dx, dw, m, n, k);
    return done(fetch(p, out, m * n), matmulRef(x, w, null, m, k, n), "vs ReferenceKernels.matmul");
  }

  Measured gemm(Precision p, int m, int k, int n) {
    float[] x = randn(m * k, 1), w = randn(n * k, 1 / Math.sqrt(k));
    float[] xr = p == Precision.BF16 ? roundBf16(x) : x, wr = p == Precision.BF16 ? roundBf16(w) : w;
    long dx = stored(p, x), dw = stored(p, w), out = g.alloc(4L * m * n);
    g.gemm.xwT(p, out, dx, dw, m, n, k);
    return done(g.downloadFloats(out, m * n), matmulRef(xr, wr, null, m, k, n), "vs ReferenceKernels.matmul");
  }

  Measured ltBias(Precision p, int m, int k, int n) {
    float[] x = randn(m * k, 1), w = randn(n * k, 1 / Math.sqrt(k)), b = randn(n, 1);
    float[] xr = p == Precision.BF16 ? roundBf16(x) : x, wr = p == Precision.BF16 ? roundBf16(w) : w;
    long dx = stored(p, x), dw = stored(p, w), db = g.floats(b), out = g.alloc(4L * m * n);
    g.cuda.cublasLt().matmul(g.lt, Cublas.OP_T, Cublas.OP_N, n, m, k, dw, k, dx, k, out, n, p.dataType(), p.computeType(),
        db, g.workspace.ptr(), GpuSession.WORKSPACE, g.s());
    return done(g.downloadFloats(out, m * n), matmulRef(xr, wr, b, m, k, n), "vs ReferenceKernels.matmul with bias");
  }

  Measured rmsNorm(Precision p, int m, int c, boolean res, boolean bias) {
    float[] x = randn(m * c, 2), r = randn(m * c, 1), b = randn(c, 0.5), w = randn(c, 1);
    long dx = g.floats(x), dr = res ? g.floats(r) : 0, db = bias ? g.floats(b) : 0, dw = g.floats(w), y = g.alloc(4L * m * c);
    g.kernels.residualRmsNorm(g.s(), p, dx, dr, db, dw, y, m, c, 1e-6f);
    float[] xs = x.clone();
    if (res) for (int i = 0; i < xs.length; i++) xs[i] += bias ? r[i] + b[i % c] : r[i];
    float[] want = new float[m * c];
    try (Arena a = Arena.ofConfined()) {
      ref.rmsNorm(want, xs, m, c, Tensor.ofFloats(a, "w", w, c), 1e-6f);
    }
    double ex = relError(g.downloadFloats(dx, m * c), xs);
    float[] got = fetch(p, y, m * c);
    g.freeBuffers();
    return new Measured(Math.max(ex, relError(got, want)), String.format("residual x err %.1e", ex));
  }

  Measured swiglu(Precision p, int m, int f) {
    float[] gu = randn(m * 2 * f, 2);
    if (p == Precision.BF16) gu = roundBf16(gu);                 // the bf16 GEMM writes gate | up as bf16
    long d = stored(p, gu), h = g.alloc(4L * m * f);
    g.kernels.swiglu(g.s(), p, d, h, m, f);
    float[] gate = new float[m * f], up = new float[m * f], want = new float[m * f];
    for (int r = 0; r < m; r++) {
      System.arraycopy(gu, r * 2 * f, gate, r * f, f);
      System.arraycopy(gu, r * 2 * f + f, up, r * f, f);
    }
    ref.swiglu(want, gate, up, m * f);
    return done(fetch(p, h, m * f), want, "vs ReferenceKernels.swiglu");
  }

  Measured biasGelu(Precision p, int m, int a) {
    float[] hid = randn(m * a, 2), b = randn(a, 1);
    long dh = g.floats(hid), db = g.floats(b), out = g.alloc(4L * m * a);
    g.kernels.biasGelu(g.s(), p, dh, db, out, m, a);
    float[] want = new float[m * a];
    for (int i = 0; i < want.length; i++) want[i] = hid[i] + b[i % a];
    ref.gelu(want, want.length);
    return done(fetch(p, out, m * a), want, "vs ReferenceKernels.gelu");
  }

  /** docs/model.md §2.2/§3.1: patch (pr, pc) flattened (c, py, px); bytes normalised as Preprocess does. */
  Measured patches(Precision p, boolean u8, int b, int gh, int gw) {
    int ps = 14, hp = gh / ps, wp = gw / ps, np = hp * wp, k = EncoderKernels.patchStride(ps);   // padding: 0
    byte[] rgb = new byte[b * gh * gw * 3];
    rnd.nextBytes(rgb);
    float[] pix = randn(b * 3 * gh * gw, 1);
    long in = u8 ? g.bytes(rgb) : g.floats(pix), out = g.alloc(4L * b * np * k);
    g.cuda.driver().memsetAsync(out, (byte) 0x7f, 4L * b * np * k, g.s());      // the padding must be written, not left as it was
    if (u8) g.kernels.patchU8(g.s(), p, in, out, b, gh, gw, ps);
    else g.kernels.patchPixels(g.s(), p, in, out, b, gh, gw, ps);
    float[] want = new float[b * np * k];
    for (int f = 0; f < b; f++) {
      for (int pr = 0; pr < hp; pr++) {
        for (int pc = 0; pc < wp; pc++) {
          int row = f * np + pr * wp + pc;
          for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < ps; y++) {
              for (int x = 0; x < ps; x++) {
                int gy = pr * ps + y, gx = pc * ps + x;
                float v = u8 ? ((rgb[((f * gh + gy) * gw + gx) * 3 + ch] & 0xFF) / 255.0f - 0.5f) / 0.5f
                    : pix[((f * 3 + ch) * gh + gy) * gw + gx];
                want[row * k + (ch * ps + y) * ps + x] = p == Precision.BF16 ? DType.bf16ToFloat(DType.floatToBf16(v)) : v;
              }
            }
          }
        }
      }
    }
    return done(fetch(p, out, want.length), want, "vs the loops of PatchEmbed/Preprocess");
  }

  /** docs/model.md §3.4: merged token (r, c) = patches (3r+ki, 3c+kj), feature ch·9 + ki·3 + kj. */
  Measured unfold(Precision p, int b, int hp, int wp, int c, int k) {
    int nh = hp / k, nw = wp / k, n = nh * nw, uw = c * k * k;
    float[] x = randn(b * hp * wp * c, 1);
    long dx = g.floats(x), u = g.alloc(4L * b * n * uw);
    g.kernels.unfold(g.s(), p, dx, u, b, hp, wp, c, k);
    float[] want = new float[b * n * uw];
    for (int f = 0; f < b; f++) {
      for (int r = 0; r < nh; r++) {
        for (int cc = 0; cc < nw; cc++) {
          int o = (f * n + r * nw + cc) * uw;
          for (int ki = 0; ki < k; ki++) {
            for (int kj = 0; kj < k; kj++) {
              int src = (f * hp * wp + (r * k + ki) * wp + cc * k + kj) * c;
              for (int ch = 0; ch < c; ch++) {
                float v = x[src + ch];
                want[o + ch * k * k + ki * k + kj] = p == Precision.BF16 ? DType.bf16ToFloat(DType.floatToBf16(v)) : v;
              }
            }
          }
        }
      }
    }
    return done(fetch(p, u, want.length), want, "vs the loop of Aligner");
  }

  /** docs/model.md §3.2: softmax(q·kᵀ/√64)·v per head inside each window (or the frame), via the reference kernels. */
  Measured attention(Precision p, int b, int hp, int wp, int heads, int win) { return attention(p, b, hp, wp, heads, win, 1); }

  Measured attention(Precision p, int b, int hp, int wp, int heads, int win, int splits) {
    return attention(g.kernels, p, b, hp, wp, heads, win, splits);
  }

  Measured attention(EncoderKernels k, Precision p, int b, int hp, int wp, int heads, int win, int splits) {
    return attention(k, p, b, hp, wp, heads, win, splits, false);
  }

  /**
   * With {@code rope}, the kernel gets the QKV GEMM's raw output and adds the biases and RoPE itself (the tensor-core
   * path, {@link EncoderKernels#fusesRope}); the reference applies them first, as {@link #rope} checks them.
   */
  Measured attention(EncoderKernels k, Precision p, int b, int hp, int wp, int heads, int win, int splits, boolean rope) {
    int c = heads * 64, np = hp * wp, m = b * np;
    float[] raw = randn(m * 3 * c, 1.5), bias = rope ? randn(3 * c, 0.5) : null;
    Rope2d r2 = rope ? new Rope2d(hp, wp, 10000.0) : null;
    float[] qkv = rope ? biasRope(raw, bias, r2, b, np, heads) : raw;
    long dq = g.floats(raw), out = g.alloc(4L * m * c);
    long po = splits > 1 ? g.alloc(4L * splits * b * heads * np * 64) : 0, pml = splits > 1 ? g.alloc(4L * splits * b * heads * np * 2) : 0;
    float scale = (float) (1.0 / Math.sqrt(64));
    long packed = p == Precision.BF16 ? g.alloc(EncoderKernels.packedBytes(b, heads, np)) : 0;
    k.attention(g.s(), p, dq, out, b, hp, wp, heads, win, scale, splits, po, pml, packed, rope ? g.floats(bias) : 0,
        rope ? g.floats(r2.cosTable()) : 0, rope ? g.floats(r2.sinTable()) : 0);
    float[] want = new float[m * c];
    int groupsR = win > 0 ? hp / win : 1, groupsC = win > 0 ? wp / win : 1;
    for (int f = 0; f < b; f++) {
      for (int ga = 0; ga < groupsR; ga++) {
        for (int gb = 0; gb < groupsC; gb++) {
          int[] idx = win > 0 ? new int[win * win] : new int[np];
          int t = 0;
          if (win > 0) {
            for (int r = ga * win; r < (ga + 1) * win; r++) for (int cc = gb * win; cc < (gb + 1) * win; cc++) idx[t++] = r * wp + cc;
          } else {
            for (int i = 0; i < np; i++) idx[i] = i;
          }
          float[] s = new float[idx.length];
          for (int h = 0; h < heads; h++) {
            for (int i : idx) {
              int qo = (f * np + i) * 3 * c + h * 64;
              for (int j = 0; j < idx.length; j++) s[j] = ref.dot(qkv, qo, qkv, (f * np + idx[j]) * 3 * c + c + h * 64, 64) * scale;
              ref.softmax(s, 0, s.length);
              for (int j = 0; j < idx.length; j++) {
                ref.axpy(s[j], qkv, (f * np + idx[j]) * 3 * c + 2 * c + h * 64, want, (f * np + i) * c + h * 64, 64);
              }
            }
          }
        }
      }
    }
    return done(fetch(p, out, m * c), want, (win > 0 ? "windows of " + win + "x" + win : "global, " + splits + " key split(s)")
        + (rope ? ", biases + RoPE in the kernel" : ""));
  }

  /** qkv [B·P, 3C] + biases, then q and k rotated by the 2-D RoPE (docs/model.md §3.3, through Rope2d.apply). */
  private static float[] biasRope(float[] raw, float[] bias, Rope2d rope, int b, int np, int heads) {
    int c = heads * 64, m = b * np;
    float[] want = new float[m * 3 * c];
    for (int r = 0; r < m; r++) for (int j = 0; j < 3 * c; j++) want[r * 3 * c + j] = raw[r * 3 * c + j] + bias[j];
    for (int f = 0; f < b; f++) {
      for (int part = 0; part < 2; part++) {
        float[] x = new float[np * c];
        for (int i = 0; i < np; i++) System.arraycopy(want, ((f * np + i) * 3 + part) * c, x, i * c, c);
        rope.apply(x, np, heads, 64);
        for (int i = 0; i < np; i++) System.arraycopy(x, i * c, want, ((f * np + i) * 3 + part) * c, c);
      }
    }
    return want;
  }

  /** docs/model.md §3.3 through the encoder's Rope2d, after the biases. */
  Measured rope(int b, int hp, int wp, int heads) {
    int c = heads * 64, np = hp * wp, m = b * np;
    float[] qkv = randn(m * 3 * c, 1), bias = randn(3 * c, 0.5);
    Rope2d rope = new Rope2d(hp, wp, 10000.0);
    long dq = g.floats(qkv), db = g.floats(bias), dc = g.floats(rope.cosTable()), ds = g.floats(rope.sinTable());
    g.kernels.qkvBiasRope(g.s(), dq, db, dc, ds, m, np, heads);
    return done(g.downloadFloats(dq, m * 3 * c), biasRope(qkv, bias, rope, b, np, heads), "vs Rope2d.apply");
  }

  Measured addBiasPos(int m, int np, int c) {
    float[] x = randn(m * c, 1), b = randn(c, 1), pos = randn(np * c, 1);
    long dx = g.floats(x), db = g.floats(b), dp = g.floats(pos);
    g.kernels.addBiasPos(g.s(), dx, db, dp, m, np, c);
    float[] want = new float[m * c];
    for (int i = 0; i < want.length; i++) want[i] = x[i] + b[i % c] + pos[(i / c % np) * c + i % c];
    return done(g.downloadFloats(dx, m * c), want, "");
  }

  /** docs/model.md §4.2-§4.3: IMAGE slots take aligner row perm[i], the others their special embedding. */
  Measured imageBlock(int nh, int nw, int start, int d) {
    ImageBlock blk = ImageBlock.of(nh, nw, start);
    int[] types = blk.types(), perm = blk.perm(), slot = new int[types.length];
    int img = 0;
    for (int t = 0; t < types.length; t++) slot[t] = types[t] == ImageBlock.IMAGE ? perm[img++] : -1 - types[t];
    float[] rows = randn(nh * nw * d, 1), specials = randn(5 * d, 1);
    long dr = g.floats(rows), dsl = g.ints(slot), dsp = g.floats(specials), out = g.alloc(4L * types.length * d);
    g.kernels.imageBlockEmbed(g.s(), dr, dsl, dsp, out, types.length, d);
    float[] want = new float[types.length * d];
    img = 0;
    for (int t = 0; t < types.length; t++) {
      if (types[t] == ImageBlock.IMAGE) System.arraycopy(rows, perm[img++] * d, want, t * d, d);
      else System.arraycopy(specials, types[t] * d, want, t * d, d);
    }
    return done(g.downloadFloats(out, want.length), want, types.length + " slots " + Arrays.toString(Arrays.copyOf(types, 6)) + "…");
  }
}
