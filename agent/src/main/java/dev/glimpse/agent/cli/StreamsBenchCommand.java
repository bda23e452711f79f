package dev.glimpse.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.glimpse.agent.plot.Plots;
import dev.glimpse.agent.reliability.StreamsRun;
import dev.glimpse.agent.reliability.Summary;
import dev.glimpse.config.EngineConfig;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code glimpse bench streams}: issue 10's multi-stream load run. K looped videos at their own frame rate through
 * one agent for growing K; prints and writes, per level, frames processed and dropped, decode → DDS-write latency,
 * engine time, KV bytes, GPU and process memory, and which K held. Exit 1 when not even one stream is held.
 */
@Command(name = "streams", mixinStandardHelpOptions = true,
    description = {"K videos replayed as cameras through one agent (ingest → engine → tracker → ROS 2), K growing until",
        "frames drop; then an overload run. Prints a table; writes streams.md, levels.csv and streams.json to --out."})
public final class StreamsBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--video", paramLabel = "FILE",
      description = "a video to replay (repeat for several; stream i plays video i mod n). y4m files need no FFmpeg.")
  List<Path> videos = new ArrayList<>();

  @Option(names = "--plot-from", paramLabel = "DIR",
      description = {"instead of running: plot the streams.json of earlier runs (repeat for several) into",
          "--out/streams-latency.png and --out/streams-fps.png (runs on machines without java.desktop write no plots)"})
  List<Path> plotFrom = new ArrayList<>();

  @Option(names = "--streams", defaultValue = "1,2,4,6,8,12,16", split = ",", paramLabel = "K,...",
      description = "stream counts, in order; the sweep stops at the first not held (default ${DEFAULT-VALUE})")
  List<Integer> levels;

  @Option(names = "--overload", defaultValue = "2", paramLabel = "X",
      description = "after the sweep, run X times the largest held K (0 = no overload run; default ${DEFAULT-VALUE})")
  double overload;

  @Option(names = "--warmup", defaultValue = "5", paramLabel = "SECONDS", description = "unmeasured start of each level (default ${DEFAULT-VALUE})")
  double warmup;

  @Option(names = "--window", defaultValue = "15", paramLabel = "SECONDS", description = "measured window of each level (default ${DEFAULT-VALUE})")
  double window;

  @Option(names = "--query", defaultValue = "box all person", paramLabel = "TEXT", description = "the standing query (default '${DEFAULT-VALUE}')")
  String query;

  @Option(names = "--query-hz", defaultValue = "0", paramLabel = "HZ",
      description = "how often each stream asks it, Hz of stream time; 0 = every frame (default ${DEFAULT-VALUE})")
  double queryHz;

  @Option(names = "--mailbox", defaultValue = "2", paramLabel = "N",
      description = "frames each stream may queue before the oldest is dropped (newest wins; default ${DEFAULT-VALUE})")
  int mailbox;

  @Option(names = "--model", paramLabel = "DIR", description = "model directory (default: the shipped models/glimpse-tiny)")
  Path model;

  @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|cpu|cuda", description = "engine backend (default ${DEFAULT-VALUE})")
  String backend;

  @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|bf16", description = "GPU GEMM precision (default ${DEFAULT-VALUE})")
  String dtype;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "CPU engine threads (0 = one per core)")
  int threads;

  @Option(names = "--context-frames", defaultValue = "100", paramLabel = "N",
      description = "frames kept in each stream's context (default ${DEFAULT-VALUE})")
  int contextFrames;

  @Option(names = "--ros", description = "publish tracks on DDS (loopback only) and count them at a second participant")
  boolean ros;

  @Option(names = "--ros-domain", defaultValue = "${env:ROS_DOMAIN_ID:-0}", paramLabel = "ID", description = "DDS domain (default ${DEFAULT-VALUE})")
  int rosDomain;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "where streams.md, levels.csv and streams.json go")
  Path out;

  /**
   * This command alone, for machines that carry only the pipeline's classes (bench/gpu-streams.sh): the full CLI
   * reflects on every command, and so loads the HTTP API's and FFmpeg's classes too.
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new StreamsBenchCommand()).setCommandName("glimpse bench streams").execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (!plotFrom.isEmpty()) return plot(plotFrom, out);
    List<String> problems = new ArrayList<>();
    if (videos.isEmpty()) problems.add("--video: at least one video (or --plot-from DIR)");
    for (Path v : videos) if (!Files.isRegularFile(v)) problems.add("--video " + v + ": no such file");
    EngineConfig.Backend b = parse(EngineConfig.Backend.class, backend, "--backend", problems);
    EngineConfig.DType d = parse(EngineConfig.DType.class, dtype, "--dtype", problems);
    if (d == EngineConfig.DType.Q8) problems.add("--dtype: f32 or bf16");
    if (!problems.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
    EngineConfig e = EngineConfig.defaults();
    // engine.model_dir's default; AgentRuntime resolves it against the installation as `glimpse run` does
    EngineConfig engine = new EngineConfig(model != null ? model : EngineConfig.DEFAULT_MODEL_DIR, b, threads, contextFrames, e.maxBatch(), d);
    StreamsRun.Spec s;
    try {
      s = new StreamsRun.Spec(videos, levels, overload, Duration.ofMillis(Math.round(warmup * 1000)),
          Duration.ofMillis(Math.round(window * 1000)), query, queryHz, engine, mailbox, ros, rosDomain);
    } catch (IllegalArgumentException ex) {
      throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
    }
    StreamsRun run = new StreamsRun(s, System::nanoTime, line -> {
      err.println(line);
      err.flush();
    });
    List<StreamsRun.Level> levelsRun = run.run();
    Files.createDirectories(out);
    String table = table(s, run.engineDescription(), levelsRun);
    spec.commandLine().getOut().print(table);
    spec.commandLine().getOut().flush();
    Files.writeString(out.resolve("streams.md"), table);
    Files.writeString(out.resolve("levels.csv"), csv(levelsRun));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("streams.json").toFile(), json(s, run.engineDescription(), levelsRun));
    return levelsRun.stream().anyMatch(l -> l.held() && !l.overload()) ? 0 : 1;
  }

  /** Latency and throughput against the stream count, one series per earlier run, from their streams.json. */
  static int plot(List<Path> runs, Path out) throws IOException {
    Files.createDirectories(out);
    Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};
    List<Plots.XySeries> latency = new ArrayList<>(), fps = new ArrayList<>();
    double maxK = 1;
    for (int i = 0; i < runs.size(); i++) {
      JsonNode j = new ObjectMapper().readTree(runs.get(i).resolve("streams.json").toFile());
      JsonNode ls = j.get("levels");
      double[] k = new double[ls.size()], p50 = new double[ls.size()], p99 = new double[ls.size()], f = new double[ls.size()];
      for (int n = 0; n < ls.size(); n++) {
        k[n] = ls.get(n).get("streams").asDouble();
        p50[n] = ls.get(n).get("latency_ms").get("p50").asDouble();
        p99[n] = ls.get(n).get("latency_ms").get("p99").asDouble();
        f[n] = ls.get(n).get("processed").asDouble() / ls.get(n).get("seconds").asDouble();
        maxK = Math.max(maxK, k[n]);
      }
      double hz = j.get("query_hz").asDouble();
      String name = "query " + (hz == 0 ? "every frame" : hz + " Hz");
      Color c = colors[i % colors.length];
      latency.add(new Plots.XySeries(name + ", p99", k, p99, c, false));
      latency.add(new Plots.XySeries(name + ", p50", k, p50, c, true));
      fps.add(new Plots.XySeries(name, k, f, c, false));
    }
    fps.add(new Plots.XySeries("30 fps per stream", new double[] {1, maxK},
        new double[] {30, 30 * maxK}, Color.GRAY, false));
    Plots.xy(out.resolve("streams-latency.png"), "Decode → DDS write latency", "streams",
        "ms", latency);
    Plots.xy(out.resolve("streams-fps.png"), "Frames processed, all streams", "streams",
        "frames/s", fps);
    return 0;
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String text, String option, List<String> problems) {
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException ex) {
      problems.add(option + " " + text + ": not one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
      return null;
    }
  }

  /** The largest K held in the sweep, 0 when none. */
  static int largestHeld(List<StreamsRun.Level> levels) {
    return levels.stream().filter(l -> l.held() && !l.overload()).mapToInt(StreamsRun.Level::streams).max().orElse(0);
  }

  static String table(StreamsRun.Spec s, String engine, List<StreamsRun.Level> levels) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Streams from %d video(s), query '%s' %s, context %d frames, mailbox %d (newest wins)%n"
            + "Engine: %s%n%n", s.videos().size(), s.query(), s.queryHz() == 0 ? "on every frame" : "at " + s.queryHz() + " Hz",
        s.engine().contextFrames(), s.mailbox(), engine));
    b.append("| streams | held | decoded fps | processed fps | dropped | published | received | latency p50 / p99 / max ms | engine p50 / p99 ms | KV bytes/frame | GPU MiB | RSS MiB |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (StreamsRun.Level l : levels) {
      Summary lat = l.latencyMs(), eng = l.engineMs();
      b.append(String.format(Locale.ROOT, "| %d%s | %s | %.1f | %.1f | %d | %d | %s | %.1f / %.1f / %.1f | %.1f / %.1f | %.0f | %s | %.0f |%n",
          l.streams(), l.overload() ? " (overload)" : "", l.held() ? "yes" : "no", l.decoded() / l.seconds(), l.fps(),
          l.dropped(), l.published(), s.ros() ? Long.toString(l.received()) : "-", lat.median(), lat.p99(), lat.max(),
          eng.median(), eng.p99(), l.kvBytesPerFrame(), l.deviceMiB() < 0 ? "-" : Long.toString(l.deviceMiB()), l.rssMiB()));
    }
    b.append(String.format(Locale.ROOT, "%nLargest K held: %d; KV bytes per 1000 frames of one stream: %.1f MB%n",
        largestHeld(levels), levels.isEmpty() ? 0 : levels.getFirst().kvBytesPerFrame() * 1000 / 1e6));
    return b.toString();
  }

  static String csv(List<StreamsRun.Level> levels) {
    StringBuilder b = new StringBuilder("streams,overload,held,seconds,decoded,processed,dropped,published,received,"
        + "latency_p50_ms,latency_p99_ms,latency_max_ms,engine_p50_ms,engine_p99_ms,kv_bytes_per_frame,gpu_mib,rss_mib\n");
    for (StreamsRun.Level l : levels) {
      b.append(String.format(Locale.ROOT, "%d,%b,%b,%.3f,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f,%d,%.1f%n",
          l.streams(), l.overload(), l.held(), l.seconds(), l.decoded(), l.processed(), l.dropped(), l.published(),
          l.received(), l.latencyMs().median(), l.latencyMs().p99(), l.latencyMs().max(), l.engineMs().median(),
          l.engineMs().p99(), l.kvBytesPerFrame(), l.deviceMiB(), l.rssMiB()));
    }
    return b.toString();
  }

  /** Percentiles as JSON: null where nothing was measured (JSON has no NaN). */
  private static Map<String, Object> measured(Map<String, Double> v) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String k : List.of("p50", "p99", "max")) if (v.containsKey(k)) out.put(k, Double.isFinite(v.get(k)) ? v.get(k) : null);
    return out;
  }

  static Map<String, Object> json(StreamsRun.Spec s, String engine, List<StreamsRun.Level> levels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("engine", engine);
    m.put("videos", s.videos().stream().map(Path::toString).toList());
    m.put("query", s.query());
    m.put("query_hz", s.queryHz());
    m.put("context_frames", s.engine().contextFrames());
    m.put("backend", s.engine().backend().name().toLowerCase(Locale.ROOT));
    m.put("dtype", s.engine().dtype().name().toLowerCase(Locale.ROOT));
    m.put("mailbox", s.mailbox());
    m.put("ros", s.ros());
    m.put("largest_held", largestHeld(levels));
    List<Map<String, Object>> ls = new ArrayList<>();
    for (StreamsRun.Level l : levels) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("streams", l.streams());
      x.put("overload", l.overload());
      x.put("held", l.held());
      x.put("seconds", l.seconds());
      x.put("decoded", l.decoded());
      x.put("processed", l.processed());
      x.put("dropped", l.dropped());
      x.put("published", l.published());
      x.put("received", l.received());
      x.put("latency_ms", measured(Map.of("p50", l.latencyMs().median(), "p99", l.latencyMs().p99(), "max", l.latencyMs().max())));
      x.put("engine_ms", measured(Map.of("p50", l.engineMs().median(), "p99", l.engineMs().p99())));
      x.put("kv_bytes_per_frame", l.kvBytesPerFrame());
      x.put("gpu_mib", l.deviceMiB());
      x.put("rss_mib", l.rssMiB());
      ls.add(x);
    }
    m.put("levels", ls);
    return m;
  }
}
