package dev.glimpse.cuda.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaLibraries;
import dev.glimpse.cuda.backend.EncoderBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a machine with an NVIDIA GPU: every CUDA kernel against the scalar reference and the CUDA encoder against the
 * CPU encoder (the checks bench/gpu.sh runs through {@link GpuCheckMain}). Skipped, with the reason (which library
 * or call failed), where no GPU opens. Library directories: GLIMPSE_CUDA_LIB_DIRS.
 */
class GpuConformanceTest {
  private static Cuda cuda;
  private static String why;

  @BeforeAll
  static void open() {
    EncoderBackend.CudaSettings s = EncoderBackend.CudaSettings.fromEnvironment(System.getenv(), System.getProperty("user.home"));
    try {
      cuda = Cuda.open(s.search(), 0);
    } catch (RuntimeException e) {
      why = e.getMessage();
    }
  }

  @AfterAll
  static void close() {
    if (cuda != null) cuda.close();
  }

  private static void requireGpu() {
    Assumptions.assumeTrue(cuda != null, "no GPU: " + why);
  }

  private static void assertAllPass(CheckReport report, ByteArrayOutputStream log) {
    System.out.print(log);
    assertTrue(!report.results().isEmpty() && report.allPassed(), report.summary() + "\n" + log);
  }

  @Test
  void everyKernelMatchesTheScalarReference(@TempDir Path tmp) {
    requireGpu();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    CheckReport report = new CheckReport(new PrintStream(log, true));
    try (GpuSession g = new GpuSession(cuda, tmp.resolve("cache"), System.getLogger("cuda"))) {
      new KernelChecks(g, new Random(1), false).runAll(report);
    }
    assertAllPass(report, log);
  }

  @Test
  void theEncoderMatchesTheCpuEncoder(@TempDir Path tmp) throws Exception {
    requireGpu();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    CheckReport report = new CheckReport(new PrintStream(log, true));
    new EncoderChecks(cuda, Path.of("../models/glimpse-tiny"), tmp.resolve("cache"), tmp, 2, System.getLogger("cuda"),
        new Random(2)).runAll(report);
    assertAllPass(report, log);
  }

  @Test
  void librariesAreReportedEvenWithoutAGpu() {
    try (CudaLibraries libs = CudaLibraries.resolve(CudaLibraries.Search.in(java.util.List.of()))) {
      String r = libs.report();
      for (CudaLibraries.Library l : CudaLibraries.Library.values()) assertTrue(r.contains(l.name()), r);
      assertTrue(libs.complete() || r.contains("MISSING"), "a missing library is marked: " + r);
    }
  }
}
