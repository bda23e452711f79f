package dev.glimpse.cuda.encoder;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaException;
import dev.glimpse.cuda.CudaGraph;
import dev.glimpse.cuda.DeviceBuffer;
import dev.glimpse.cuda.Driver;
import dev.glimpse.cuda.Gemm;
import dev.glimpse.cuda.KernelCompiler;
import dev.glimpse.cuda.KernelModule;
import dev.glimpse.cuda.Precision;
import dev.glimpse.encoder.EncoderConfig;
import dev.glimpse.encoder.EncoderWeights;
import dev.glimpse.encoder.FrameEncoder;
import dev.glimpse.encoder.Preprocess;
import dev.glimpse.encoder.Probe;
import dev.glimpse.encoder.VisionEncoder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Consumer;

/**
 * The vision encoder of docs/model.md §2-§3 on an NVIDIA GPU: computes what {@link VisionEncoder} computes, from the
 * same loaded weights, for B frames of one grid at once, entirely on the device (patch embedding, RMSNorm, 2-D RoPE,
 * windowed and global attention, SwiGLU, final norm, 3×3 aligner), GEMMs through cuBLAS. Resizing of frames that
 * are not already a grid stays on the CPU ({@link Preprocess}); grid-native frames upload their bytes.
 * Each (grid, batch) shape gets its buffers once; after one eager run its whole encode is captured into a CUDA graph
 * and replayed. {@code lanes} streams let that many callers encode at the same time.
 * Legend: B frames, P patches per frame, M = B·P, C width, H heads, F SwiGLU hidden, K = 3p², n merged tokens,
 * U = C·merge², A aligner hidden, d LM width.
 */
public final class CudaVisionEncoder implements FrameEncoder {
  /**
   * @param precision   GEMM storage and math ({@link Precision}); f32 is the reference
   * @param graphs      capture each shape's encode into a CUDA graph (removes per-launch CPU cost; off = eager)
   * @param lanes       concurrent streams (1..16); more lets more streams' frames overlap on the GPU, each lane
   *                    holding its own activations (~50 MB per 756² frame of batch)
   * @param kernelCache directory of compiled kernels (null: compile at every start)
   */
  public record Options(Precision precision, boolean graphs, int lanes, Path kernelCache) {
    public Options {
      if (precision == null) throw new IllegalArgumentException("precision is required");
      if (lanes < 1 || lanes > 16) throw new IllegalArgumentException("lanes must be 1..16, got " + lanes);
    }

    public static Options defaults() { return new Options(Precision.F32, true, 2, null); }
  }

  /**
   * Milliseconds of timed batch encodes (see {@link #time}): wall clock from frames in a Java array (their copy into
   * pinned memory included), wall clock from frames already in pinned memory (where the PyTorch peer starts), and GPU
   * time between events.
   */
  public record Timing(double[] wallMs, double[] pinnedWallMs, double[] gpuMs, boolean graph) {}

  private final Cuda cuda;
  private final boolean ownsCuda;
  private final EncoderConfig cfg;
  private final Options opts;
  private final Preprocess preprocess;
  private final KernelModule module;
  private final KernelModule tensorCore;   // null unless bf16 on a GPU with tensor-core attention
  private final EncoderKernels kernels;
  private final DeviceWeights weights;
  private final List<EncodeLane> allLanes;
  private final LinkedBlockingDeque<EncodeLane> lanes;   // last in, first out: a lone caller keeps its warm lane
  private final System.Logger log;

  private CudaVisionEncoder(Cuda cuda, boolean ownsCuda, EncoderConfig cfg, Options opts, KernelModule module,
      KernelModule tensorCore, EncoderKernels kernels, DeviceWeights weights, List<EncodeLane> lanes, System.Logger log) {
    this.cuda = cuda;
    this.ownsCuda = ownsCuda;
    this.cfg = cfg;
    this.opts = opts;
    this.preprocess = new Preprocess(cfg);
    this.module = module;
    this.tensorCore = tensorCore;
    this.kernels = kernels;
    this.weights = weights;
    this.allLanes = List.copyOf(lanes);
    this.lanes = new LinkedBlockingDeque<>(lanes);
    this.log = log;
  }

  /**
   * Builds the kernels (NVRTC, or the cache), uploads the weights and opens the lanes. With {@code ownsCuda} the
   * encoder closes {@code cuda} when it is closed. Throws a {@link CudaException} naming what failed.
   */
  public static CudaVisionEncoder create(Cuda cuda, boolean ownsCuda, EncoderConfig cfg, EncoderWeights w, Options opts,
      System.Logger log) {
    cuda.makeCurrent();
    KernelModule module = null, tensorCore = null;
    DeviceWeights weights = null;
    List<EncodeLane> lanes = new ArrayList<>();
    try {
      KernelCompiler compiler = new KernelCompiler(cuda, opts.kernelCache(), log);
      module = compiler.load("encoder", EncoderKernels.source());
      tensorCore = opts.precision() == Precision.BF16 ? EncoderKernels.loadTensorCore(compiler, cuda, log) : null;
      EncoderKernels kernels = new EncoderKernels(module, tensorCore, cuda.device().maxSharedPerBlockOptin());
      for (int i = 0; i < opts.lanes(); i++) lanes.add(new EncodeLane(cuda, kernels));
      weights = new DeviceWeights(cuda.driver(), lanes.getFirst().stream(), cfg, w, opts.precision());
      log.log(INFO, String.format("CUDA vision encoder on %s: %s GEMMs, weights %.1f MiB on the device, kernels %s, "
          + "CUDA graphs %s, %d stream(s), attention on %s", cuda.describe(), opts.precision(),
          weights.bytes / (double) (1 << 20), module.description(), opts.graphs() ? "on" : "off", opts.lanes(),
          tensorCore != null ? "tensor cores (bf16 mma)" : "CUDA cores"));
      return new CudaVisionEncoder(cuda, ownsCuda, cfg, opts, module, tensorCore, kernels, weights, lanes, log);
    } catch (RuntimeException e) {
      for (EncodeLane l : lanes) l.close();
      if (weights != null) weights.close();
      if (module != null) module.close();
      if (tensorCore != null) tensorCore.close();
      if (ownsCuda) cuda.close();
      throw e;
    }
  }

  @Override
  public VisionEncoder.Encoded encode(byte[] rgb, int width, int height) {
    return encodeBatch(List.of(rgb), width, height).getFirst();
  }

  /** Encodes frames of one size together (one batch): each rgb is [H, W, 3]. */
  @Override
  public List<VisionEncoder.Encoded> encodeBatch(List<byte[]> frames, int width, int height) {
    int b = frames.size();
    if (b == 0) return List.of();
    int[] grid = preprocess.chooseGrid(width, height);
    Preprocess.Placement pl = Preprocess.placement(width, height, grid[0], grid[1]);
    float[] rows;
    if (grid[0] == width && grid[1] == height) {                          // grid-native: upload the bytes
      for (byte[] f : frames) {
        if (f.length != width * height * 3) throw new IllegalArgumentException("rgb must be [" + height + ", " + width + ", 3]");
      }
      rows = run(EncodePlan.Input.RGB_U8, b, grid[1], grid[0], seg -> {
        long o = 0;
        for (byte[] f : frames) {
          MemorySegment.copy(f, 0, seg, ValueLayout.JAVA_BYTE, o, f.length);
          o += f.length;
        }
      }, Probe.NONE);
    } else {
      List<float[]> pixels = new ArrayList<>();
      for (byte[] f : frames) pixels.add(preprocess.apply(f, width, height, pl).values());
      rows = run(EncodePlan.Input.PIXELS_F32, b, grid[1], grid[0], seg -> copyFloats(pixels, seg), Probe.NONE);
    }
    int per = rows.length / b;
    int nh = grid[1] / cfg.mergedPx(), nw = grid[0] / cfg.mergedPx();
    List<VisionEncoder.Encoded> out = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      float[] r = b == 1 ? rows : Arrays.copyOfRange(rows, i * per, (i + 1) * per);   // run's array is already fresh
      out.add(new VisionEncoder.Encoded(r, nh, nw, pl));
    }
    return out;
  }

  /** Grid-native RGB bytes [B, Gh, Gw, 3] → aligner rows [B·n, d]; the probe (if any) sees [B·P, C] intermediates. */
  public float[] encodeGridRgb(byte[] rgb, int batch, int gh, int gw, Probe probe) {
    if (rgb.length != (long) batch * gh * gw * 3) throw new IllegalArgumentException("rgb must be [" + batch + ", " + gh + ", " + gw + ", 3]");
    return run(EncodePlan.Input.RGB_U8, batch, gh, gw, seg -> MemorySegment.copy(rgb, 0, seg, ValueLayout.JAVA_BYTE, 0, rgb.length), probe);
  }

  /** pixel_values [B, 3, Gh, Gw] → aligner rows [B·n, d] (as {@link VisionEncoder#encodePixels} per frame). */
  public float[] encodePixels(float[] pixels, int batch, int gh, int gw, Probe probe) {
    if (pixels.length != (long) batch * 3 * gh * gw) throw new IllegalArgumentException("pixels must be [" + batch + ", 3, " + gh + ", " + gw + "]");
    return run(EncodePlan.Input.PIXELS_F32, batch, gh, gw, seg -> copyFloats(List.of(pixels), seg), probe);
  }

  private static void copyFloats(List<float[]> parts, MemorySegment seg) {
    long o = 0;
    for (float[] p : parts) {
      MemorySegment.copy(p, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, o, p.length);
      o += 4L * p.length;
    }
  }

  /**
   * Times {@code iterations} encodes of one grid-native batch after {@code warmup} untimed ones (which build the plan
   * and capture its graph): wall clock from the host bytes to the host rows, and GPU time between events.
   */
  public Timing time(byte[] rgb, int batch, int gh, int gw, int warmup, int iterations) {
    EncodePlan.Shape shape = checkedShape(gh, gw, batch, EncodePlan.Input.RGB_U8);
    EncodeLane lane = takeLane();
    try {
      cuda.makeCurrent();
      EncodePlan plan = lane.plan(cfg, opts.precision(), shape);
      double[] wall = new double[iterations], pinned = new double[iterations], gpu = new double[iterations];
      for (int i = -warmup; i < iterations; i++) {
        long t0 = System.nanoTime();
        MemorySegment.copy(rgb, 0, plan.hostIn.segment(), ValueLayout.JAVA_BYTE, 0, rgb.length);
        long tp = System.nanoTime();
        execute(lane, plan, Probe.NONE, true);
        float[] rows = plan.hostOut.segment().toArray(ValueLayout.JAVA_FLOAT);
        long t1 = System.nanoTime();
        if (i >= 0) {
          wall[i] = (t1 - t0) / 1e6;
          pinned[i] = (t1 - tp) / 1e6;
          gpu[i] = lane.stream.elapsedMs();
          if (rows.length == 0) throw new IllegalStateException("no rows");
        }
      }
      return new Timing(wall, pinned, gpu, plan.graph != null);
    } finally {
      lanes.addFirst(lane);
    }
  }

  /**
   * GPU milliseconds per stage of one eager encode of a grid-native batch (an event after each stage), for
   * profiling; run {@link #time} first so that the plan exists and cuBLAS is warm.
   */
  public java.util.Map<String, Double> stageMillis(byte[] rgb, int batch, int gh, int gw) {
    EncodePlan.Shape shape = checkedShape(gh, gw, batch, EncodePlan.Input.RGB_U8);
    EncodeLane lane = takeLane();
    try {
      cuda.makeCurrent();
      EncodePlan plan = lane.plan(cfg, opts.precision(), shape);
      MemorySegment.copy(rgb, 0, plan.hostIn.segment(), ValueLayout.JAVA_BYTE, 0, rgb.length);
      try (StageTimer timer = new StageTimer(cuda.driver(), lane.stream())) {
        enqueue(lane, plan, Probe.NONE, timer);
        lane.stream.synchronize();
        return timer.millis();
      }
    } finally {
      lanes.addFirst(lane);
    }
  }

  private EncodePlan.Shape checkedShape(int gh, int gw, int batch, EncodePlan.Input input) {
    int p = cfg.patchSize(), unit = p * cfg.window(), merge = p * cfg.merge();
    if (batch < 1 || gh <= 0 || gw <= 0 || gh % unit != 0 || gw % unit != 0 || gh % merge != 0 || gw % merge != 0) {
      throw new IllegalArgumentException("grid " + gw + "x" + gh + " (batch " + batch + ") must be a multiple of "
          + unit + " and " + merge + " px on both sides (docs/model.md §2.1 grids are)");
    }
    return new EncodePlan.Shape(gh, gw, batch, input);
  }

  private EncodeLane takeLane() {
    try {
      return lanes.takeFirst();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a CUDA lane", e);
    }
  }

  private float[] run(EncodePlan.Input input, int batch, int gh, int gw, Consumer<MemorySegment> fill, Probe probe) {
    EncodePlan.Shape shape = checkedShape(gh, gw, batch, input);
    EncodeLane lane = takeLane();
    try {
      cuda.makeCurrent();
      EncodePlan plan = lane.plan(cfg, opts.precision(), shape);
      fill.accept(plan.hostIn.segment());
      execute(lane, plan, probe, false);
      return plan.hostOut.segment().toArray(ValueLayout.JAVA_FLOAT);
    } finally {
      lanes.addFirst(lane);
    }
  }

  /** One encode of the plan's pinned input into its pinned output: eager, or the plan's graph once captured. */
  private void execute(EncodeLane lane, EncodePlan plan, Probe probe, boolean timed) {
    MemorySegment s = lane.stream();
    boolean eager = probe != Probe.NONE || !opts.graphs() || plan.graphFailure != null;
    if (eager || plan.graph == null) {
      if (timed) lane.stream.markStart();
      enqueue(lane, plan, probe, null);
      if (timed) lane.stream.markEnd();
      lane.stream.synchronize();
      if (eager) return;
      try {                                                   // the first run warmed up cuBLAS; now record the graph
        plan.graph = CudaGraph.capture(cuda.driver(), s, () -> enqueue(lane, plan, Probe.NONE, null));
        log.log(INFO, "captured the encode of " + plan.shape + " into a CUDA graph");
      } catch (CudaException e) {
        plan.graphFailure = e.getMessage();
        log.log(WARNING, "CUDA graph capture failed for " + plan.shape + ", encoding eagerly: " + e.getMessage());
      }
      return;
    }
    if (timed) lane.stream.markStart();
    plan.graph.launch(s);
    if (timed) lane.stream.markEnd();
    lane.stream.synchronize();
  }

  /** Enqueues the whole encode on the lane's stream (docs/model.md §3.1-§3.4, in VisionTransformer's order). */
  private void enqueue(EncodeLane lane, EncodePlan pl, Probe probe, StageTimer timer) {
    MemorySegment s = lane.stream();
    Driver d = cuda.driver();
    Gemm gemm = lane.gemm;
    Precision p = opts.precision();
    int b = pl.shape.batch(), c = cfg.width(), heads = cfg.heads(), f = cfg.mlpHidden(), ps = cfg.patchSize();
    int k = cfg.merge(), uw = c * k * k, a = cfg.alignerHidden(), dm = cfg.dModel();
    int m = pl.m, rows = b * pl.n;
    float eps = cfg.rmsNormEps(), scale = (float) (1.0 / Math.sqrt(cfg.headDim()));
    d.copyToDeviceAsync(pl.in.ptr(), pl.hostIn.segment(), pl.inBytes, s);
    if (timer != null) timer.mark("upload");
    if (pl.shape.input() == EncodePlan.Input.RGB_U8) {
      kernels.patchU8(s, p, pl.in.ptr(), pl.patches.ptr(), b, pl.shape.gh(), pl.shape.gw(), ps);
    } else {
      kernels.patchPixels(s, p, pl.in.ptr(), pl.patches.ptr(), b, pl.shape.gh(), pl.shape.gw(), ps);
    }
    if (timer != null) timer.mark("patches");
    gemm.xwT(p, pl.x.ptr(), pl.patches.ptr(), weights.patch, m, c, EncoderKernels.patchStride(ps));   // [M, C]
    kernels.addBiasPos(s, pl.x.ptr(), weights.patchBias, pl.posVit.ptr(), m, pl.np, c);
    if (timer != null) timer.mark("patch embed");
    record(probe, s, "vision.patch_embed.out", pl.x, null, m, c);
    for (int i = 0; i < weights.blocks.size(); i++) {
      DeviceWeights.Block w = weights.blocks.get(i);
      // x += previous block's down_proj output (none before block 0); y = RMSNorm(x; norm1)
      kernels.residualRmsNorm(s, p, pl.x.ptr(), i == 0 ? 0 : pl.r.ptr(), 0, w.norm1(), pl.y.ptr(), m, c, eps);
      if (timer != null) timer.mark("norms + residuals");
      gemm.xwT(p, pl.qkv.ptr(), pl.y.ptr(), w.qkv(), m, 3 * c, c);                      // [M, 3C]
      if (timer != null) timer.mark("GEMM qkv");
      boolean global = cfg.isGlobal(i);
      int win = global ? 0 : cfg.window();
      boolean fused = kernels.fusesRope(p, win);                 // tensor-core attention adds biases + RoPE itself
      if (!fused) kernels.qkvBiasRope(s, pl.qkv.ptr(), w.qkvBias(), pl.cos.ptr(), pl.sin.ptr(), m, pl.np, heads);
      if (timer != null) timer.mark("bias + rope");
      kernels.attention(s, p, pl.qkv.ptr(), pl.att.ptr(), b, pl.hp, pl.wp, heads, win, scale,
          global ? pl.splits : 1, global && pl.partO != null ? pl.partO.ptr() : 0, global && pl.partMl != null ? pl.partMl.ptr() : 0,
          pl.packed != null ? pl.packed.ptr() : 0, fused ? w.qkvBias() : 0, fused ? pl.cos.ptr() : 0, fused ? pl.sin.ptr() : 0);
      if (timer != null) timer.mark(cfg.isGlobal(i) ? "attention global" : "attention windowed");
      gemm.xwT(p, pl.r.ptr(), pl.att.ptr(), w.o(), m, c, c);                            // [M, C]
      if (timer != null) timer.mark("GEMM o");
      kernels.residualRmsNorm(s, p, pl.x.ptr(), pl.r.ptr(), w.oBias(), w.norm2(), pl.y.ptr(), m, c, eps);
      if (timer != null) timer.mark("norms + residuals");
      gemm.xwTStored(p, pl.gu.ptr(), pl.y.ptr(), w.gateUp(), m, 2 * f, c);             // [M, 2F] as p stores
      if (timer != null) timer.mark("GEMM gate/up");
      kernels.swiglu(s, p, pl.gu.ptr(), pl.h.ptr(), m, f);
      if (timer != null) timer.mark("swiglu");
      gemm.xwT(p, pl.r.ptr(), pl.h.ptr(), w.down(), m, c, f);                           // [M, C]
      if (timer != null) timer.mark("GEMM down");
      record(probe, s, "vision.blocks." + i + ".out", pl.x, pl.r, m, c);
    }
    kernels.residualRmsNorm(s, Precision.F32, pl.x.ptr(), pl.r.ptr(), 0, weights.norm, pl.xn.ptr(), m, c, eps);
    if (timer != null) timer.mark("norms + residuals");
    record(probe, s, "vision.norm.out", pl.xn, null, m, c);
    kernels.unfold(s, p, pl.xn.ptr(), pl.u.ptr(), b, pl.hp, pl.wp, c, k);               // [B·n, U]
    gemm.xwT(p, pl.hid.ptr(), pl.u.ptr(), weights.fc1, rows, a, uw);                   // [B·n, A]
    kernels.biasGelu(s, p, pl.hid.ptr(), weights.fc1Bias, pl.g.ptr(), rows, a);
    gemm.xwT(p, pl.z.ptr(), pl.g.ptr(), weights.fc2, rows, dm, a);                     // [B·n, d]
    kernels.addBiasPos(s, pl.z.ptr(), weights.fc2Bias, pl.posAligner.ptr(), rows, pl.n, dm);
    if (timer != null) timer.mark("aligner");
    record(probe, s, "aligner.out", pl.z, null, rows, dm);
    d.copyToHostAsync(pl.hostOut.segment(), pl.z.ptr(), pl.outBytes, s);
    if (timer != null) timer.mark("download");
  }

  /** For a probe: downloads {@code buf} (plus {@code pending}, the residual the next kernel adds) as [rows, cols]. */
  private static void record(Probe probe, MemorySegment s, String name, DeviceBuffer buf, DeviceBuffer pending, int rows,
      int cols) {
    if (probe == Probe.NONE) return;
    float[] v = buf.downloadFloats(s, rows * cols);
    if (pending != null) {
      float[] r = pending.downloadFloats(s, rows * cols);
      for (int i = 0; i < v.length; i++) v[i] += r[i];
    }
    probe.record(name, v, rows, cols);
  }

  public EncoderConfig config() { return cfg; }

  public Options options() { return opts; }

  public Cuda cuda() { return cuda; }

  @Override
  public String describe() {
    return "cuda (" + cuda.device().name() + ", " + cuda.device().arch() + ", " + opts.precision() + " GEMMs"
        + (opts.graphs() ? ", CUDA graphs" : "") + ", " + opts.lanes() + " stream(s))";
  }

  @Override
  public void close() {
    cuda.makeCurrent();
    try {
      for (EncodeLane l : allLanes) l.close();
      weights.close();
      module.close();
      if (tensorCore != null) tensorCore.close();
    } finally {
      if (ownsCuda) cuda.close();
    }
  }
}
