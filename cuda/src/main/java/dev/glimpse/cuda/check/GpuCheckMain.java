package dev.glimpse.cuda.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaLibraries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The GPU conformance checks as a plain program (the GPU machine has no JUnit): prints the libraries found, the
 * device, then one PASS/FAIL/ERROR line per check with its max relative error and tolerance, and "N passed, M
 * failed"; writes OUT/gpu-checks.json. Exit status 0 when all pass, 1 when any fails, 2 when no GPU opens.
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp 'LIB/*' \
 *     dev.glimpse.cuda.check.GpuCheckMain --model models/glimpse-tiny --out OUT [--lib-dir DIR]... [--only all|kernels,encoder,lm (any of them)]
 *     [--scenes RAW[,RAW]] [--sequence RAW]
 * </pre>
 * --scenes and --sequence are simulator raw streams ({@code glimpse render --raw}) for the language-model checks:
 * held-out single-frame scenes, and one long sequence.
 * <pre>
 * </pre>
 */
public final class GpuCheckMain {
  private GpuCheckMain() {}

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv, List.of("model", "out", "cache", "lib-dir", "only", "seed", "threads", "scenes",
        "sequence"));
    Path model = Path.of(a.get("model", "models/glimpse-tiny"));
    Path out = Files.createDirectories(Path.of(a.get("out", "out/gpu")));
    Path cache = Path.of(a.get("cache", out.resolve("kernel-cache").toString()));
    String only = a.get("only", "all");
    Random rnd = new Random(a.getInt("seed", 1234));
    int threads = a.getInt("threads", Runtime.getRuntime().availableProcessors());
    System.Logger log = new ConsoleLogger("cuda", System.out);
    ObjectNode ctx = new ObjectMapper().createObjectNode();
    CudaLibraries.Search search = CudaLibraries.Search.in(a.libDirs());
    try (CudaLibraries libs = CudaLibraries.resolve(search)) {
      System.out.println("== CUDA libraries (search dirs " + search.dirs() + ", then the loader's path)");
      System.out.print(libs.report());
      ctx.put("libraries", libs.report());
    }
    CheckReport report = new CheckReport(System.out);
    Cuda cuda;
    try {
      cuda = Cuda.open(search, 0);
    } catch (RuntimeException e) {
      System.out.println("ERROR cannot open the GPU: " + e.getMessage());
      ctx.put("error", e.getMessage());
      report.writeJson(out.resolve("gpu-checks.json"), ctx);
      System.out.println("0 passed, 1 failed");
      System.exit(2);
      return;
    }
    try (cuda) {
      System.out.println("== device: " + cuda.describe());
      ctx.put("device", cuda.describe());
      report.writeAsYouGo(out.resolve("gpu-checks.json"), ctx);
      if (only.equals("all") || List.of(only.split(",")).contains("kernels")) {
        System.out.println("== kernels against the scalar reference");
        try (GpuSession g = new GpuSession(cuda, cache, log)) {
          new KernelChecks(g, rnd, false).runAll(report);
        } catch (RuntimeException e) {
          report.run("kernel checks setup (NVRTC compile, cuBLAS handles)", 0, () -> { throw e; });
        }
      }
      if (only.equals("all") || List.of(only.split(",")).contains("encoder")) {
        System.out.println("== encoder against the CPU encoder (" + model + ")");
        try {
          new EncoderChecks(cuda, model, cache, out.resolve("scratch"), threads, log, rnd).runAll(report);
        } catch (Exception e) {
          report.run("encoder checks setup", 0, () -> { throw e; });
        }
      }
      if (only.equals("all") || List.of(only.split(",")).contains("lm")) {
        System.out.println("== language model against the CPU language model (" + model + ")");
        List<Path> scenes = new java.util.ArrayList<>();
        for (String f : a.get("scenes", "").split(",")) if (!f.isBlank()) scenes.add(Path.of(f));
        String seq = a.get("sequence", "");
        try {
          new LmChecks(cuda, model, cache, threads, log, rnd).runAll(report, scenes, seq.isBlank() ? null : Path.of(seq));
        } catch (Exception e) {
          report.run("language model checks setup", 0, () -> { throw e; });
        }
      }
    }
    report.writeJson(out.resolve("gpu-checks.json"), ctx);
    System.out.println(report.summary());
    System.exit(report.allPassed() ? 0 : 1);
  }
}
