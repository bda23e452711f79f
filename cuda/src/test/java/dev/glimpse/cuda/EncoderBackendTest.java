package dev.glimpse.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.cuda.backend.EncoderBackend;
import dev.glimpse.cuda.encoder.CudaVisionEncoder;
import dev.glimpse.encoder.FrameEncoder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** auto falls back to the CPU with the reason; explicit cuda without a GPU fails naming what is missing; cpu probes nothing. */
class EncoderBackendTest {
  private static final System.Logger LOG = System.getLogger("test");

  private static EncoderBackend.CudaSettings settings(CudaLibraries.Search search) {
    return new EncoderBackend.CudaSettings(search, 0, CudaVisionEncoder.Options.defaults());
  }

  private static CudaLibraries.Search noDriver() {
    return CudaLibraries.Search.in(List.of()).withSonames(CudaLibraries.Library.DRIVER, "libglimpse-test-no-driver.so.1");
  }

  @Test
  void cpuProbesNothing() {
    EncoderBackend.Selection s = EncoderBackend.select(EncoderBackend.Choice.CPU, settings(noDriver()),
        x -> { throw new AssertionError("cpu must not open a GPU"); }, LOG);
    assertFalse(s.onGpu());
    assertSame(FrameEncoder.Factory.CPU, s.factory());
    assertSame(dev.glimpse.csa.engine.LmSession.Factory.CPU, s.lm(), "the language model stays on the CPU too");
  }

  @Test
  void autoFallsBackToTheCpuWithTheReason() {
    EncoderBackend.Selection s = EncoderBackend.select(EncoderBackend.Choice.AUTO, settings(noDriver()), LOG);
    assertFalse(s.onGpu());
    assertSame(FrameEncoder.Factory.CPU, s.factory());
    assertSame(dev.glimpse.csa.engine.LmSession.Factory.CPU, s.lm());
    assertTrue(s.summary().startsWith("backend auto → cpu: no usable GPU"), s.summary());
    assertTrue(s.summary().contains("libglimpse-test-no-driver.so.1"), "the reason names the missing library: " + s.summary());
  }

  @Test
  void explicitCudaWithoutAGpuFailsAtStartUpNamingWhatIsMissing() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> EncoderBackend.select(EncoderBackend.Choice.CUDA, settings(noDriver()), LOG));
    assertTrue(e.getMessage().startsWith("backend cuda: no usable GPU"), e.getMessage());
    assertTrue(e.getMessage().contains("libglimpse-test-no-driver.so.1") && e.getMessage().contains("--backend cpu"), e.getMessage());
  }

  @Test
  void aGpuThatFailsToOpenIsReportedWithTheDriversError() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> EncoderBackend.select(EncoderBackend.Choice.CUDA,
        settings(noDriver()), x -> { throw new CudaException("cuInit", 100, "cuInit failed: 100 CUDA_ERROR_NO_DEVICE"); }, LOG));
    assertTrue(e.getMessage().contains("CUDA_ERROR_NO_DEVICE"), e.getMessage());
  }

  @Test
  void settingsComeFromTheEnvironment() {
    EncoderBackend.CudaSettings s = EncoderBackend.CudaSettings.fromEnvironment(
        Map.of("GLIMPSE_CUDA_LIB_DIRS", "/a:/b", "XDG_CACHE_HOME", "/c"), "/home/x");
    assertTrue(s.search().dirs().equals(List.of(java.nio.file.Path.of("/a"), java.nio.file.Path.of("/b"))), s.toString());
    assertTrue(s.encoder().kernelCache().toString().equals("/c/glimpse/cuda"), s.toString());
    assertThrows(IllegalArgumentException.class, () -> EncoderBackend.Choice.parse("gpu"));
  }
}
