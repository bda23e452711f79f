package dev.glimpse.cuda.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.FrameContext;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaLibraries;
import dev.glimpse.tensor.Kernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Query latency, decode speed and memory of the language model with 1 … N frames of one stream in context, CUDA
 * engine (CUDA encoder f32 + CUDA language model, each decoded token replayed from a CUDA graph), up to
 * --eager-frames the same with the decode step's kernels launched one by one, and up to --cpu-frames the CPU engine,
 * in the same run as the peers. Frames are simulator frames from a raw stream, appended in a loop; at each context size every query is asked
 * twice untimed, then --asks times (median reported). Tokens/s = answer tokens / query time (the prompt's prefill
 * included). Device memory = the drop in free device memory since before the context was made. Writes
 * OUT/lm-bench.json and prints a table.
 * <pre>
 *   java … dev.glimpse.cuda.check.LmBenchMain --model models/glimpse-tiny --scenes RAW --out OUT \
 *     [--frames 1,100,999] [--cpu-frames 100] [--asks 5] [--threads N]
 * </pre>
 */
public final class LmBenchMain {
  private LmBenchMain() {}

  private static final List<String> QUERIES = List.of("box all person", "count objects");

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv, List.of("model", "out", "cache", "lib-dir", "scenes", "frames", "cpu-frames", "eager-frames",
        "asks", "threads"));
    Path model = Path.of(a.get("model", "models/glimpse-tiny"));
    Path out = Files.createDirectories(Path.of(a.get("out", "out/gpu")));
    Path cache = Path.of(a.get("cache", out.resolve("kernel-cache").toString()));
    int[] sizes = Arrays.stream(a.get("frames", "1,100,999").split(",")).mapToInt(Integer::parseInt).sorted().toArray();
    int cpuMax = a.getInt("cpu-frames", 100), eagerMax = a.getInt("eager-frames", 100), asks = a.getInt("asks", 5);
    int threads = a.getInt("threads", Runtime.getRuntime().availableProcessors());
    RawFrames frames = RawFrames.read(Path.of(a.get("scenes", "")));
    System.Logger log = new ConsoleLogger("cuda", System.out);
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ArrayNode rows = root.putArray("rows");
    root.put("frame_size", frames.width() + "x" + frames.height());
    root.put("frames_in_stream", frames.frames().size());
    try (Cuda cuda = Cuda.open(CudaLibraries.Search.in(a.libDirs()), 0); Kernels k = Kernels.create("vector", threads)) {
      root.put("device", cuda.describe());
      root.put("cpu_threads", threads);
      try (GlimpseModel gpu = LmChecks.gpuModel(cuda, model, k, cache, log)) {
        run("cuda", gpu, frames, sizes, asks, cuda, rows);
      }
      try (GlimpseModel eager = LmChecks.gpuModel(cuda, model, k, cache, log, false)) {
        run("cuda-eager", eager, frames, Arrays.stream(sizes).filter(n -> n <= eagerMax).toArray(), asks, cuda, rows);
      }
      try (GlimpseModel cpu = GlimpseModel.load(model, k)) {
        int[] cpuSizes = Arrays.stream(sizes).filter(n -> n <= cpuMax).toArray();
        run("cpu", cpu, frames, cpuSizes, asks, null, rows);
      }
    }
    json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("lm-bench.json").toFile(), root);
    System.out.println(String.format(Locale.ROOT, "%-10s %6s %-15s %9s %7s %9s %9s %10s %10s", "eng", "frames", "query",
        "query_ms", "tokens", "tok/s", "append_ms", "kv_MB", "device_MB"));
    rows.forEach(r -> System.out.println(String.format(Locale.ROOT, "%-10s %6d %-15s %9.2f %7d %9.0f %9.2f %10.1f %10s",
        r.get("engine").asText(), r.get("frames").asInt(), r.get("query").asText(), r.get("query_ms").asDouble(),
        r.get("tokens").asInt(), r.get("tokens_per_s").asDouble(), r.get("append_ms").asDouble(),
        r.get("kv_bytes").asLong() / 1e6, r.has("device_bytes") ? String.format(Locale.ROOT, "%.1f",
            r.get("device_bytes").asLong() / 1e6) : "-")));
  }

  private static void run(String engine, GlimpseModel m, RawFrames frames, int[] sizes, int asks, Cuda cuda,
      ArrayNode rows) {
    if (sizes.length == 0) return;
    long free0 = cuda == null ? 0 : freeDeviceBytes(cuda);
    int cap = Math.min(999, sizes[sizes.length - 1]);
    try (FrameContext ctx = m.newContext(cap)) {
      int appended = 0;
      List<Double> appendMs = new ArrayList<>();
      for (int n : sizes) {
        while (appended < n) {
          RawFrames.Frame f = frames.frames().get(appended % frames.frames().size());
          long t0 = System.nanoTime();
          ctx.append(f.rgb(), frames.width(), frames.height());
          appendMs.add((System.nanoTime() - t0) / 1e6);
          appended++;
        }
        double append = median(appendMs.subList(Math.max(0, appendMs.size() - 20), appendMs.size()));
        long device = cuda == null ? -1 : free0 - freeDeviceBytes(cuda);
        for (String q : QUERIES) {
          ctx.ask(q);
          ctx.ask(q);
          List<Double> ms = new ArrayList<>();
          Answer last = null;
          for (int i = 0; i < asks; i++) {
            long t0 = System.nanoTime();
            last = ctx.ask(q);
            ms.add((System.nanoTime() - t0) / 1e6);
          }
          double med = median(ms);
          ObjectNode r = rows.addObject();
          r.put("engine", engine);
          r.put("lm", ctx.lmBackend());
          r.put("frames", ctx.kv().frames());
          r.put("query", q);
          r.put("query_ms", med);
          r.put("tokens", last.tokens().length);
          r.put("tokens_per_s", last.tokens().length / (med / 1000.0));
          r.put("append_ms", append);
          r.put("kv_bytes", ctx.kv().bytes());
          r.put("csa_rows_per_layer", ctx.kv().rowsPerLayer());
          if (device >= 0) r.put("device_bytes", device);
          System.out.println(r);
        }
      }
    }
  }

  private static long freeDeviceBytes(Cuda cuda) {
    cuda.makeCurrent();
    cuda.driver().synchronizeContext();
    return cuda.driver().memoryInfo()[0];
  }

  private static double median(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length == 0 ? Double.NaN : (s[(s.length - 1) / 2] + s[s.length / 2]) / 2;
  }
}
