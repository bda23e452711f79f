package dev.glimpse.cuda.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.cuda.encoder.EncoderKernels;
import dev.glimpse.cuda.lm.LmKernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds the CPU stand-in for the NVIDIA libraries (src/test/native/fakecuda.cpp with the real encoder.cu and lm.cu)
 * once per test JVM, and links it under the four sonames in a directory to give {@code Cuda.open}. Skips the
 * calling test, saying so, without g++.
 */
final class FakeCuda {
  private static Path dir;

  private FakeCuda() {}

  static synchronized Path libraryDir() throws Exception {
    Path gxx = Path.of("/usr/bin/g++");
    Assumptions.assumeTrue(Files.isExecutable(gxx), "no /usr/bin/g++: the CPU stand-in for the CUDA libraries is not built");
    if (dir != null) return dir;
    Path d = Files.createTempDirectory("glimpse-fakecuda");
    Files.writeString(d.resolve("encoder.cu"), EncoderKernels.source());
    Files.writeString(d.resolve("lm.cu"), LmKernels.source());
    Path lib = d.resolve("libfakecuda.so");
    Process p = new ProcessBuilder(gxx.toString(), "-std=c++20", "-O2", "-fPIC", "-shared", "-pthread", "-ffp-contract=off",
        "-Wno-unknown-pragmas", "-I" + d, Path.of("src/test/native/fakecuda.cpp").toAbsolutePath().toString(), "-o", lib.toString())
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "g++ failed:\n" + log);
    for (String name : List.of("libcuda.so.1", "libnvrtc.so.13", "libcublasLt.so.13", "libcublas.so.13")) {
      Files.createSymbolicLink(d.resolve(name), lib);
    }
    dir = d;
    return dir;
  }
}
