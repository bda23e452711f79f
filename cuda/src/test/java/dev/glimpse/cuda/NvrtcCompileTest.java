package dev.glimpse.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.cuda.encoder.EncoderKernels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The NVRTC binding compiles the encoder kernels as the GPU machine will (NVRTC needs no GPU): a CUBIN for sm_90
 * and sm_87 and PTX naming every kernel the host launches; a broken source fails with NVRTC's log. Runs where some
 * NVRTC is found (the default sonames, plus libnvrtc.so.11.2, in $GLIMPSE_CUDA_LIB_DIRS and the loader's path);
 * skipped with the reason otherwise.
 */
class NvrtcCompileTest {
  private static Nvrtc nvrtcOrSkip(CudaLibraries[] hold) {
    String dirs = System.getenv().getOrDefault("GLIMPSE_CUDA_LIB_DIRS", "");
    List<Path> paths = Arrays.stream(dirs.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
    CudaLibraries.Search search = CudaLibraries.Search.in(paths)
        .withSonames(CudaLibraries.Library.NVRTC, "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2");
    CudaLibraries libs = CudaLibraries.resolve(search);
    hold[0] = libs;
    boolean has = libs.missing().stream().noneMatch(m -> m.library() == CudaLibraries.Library.NVRTC);
    if (!has) libs.close();
    Assumptions.assumeTrue(has, "no NVRTC library here (set GLIMPSE_CUDA_LIB_DIRS to a directory holding libnvrtc.so.*):\n"
        + libs.report());
    return new Nvrtc(libs.require(CudaLibraries.Library.NVRTC));
  }

  @Test
  void encoderKernelsCompileToCubinAndPtx() {
    CudaLibraries[] hold = new CudaLibraries[1];
    Nvrtc nvrtc = nvrtcOrSkip(hold);
    try (CudaLibraries ignored = hold[0]) {
      int[] v = nvrtc.version();
      assertTrue(v[0] >= 11, "NVRTC version " + Arrays.toString(v));
      for (String arch : List.of("sm_90", "sm_87")) {
        Nvrtc.Output cubin = nvrtc.compile(EncoderKernels.source(), "encoder.cu", List.of("--gpu-architecture=" + arch, "-std=c++17"), true);
        assertTrue(cubin.cubin());
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(cubin.image(), 4), arch + ": a CUBIN is an ELF file");
      }
      Nvrtc.Output ptx = nvrtc.compile(EncoderKernels.source(), "encoder.cu", List.of("--gpu-architecture=compute_90", "-std=c++17"), false);
      String text = new String(ptx.image(), StandardCharsets.UTF_8);
      for (String k : EncoderKernels.names()) assertTrue(text.contains(".entry " + k + "("), "PTX lacks kernel " + k);
      assertEquals(0, ptx.image()[ptx.image().length - 1], "PTX for cuModuleLoadData ends with its NUL");
    }
  }

  @Test
  void aBrokenSourceFailsWithTheCompileLog() {
    CudaLibraries[] hold = new CudaLibraries[1];
    Nvrtc nvrtc = nvrtcOrSkip(hold);
    try (CudaLibraries ignored = hold[0]) {
      CudaException e = assertThrows(CudaException.class, () -> nvrtc.compile(
          "extern \"C\" __global__ void k(float* x) { x[0] = undefined_thing; }", "broken.cu", List.of("-std=c++17"), false));
      assertTrue(e.getMessage().contains("nvrtcCompileProgram(broken.cu"), e.getMessage());
      assertTrue(e.getMessage().contains("NVRTC_ERROR_COMPILATION"), e.getMessage());
      assertTrue(e.getMessage().contains("undefined_thing"), "the log names the bad identifier: " + e.getMessage());
      assertFalse(e.getMessage().isBlank());
    }
  }
}
