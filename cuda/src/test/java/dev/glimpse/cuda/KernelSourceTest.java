package dev.glimpse.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.cuda.encoder.EncoderKernels;
import dev.glimpse.cuda.lm.LmKernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel source compiles with {@code nvcc -ptx} for the H100 (sm_90) and Jetson Orin (sm_87), and the PTX has
 * an entry for every kernel the host launches. Skipped, saying so, where no nvcc is installed.
 */
class KernelSourceTest {
  static Path nvcc() {
    List<Path> candidates = new ArrayList<>();
    String home = System.getenv("CUDA_HOME");
    if (home != null) candidates.add(Path.of(home, "bin", "nvcc"));
    candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
    candidates.add(Path.of("/usr/local/cuda-13.0/bin/nvcc"));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) if (!dir.isBlank()) candidates.add(Path.of(dir, "nvcc"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sm_90", "sm_87"})
  void compilesWithNvccAndHasEveryKernel(String arch) throws Exception {
    check(arch, "encoder", EncoderKernels.source(), EncoderKernels.names());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sm_90", "sm_87"})
  void languageModelKernelsCompileWithNvccAndHaveEveryKernel(String arch) throws Exception {
    check(arch, "lm", LmKernels.source(), LmKernels.NAMES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sm_90", "sm_87"})
  void tensorCoreAttentionCompilesWithNvcc(String arch) throws Exception {
    check(arch, "attention_tc", EncoderKernels.tensorCoreSource(), EncoderKernels.TENSOR_CORE_KERNELS);
  }

  private static void check(String arch, String name, String source, List<String> names) throws Exception {
    Path nvcc = nvcc();
    Assumptions.assumeTrue(nvcc != null, "no nvcc found ($CUDA_HOME/bin, /usr/local/cuda/bin, PATH): kernel syntax not checked");
    Path dir = Files.createTempDirectory("glimpse-nvcc");
    Path src = dir.resolve(name + ".cu"), ptx = dir.resolve(name + ".ptx");
    Files.writeString(src, source);
    Process p = new ProcessBuilder(nvcc.toString(), "-ptx", "-arch=" + arch, "-std=c++17", src.toString(), "-o", ptx.toString())
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc timed out");
    assertEquals(0, p.exitValue(), "nvcc -ptx -arch=" + arch + " failed:\n" + log);
    String text = Files.readString(ptx);
    for (String k : names) assertTrue(text.contains(".entry " + k + "("), arch + " PTX lacks " + k);
    try (Stream<String> lines = text.lines()) {
      assertEquals(names.size(), lines.filter(l -> l.contains(".entry ")).count(),
          "every entry of the source is launched by the host, and only those");
    }
  }
}
