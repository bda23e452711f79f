package dev.glimpse.cuda.check;

import static dev.glimpse.cuda.check.CheckReport.relError;

import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.Precision;
import dev.glimpse.cuda.check.CheckReport.Measured;
import dev.glimpse.cuda.encoder.CudaVisionEncoder;
import dev.glimpse.encoder.Probe;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.Kernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole CUDA encoder against the CPU encoder ({@link VisionEncoder}) on the same weights: every probed stage
 * (patch embedding, each block, final norm, aligner) for a random odd-sized model and for the shipped model at 756²
 * and 1008×588, a resized frame, bf16 and tf32 GEMMs, batches, graph replay and concurrent lanes.
 * Tolerances (max|a − b| / max|b|): f32 {@value #F32}; tf32 {@value #TF32}; bf16 {@value #BF16} (cuda/README.md).
 */
public final class EncoderChecks {
  static final double F32 = 1e-4, TF32 = 5e-3, BF16 = 2e-2, SAME = 1e-6;

  private final Cuda cuda;
  private final Path modelDir;
  private final Path cache;
  private final Path scratch;
  private final int threads;
  private final System.Logger log;
  private final Random rnd;

  EncoderChecks(Cuda cuda, Path modelDir, Path cache, Path scratch, int threads, System.Logger log, Random rnd) {
    this.cuda = cuda;
    this.modelDir = modelDir;
    this.cache = cache;
    this.scratch = scratch;
    this.threads = threads;
    this.log = log;
    this.rnd = rnd;
  }

  void runAll(CheckReport report) throws Exception {
    Path odd = RandomModel.write(Files.createDirectories(scratch).resolve("odd-model"), 7);
    try (Kernels refK = Kernels.create("reference", 1); VisionEncoder cpu = VisionEncoder.load(refK, odd);
        CudaVisionEncoder gpu = cuda(cpu, Precision.F32, false, 1)) {
      for (int[] s : new int[][] {{84, 168}, {252, 84}}) {
        report.run("encoder odd random model f32 " + s[0] + "x" + s[1] + " (all stages)", F32, () -> stages(cpu, gpu, s[0], s[1]));
      }
    }
    try (Kernels vec = Kernels.create("vector", threads); VisionEncoder cpu = VisionEncoder.load(vec, modelDir)) {
      try (CudaVisionEncoder gpu = cuda(cpu, Precision.F32, false, 1)) {
        report.run("encoder glimpse-tiny f32 756x756 (all stages)", F32, () -> stages(cpu, gpu, 756, 756));
        report.run("encoder glimpse-tiny f32 1008x588 (all stages)", F32, () -> stages(cpu, gpu, 1008, 588));
        report.run("encoder glimpse-tiny f32 640x360 (resized on the CPU)", F32, () -> resized(cpu, gpu, 640, 360));
      }
      try (CudaVisionEncoder gpu = cuda(cpu, Precision.BF16, true, 1)) {
        report.run("encoder glimpse-tiny bf16 756x756 vs CPU f32", BF16, () -> rows(cpu, gpu, 756, 756));
        report.run("encoder glimpse-tiny bf16 1008x588 vs CPU f32", BF16, () -> rows(cpu, gpu, 1008, 588));
      }
      try (CudaVisionEncoder gpu = cuda(cpu, Precision.TF32, true, 1)) {
        report.run("encoder glimpse-tiny tf32 756x756 vs CPU f32", TF32, () -> rows(cpu, gpu, 756, 756));
      }
      try (CudaVisionEncoder gpu = cuda(cpu, Precision.F32, true, 2)) {
        report.run("encoder f32 batch 8 = 8 single frames, 756x756", F32, () -> batch(gpu, 8, 756, 756));
        report.run("encoder bf16 CUDA graph replay = eager run", SAME, () -> graphReplay(cpu, Precision.BF16));
        report.run("encoder f32 2 lanes concurrently = one by one", SAME, () -> lanes(gpu, 756, 756));
      }
    }
  }

  private CudaVisionEncoder cuda(VisionEncoder cpu, Precision p, boolean graphs, int lanes) {
    return CudaVisionEncoder.create(cuda, false, cpu.config(), cpu.weights(), new CudaVisionEncoder.Options(p, graphs, lanes, cache), log);
  }

  /** A frame with structure (gradients, stripes, boxes) and noise, so every stage sees varied values. */
  byte[] frame(int w, int h) { return frame(rnd, w, h); }

  static byte[] frame(Random rnd, int w, int h) {
    byte[] rgb = new byte[w * h * 3];
    int bx = rnd.nextInt(w / 2), by = rnd.nextInt(h / 2);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean box = x >= bx && x < bx + w / 3 && y >= by && y < by + h / 4;
        for (int c = 0; c < 3; c++) {
          double v = 128 + 60 * Math.sin(x * 0.05 + c) + 40 * Math.cos(y * 0.031 * (c + 1)) + rnd.nextGaussian() * 12;
          if (box) v = 40 + 70 * c;
          rgb[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
        }
      }
    }
    return rgb;
  }

  /** Every stage both encoders probe, grid-native frame. */
  Measured stages(VisionEncoder cpu, CudaVisionEncoder gpu, int w, int h) {
    byte[] rgb = frame(w, h);
    Map<String, float[]> want = new LinkedHashMap<>(), got = new LinkedHashMap<>();
    VisionEncoder.Encoded e = cpu.encode(rgb, w, h, (name, x, shape) -> want.put(name, x.clone()));
    float[] rows = gpu.encodeGridRgb(rgb, 1, h, w, (name, x, shape) -> got.put(name, x.clone()));
    double worst = relError(rows, e.rows());
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, float[]> g : got.entrySet()) {
      float[] ref = want.get(g.getKey());
      if (ref == null) throw new IllegalStateException("the CPU encoder has no stage " + g.getKey());
      double err = relError(g.getValue(), ref);
      worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
      sb.append(String.format("%s %.1e; ", g.getKey().replace("vision.", ""), err));
    }
    if (got.size() < 4) throw new IllegalStateException("only " + got.keySet() + " probed");
    return new Measured(worst, sb.toString());
  }

  Measured resized(VisionEncoder cpu, CudaVisionEncoder gpu, int w, int h) {
    byte[] rgb = frame(w, h);
    VisionEncoder.Encoded want = cpu.encode(rgb, w, h), got = gpu.encode(rgb, w, h);
    if (!want.placement().equals(got.placement())) throw new IllegalStateException(got.placement() + " != " + want.placement());
    return new Measured(relError(got.rows(), want.rows()), "grid " + want.placement().gridW() + "x" + want.placement().gridH());
  }

  Measured rows(VisionEncoder cpu, CudaVisionEncoder gpu, int w, int h) {
    byte[] rgb = frame(w, h);
    float[] want = cpu.encode(rgb, w, h).rows();
    float[] a = gpu.encode(rgb, w, h).rows(), b = gpu.encode(rgb, w, h).rows();    // eager+capture, then the graph
    double e1 = relError(a, want), e2 = relError(b, want);
    return new Measured(Math.max(e1, e2), String.format("first run %.2e, graph replay %.2e", e1, e2));
  }

  Measured batch(CudaVisionEncoder gpu, int b, int w, int h) {
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < b; i++) frames.add(frame(w, h));
    List<VisionEncoder.Encoded> together = gpu.encodeBatch(frames, w, h);
    double worst = 0;
    for (int i = 0; i < b; i++) worst = Math.max(worst, relError(together.get(i).rows(), gpu.encode(frames.get(i), w, h).rows()));
    return new Measured(worst, b + " frames");
  }

  Measured graphReplay(VisionEncoder cpu, Precision p) {
    try (CudaVisionEncoder gpu = cuda(cpu, p, true, 1)) {
      byte[] rgb = frame(756, 756);
      float[] eager = gpu.encodeGridRgb(rgb, 1, 756, 756, Probe.NONE);
      float[] replay1 = gpu.encodeGridRgb(rgb, 1, 756, 756, Probe.NONE);
      float[] replay2 = gpu.encodeGridRgb(rgb, 1, 756, 756, Probe.NONE);
      boolean graph = gpu.time(rgb, 1, 756, 756, 0, 1).graph();
      if (!graph) throw new IllegalStateException("no CUDA graph was captured (see the log for the capture error)");
      return new Measured(Math.max(relError(replay1, eager), relError(replay2, eager)), "graph captured and replayed twice");
    }
  }

  Measured lanes(CudaVisionEncoder gpu, int w, int h) throws Exception {
    byte[] a = frame(w, h), b = frame(w, h);
    float[] wa = gpu.encode(a, w, h).rows(), wb = gpu.encode(b, w, h).rows();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      double worst = 0;
      for (int round = 0; round < 5; round++) {
        Future<float[]> fa = pool.submit(() -> gpu.encode(a, w, h).rows());
        Future<float[]> fb = pool.submit(() -> gpu.encode(b, w, h).rows());
        worst = Math.max(worst, Math.max(relError(fa.get(), wa), relError(fb.get(), wb)));
      }
      return new Measured(worst, "5 rounds of 2 concurrent encodes");
    } finally {
      pool.shutdownNow();
    }
  }
}
