package dev.glimpse.cuda.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaLibraries;
import dev.glimpse.cuda.Precision;
import dev.glimpse.cuda.encoder.CudaVisionEncoder;
import dev.glimpse.encoder.Probe;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.Kernels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole Java CUDA stack — library resolution, the FFM bindings, NVRTC and its cache, the kernel launches, cuBLAS
 * and cuBLASLt calls, the encoder's orchestration, CUDA graph capture and replay, the checks — against a CPU stand-in
 * for the NVIDIA libraries (src/test/native/fakecuda.cpp) that runs the real kernel source compiled as C++. It cannot
 * tell how fast or how exactly a GPU computes; it does tell that every argument the Java side passes is right.
 * Needs g++ (C++20); skipped, saying so, without it.
 */
class FakeCudaStackTest {
  private static Path dir;
  private static Cuda cuda;

  @BeforeAll
  static void build() throws Exception {
    dir = FakeCuda.libraryDir();
    cuda = Cuda.open(CudaLibraries.Search.in(List.of(dir)), 0);
  }

  @AfterAll
  static void close() {
    if (cuda != null) cuda.close();
  }

  @Test
  void opensTheStandInThroughTheGivenDirectory() {
    assertEquals("Fake CUDA device (CPU)", cuda.device().name());
    assertEquals("sm_90", cuda.device().arch());
    assertEquals(13000, cuda.driverVersion());
    assertTrue(cuda.libraries().report().contains(dir.toString()), cuda.libraries().report());
  }

  @Test
  void everyKernelCheckPasses() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    CheckReport report = new CheckReport(new PrintStream(log, true));
    try (GpuSession g = new GpuSession(cuda, dir.resolve("cache"), System.getLogger("cuda"))) {
      new KernelChecks(g, new Random(3), true).runAll(report);
    }
    System.out.print(log);
    assertTrue(report.results().size() >= 40 && report.allPassed(), report.summary() + "\n" + log);
    assertTrue(Files.isDirectory(dir.resolve("cache")), "the compiled image was cached");
  }

  @Test
  void theEncoderMatchesTheCpuEncoderStageByStage() throws Exception {
    Path model = RandomModel.write(dir.resolve("odd"), 11);
    EncoderChecks checks = new EncoderChecks(cuda, model, dir.resolve("cache"), dir, 1, System.getLogger("cuda"), new Random(4));
    try (Kernels ref = Kernels.create("reference", 1); VisionEncoder cpu = VisionEncoder.load(ref, model)) {
      try (CudaVisionEncoder gpu = CudaVisionEncoder.create(cuda, false, cpu.config(), cpu.weights(),
          new CudaVisionEncoder.Options(Precision.F32, false, 1, null), System.getLogger("cuda"))) {
        for (int[] s : new int[][] {{84, 168}, {252, 84}}) {
          CheckReport.Measured m = checks.stages(cpu, gpu, s[0], s[1]);
          assertTrue(m.error() <= EncoderChecks.F32, s[0] + "x" + s[1] + ": " + m);
        }
        // (a frame that needs resizing lands on a ≥ 80-unit grid: too large for the CPU stand-in; the GPU checks do it)
        float[] pixels = new float[3 * 84 * 168];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) Math.sin(i * 0.01);
        dev.glimpse.encoder.Preprocess.Placement pl = dev.glimpse.encoder.Preprocess.placement(84, 168, 84, 168);
        double e = CheckReport.relError(gpu.encodePixels(pixels, 1, 168, 84, Probe.NONE), cpu.encodePixels(pixels, pl, Probe.NONE).rows());
        assertTrue(e <= EncoderChecks.F32, "pixel upload path: " + e);
      }
      for (Precision p : List.of(Precision.BF16, Precision.TF32)) {
        try (CudaVisionEncoder gpu = CudaVisionEncoder.create(cuda, false, cpu.config(), cpu.weights(),
            new CudaVisionEncoder.Options(p, true, 1, null), System.getLogger("cuda"))) {
          CheckReport.Measured m = checks.rows(cpu, gpu, 84, 168);
          assertTrue(m.error() <= (p == Precision.BF16 ? EncoderChecks.BF16 : EncoderChecks.TF32) && m.error() > 1e-6, p + ": " + m);
        }
      }
    }
  }

  @Test
  void graphsReplayTheEagerEncodeAndBatchesMatchSingleFrames() throws Exception {
    Path model = RandomModel.write(dir.resolve("odd2"), 12);
    Random rnd = new Random(6);
    try (Kernels ref = Kernels.create("reference", 1); VisionEncoder cpu = VisionEncoder.load(ref, model);
        CudaVisionEncoder gpu = CudaVisionEncoder.create(cuda, false, cpu.config(), cpu.weights(),
            new CudaVisionEncoder.Options(Precision.F32, true, 2, null), System.getLogger("cuda"))) {
      byte[] a = EncoderChecks.frame(rnd, 84, 168), b = EncoderChecks.frame(rnd, 84, 168);
      float[] eager = gpu.encodeGridRgb(a, 1, 168, 84, Probe.NONE);
      float[] replay = gpu.encodeGridRgb(a, 1, 168, 84, Probe.NONE);
      float[] replayB = gpu.encodeGridRgb(b, 1, 168, 84, Probe.NONE);
      assertEquals(0.0, CheckReport.relError(replay, eager), "the graph replays the eager encode exactly");
      assertTrue(CheckReport.relError(replayB, eager) > 1e-3, "a new frame through the same graph gives new rows");
      assertTrue(CheckReport.relError(replayB, cpu.encode(b, 84, 168).rows()) <= EncoderChecks.F32);
      CudaVisionEncoder.Timing t = gpu.time(a, 1, 168, 84, 1, 2);
      assertTrue(t.graph() && t.wallMs().length == 2 && t.gpuMs()[0] >= 0, "timed runs use the graph");
      assertTrue(t.pinnedWallMs()[0] > 0 && t.pinnedWallMs()[0] <= t.wallMs()[0], "from pinned memory is part of the whole");
      java.util.Map<String, Double> stages = gpu.stageMillis(a, 1, 168, 84);
      assertTrue(stages.keySet().containsAll(List.of("upload", "patches", "patch embed", "GEMM qkv", "attention windowed",
          "attention global", "swiglu", "aligner", "download")), stages.toString());
      List<VisionEncoder.Encoded> both = gpu.encodeBatch(List.of(a, b), 84, 168);
      assertTrue(CheckReport.relError(both.get(0).rows(), eager) <= 1e-6);
      assertTrue(CheckReport.relError(both.get(1).rows(), replayB) <= 1e-6);
    }
  }
}
