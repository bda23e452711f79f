package dev.glimpse.cuda.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaLibraries;
import dev.glimpse.cuda.Precision;
import dev.glimpse.cuda.encoder.CudaVisionEncoder;
import dev.glimpse.encoder.EncoderConfig;
import dev.glimpse.encoder.EncoderWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times the CUDA encoder on grid-native frames: per precision and batch, the median wall-clock milliseconds from
 * the host's RGB bytes to the host's aligner rows (copy into pinned memory, one graph launch: upload, encode,
 * download; wait; read the rows) and the median GPU milliseconds between events around the launch. Prints one line
 * per configuration and writes OUT/java-bench.json.
 * <pre>
 *   java ... dev.glimpse.cuda.check.GpuBenchMain --model models/glimpse-tiny --out OUT --size 756x756 \
 *     --batches 1,8 --precisions f32,bf16,tf32 [--iters 50] [--warmup 10] [--lib-dir DIR]...
 * </pre>
 */
public final class GpuBenchMain {
  private GpuBenchMain() {}

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv, List.of("model", "out", "cache", "lib-dir", "size", "batches", "precisions", "iters", "warmup", "graphs"));
    Path model = Path.of(a.get("model", "models/glimpse-tiny"));
    Path out = Files.createDirectories(Path.of(a.get("out", "out/gpu")));
    Path cache = Path.of(a.get("cache", out.resolve("kernel-cache").toString()));
    String[] size = a.get("size", "756x756").split("x");
    int w = Integer.parseInt(size[0]), h = Integer.parseInt(size[1]);
    int[] batches = Arrays.stream(a.get("batches", "1,8").split(",")).mapToInt(Integer::parseInt).toArray();
    List<Precision> precisions = Arrays.stream(a.get("precisions", "f32,bf16,tf32").split(",")).map(Precision::parse).toList();
    int iters = a.getInt("iters", 50), warmup = a.getInt("warmup", 10);
    boolean[] graphModes = a.get("graphs", "on,off-b1").equals("on") ? new boolean[] {true} : new boolean[] {true, false};
    System.Logger log = new ConsoleLogger("cuda", System.out);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    ArrayNode rows = root.putArray("results");
    Random rnd = new Random(99);
    Cuda opened;
    try {
      opened = Cuda.open(CudaLibraries.Search.in(a.libDirs()), 0);
    } catch (RuntimeException e) {
      System.out.println("ERROR cannot open the GPU: " + e.getMessage());
      root.put("error", e.getMessage());
      json.writeValue(out.resolve("java-bench.json").toFile(), root);
      System.exit(2);
      return;
    }
    try (Cuda cuda = opened) {
      root.put("device", cuda.describe());
      System.out.println("== device: " + cuda.describe());
      EncoderConfig cfg = EncoderConfig.load(model.resolve("config.json"));
      try (EncoderWeights weights = EncoderWeights.load(model.resolve("model.safetensors"), cfg)) {
        for (Precision p : precisions) {
          for (boolean graphs : graphModes) {
            try (CudaVisionEncoder enc = CudaVisionEncoder.create(cuda, false, cfg, weights,
                new CudaVisionEncoder.Options(p, graphs, 1, cache), log)) {
              for (int b : batches) {
                if (!graphs && b != 1) continue;                   // eager only at batch 1: the launch-cost comparison
                byte[] rgb = new byte[b * w * h * 3];
                for (int i = 0; i < b; i++) System.arraycopy(EncoderChecks.frame(rnd, w, h), 0, rgb, i * w * h * 3, w * h * 3);
                try {
                  CudaVisionEncoder.Timing t = enc.time(rgb, b, h, w, warmup, iters);
                  // wall_ms starts from frames in pinned memory, as the PyTorch peer's does; wall_from_heap_ms adds
                  // their copy from a Java array.
                  double wall = median(t.pinnedWallMs()), heap = median(t.wallMs()), gpu = median(t.gpuMs());
                  ObjectNode r = rows.addObject();
                  r.put("impl", "java-cuda");
                  r.put("precision", p.toString());
                  r.put("graphs", t.graph());
                  r.put("batch", b);
                  r.put("size", w + "x" + h);
                  r.put("wall_ms", wall);
                  r.put("wall_from_heap_ms", heap);
                  r.put("gpu_ms", gpu);
                  r.put("ms_per_frame", wall / b);
                  r.put("frames_per_s", 1000.0 * b / wall);
                  System.out.printf("java-cuda %-4s graphs=%-5s batch %d %s: wall %.3f ms (%.3f ms/frame, %.1f frames/s; "
                      + "%.3f ms from a Java array), GPU %.3f ms%n", p, t.graph(), b, w + "x" + h, wall, wall / b,
                      1000.0 * b / wall, heap, gpu);
                  if (graphs) {
                    java.util.Map<String, Double> stages = enc.stageMillis(rgb, b, h, w);
                    ObjectNode st = r.putObject("eager_stage_ms");
                    StringBuilder sb = new StringBuilder();
                    stages.forEach((k, v) -> {
                      st.put(k, v);
                      sb.append(String.format("%s %.3f, ", k, v));
                    });
                    System.out.println("    eager stage GPU ms: " + sb);
                  }
                } catch (RuntimeException e) {
                  System.out.println("ERROR java-cuda " + p + " batch " + b + ": " + e.getMessage());
                  ObjectNode r = rows.addObject();
                  r.put("impl", "java-cuda");
                  r.put("precision", p.toString());
                  r.put("batch", b);
                  r.put("error", e.getMessage());
                }
                json.writeValue(out.resolve("java-bench.json").toFile(), root);     // partial results survive a timeout
              }
            } catch (RuntimeException e) {
              System.out.println("ERROR java-cuda " + p + " encoder: " + e.getMessage());
            }
          }
        }
      }
    }
    json.writeValue(out.resolve("java-bench.json").toFile(), root);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
