package dev.glimpse.agent.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.cli.EngineOptions;
import dev.glimpse.agent.pipeline.EngineWorker;
import dev.glimpse.agent.pipeline.StandingQuery;
import dev.glimpse.agent.pipeline.StreamPipeline;
import dev.glimpse.agent.plot.Plots;
import dev.glimpse.agent.runtime.RosPublishing;
import dev.glimpse.ros.RosBridge;
import dev.glimpse.ros.RosBridgeConfig;
import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.csa.engine.Query;
import dev.glimpse.ingest.StreamStats;
import dev.glimpse.sim.eval.MotChallengeIo;
import dev.glimpse.sim.eval.MotMetrics;
import dev.glimpse.sim.eval.MotResult;
import dev.glimpse.sim.eval.MotRow;
import dev.glimpse.sim.eval.MotSequence;
import dev.glimpse.sim.eval.SeqInfo;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tracker.IdSource;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Detection;
import io.vertx.core.Vertx;
import java.awt.Color;
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
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glimpse sim}: replays a recorded video through the same pipeline as {@code glimpse run} (ingest → engine
 * → trackers) with nothing dropped, and writes per query a MOTChallenge file, plus metrics.json, PNG plots and
 * report.md; with {@code --gt} it scores every query against the simulator's ground truth.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
    description = {"Replay a video through the perception pipeline and score it.",
        "Writes DIR/<query-slug>.txt (MOTChallenge tracks), DIR/<query-slug>.det.txt (the model's boxes before tracking), DIR/metrics.json, DIR/*.png and DIR/report.md."})
public final class SimCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin EngineOptions engine = new EngineOptions();

  @Option(names = "--video", required = true, paramLabel = "FILE", description = "the recorded video (any FFmpeg format)")
  Path video;

  @Option(names = "--gt", paramLabel = "DIR", description = "ground truth: a rendered sequence folder (seqinfo.ini, gt/gt.txt, labels.jsonl)")
  Path gt;

  @Option(names = "--query", paramLabel = "TEXT", description = "a standing query, asked on every frame (repeatable). Default: \"box all person\"")
  List<String> queries = new ArrayList<>();

  @Option(names = "--frames", defaultValue = "0", paramLabel = "N", description = "stop after N frames (0 = the whole video)")
  int frames;

  @Option(names = "--context", defaultValue = "4", paramLabel = "N", description = {
      "frames kept in the context (1..999, default ${DEFAULT-VALUE}: the shipped model was trained with up to 8;",
      "longer contexts run, with flat memory, but pull its answers off the latest frame until it is trained on them)"})
  int context;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Option(names = "--reid", defaultValue = "0.9", paramLabel = "SIMILARITY", description = {
      "appearance similarity (colour histograms of the box) at which a new track takes back the id of a lost or",
      "expired one (0..1, default ${DEFAULT-VALUE}; 0 turns re-identification off, as in tracker.reid_thresh)"})
  double reid;

  @Option(names = "--ros", description = "also publish every query's tracks on DDS as vision_msgs/Detection2DArray, "
      + "exactly as 'glimpse run' does (stream name 'sim': topic glimpse/sim/detections)")
  boolean ros;

  @Option(names = "--ros-domain", defaultValue = "${env:ROS_DOMAIN_ID:-0}", paramLabel = "ID",
      description = "DDS domain (default: $ROS_DOMAIN_ID, else 0)")
  int rosDomain;

  @Option(names = "--ros-loopback", description = "DDS discovery and data on 127.0.0.1 only (single-machine tests)")
  boolean rosLoopback;

  @Option(names = "--ros-wait", defaultValue = "0", paramLabel = "SECONDS",
      description = "with --ros, wait up to this long for a subscriber before replaying (default ${DEFAULT-VALUE})")
  double rosWait;

  @Override
  public Integer call() throws Exception {
    List<String> problems = new ArrayList<>();
    if (!Files.isRegularFile(video)) problems.add("--video " + video + ": no such file");
    if (gt != null && !(Files.isRegularFile(gt.resolve("seqinfo.ini")) && Files.isRegularFile(gt.resolve("gt/gt.txt")))) {
      problems.add("--gt " + gt + ": not a sequence folder (needs seqinfo.ini and gt/gt.txt; make one with 'glimpse render')");
    }
    try {
      engine.selectBackend();                                   // --backend cuda without a GPU fails here, with the rest
    } catch (IllegalArgumentException | IllegalStateException e) {
      problems.add("--backend: " + e.getMessage());
    }
    if (frames < 0) problems.add("--frames must be >= 0");
    if (context < 1 || context > 999) problems.add("--context must be 1..999 frames");
    if (!(reid >= 0 && reid <= 1)) problems.add("--reid must be a similarity in 0..1 (0: off), got " + reid);
    if (queries.isEmpty()) queries.add("box all person");
    if (!problems.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
    Files.createDirectories(out);
    var err = spec.commandLine().getErr();

    try (Kernels kernels = engine.createKernels(); GlimpseModel model = engine.load(kernels)) {
      List<StandingQuery> standing = new ArrayList<>();
      for (String q : queries) {
        try {
          standing.add(new StandingQuery(Query.parse(q, model.classes(), model.colors()), 0));
        } catch (IllegalArgumentException e) {
          problems.add("--query: " + e.getMessage());
        }
      }
      if (!problems.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
      SeqInfo info = gt == null ? null : SeqInfo.read(gt.resolve("seqinfo.ini"));
      int expected = frames > 0 ? frames : info != null ? info.seqLength() : 0;
      err.printf("glimpse sim: %s on %s, frames on %s, language model on %s (CPU: %s kernels, %d threads), context %d frames, queries %s%n",
          model.name(), video, model.frameEncoder().describe(), model.lmSessions().describe(), kernels.name(),
          engine.threadCount(), context,
          standing.stream().map(q -> q.query().text()).toList());
      SimRecorder rec = new SimRecorder(expected, err, System::nanoTime);
      RosPublishing publishing = null;
      if (ros) {
        RosBridgeConfig rc = RosBridgeConfig.defaults().withDomainId(rosDomain);
        if (rosLoopback) rc = rc.withCycloneConfig(RosBridgeConfig.LOOPBACK_ONLY);
        try {
          publishing = new RosPublishing(RosBridge.open(rc));
        } catch (RuntimeException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--ros: cannot open DDS: " + e.getMessage());
        }
        if (rosWait > 0) {
          boolean seen = publishing.publisher("sim").detections().awaitSubscribers(1, Duration.ofMillis((long) (rosWait * 1000)));
          err.println("glimpse sim: " + (seen ? "a DDS subscriber is matched" : "no DDS subscriber after " + rosWait + " s; publishing anyway"));
        }
      }
      List<dev.glimpse.agent.pipeline.PipelineListener> listeners = new ArrayList<>(List.of(rec));
      if (publishing != null) listeners.add(publishing);
      Vertx vertx = Vertx.vertx();
      try (EngineWorker worker = new EngineWorker(model, context, System::nanoTime); RosPublishing rp = publishing) {
        String url = video.toAbsolutePath().toUri().toString();
        StreamConfig sc = new StreamConfig("sim", SourceUrl.parse(url), StreamConfig.Transport.TCP,
            new MailboxConfig(MailboxConfig.MailboxPolicy.ALL, MailboxConfig.DEFAULT_ALL_CAPACITY), StreamConfig.Pacing.FAST,
            false, Duration.ofSeconds(10), Duration.ofSeconds(30), BackoffConfig.defaults(), "sim_camera", 0, 0);
        TrackerConfig tc = TrackerConfig.DEFAULTS.withFrameRate(info != null ? info.frameRate() : TrackerConfig.DEFAULT_FRAME_RATE)
            .withReid(reid, TrackerConfig.DEFAULT_REID_MARGIN, TrackerConfig.DEFAULT_REID_BUFFER);
        // --frames N: the N-th result stops ingest from the event loop (no polling); in-flight work still lands.
        StreamPipeline[] self = new StreamPipeline[1];
        if (frames > 0) {
          listeners.add(new dev.glimpse.agent.pipeline.PipelineListener() {
            private int seen;

            @Override
            public void onFrame(String stream, dev.glimpse.agent.pipeline.FrameResult r) {
              if (++seen == frames) self[0].stop();
            }
          });
        }
        StreamPipeline p = new StreamPipeline(vertx, sc, worker, standing, tc, IdSource.sequential(), listeners);
        self[0] = p;
        var done = p.start().toCompletionStage().toCompletableFuture();
        StreamStats stats = done.get();
        if (rp != null) {
          rp.close();                                               // flush before counting
          err.println("glimpse sim: published " + rp.published() + " Detection2DArray messages on DDS domain " + rosDomain
              + (rp.failed() > 0 ? " (" + rp.failed() + " failed)" : ""));
        }
        writeOutputs(standing, rec, stats, p.failed(), info);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
    err.println("glimpse sim: wrote " + out.toAbsolutePath());
    return 0;
  }

  private void writeOutputs(List<StandingQuery> standing, SimRecorder rec, StreamStats stats, long failed, SeqInfo info)
      throws Exception {
    int n = rec.encodeMs.size();
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode m = json.createObjectNode();
    ObjectNode qs = m.putObject("queries");
    MotSequence truth = gt == null ? null : MotChallengeIo.readGroundTruth(gt);
    Map<Long, String> colours = gt == null ? Map.of() : SimScoring.colours(gt.resolve("labels.jsonl"));
    StringBuilder table = new StringBuilder();
    Map<String, double[]> predCounts = new LinkedHashMap<>(), gtCounts = new LinkedHashMap<>();
    for (StandingQuery q : standing) {
      String text = q.query().text();
      List<MotRow> rows = rec.trackRows.getOrDefault(text, List.of());
      Path txt = out.resolve(q.slug() + ".txt");
      MotChallengeIo.writeRows(txt, rows, false);
      ObjectNode o = qs.putObject(text);
      o.put("file", txt.getFileName().toString());
      List<List<Detection>> dets = rec.detections.getOrDefault(text, List.of());
      List<MotRow> detRows = new ArrayList<>();                  // the model's boxes before tracking (MOT det format)
      for (int i = 0; i < dets.size(); i++) {
        for (Detection d : dets.get(i)) if (d.box() != null) detRows.add(MotRow.ofTracker(i + 1, -1, d.box(), d.score()));
      }
      MotChallengeIo.writeRows(out.resolve(q.slug() + ".det.txt"), detRows, false);
      double[] pc = new double[n];
      for (int i = 0; i < Math.min(n, dets.size()); i++) pc[i] = dets.get(i).size();
      predCounts.put(text, pc);
      if (truth != null) {
        MotSequence target = SimScoring.forQuery(truth, q.query(), colours);
        MotSequence cut = new MotSequence(target.name(), n,
            target.rows().stream().filter(r -> r.frame() <= n).toList());
        MotResult r = MotMetrics.evaluate(cut, new MotSequence(target.name(), n, rows));
        SimScoring.Counts c = new SimScoring.Counts();
        double[] gc = new double[n];
        Map<Integer, List<MotRow>> byFrame = cut.rows().stream().collect(java.util.stream.Collectors.groupingBy(MotRow::frame));
        for (int f = 1; f <= n; f++) {
          List<MotRow> fr = byFrame.getOrDefault(f, List.of());
          gc[f - 1] = fr.stream().filter(MotRow::considered).count();
          SimScoring.score(c, f - 1 < dets.size() ? dets.get(f - 1) : List.of(), fr);
        }
        gtCounts.put(text, gc);
        num(o, "recall", c.recall());
        num(o, "precision", c.precision());
        boolean boxes = q.query().task() == Query.Task.BOX;     // point tracks have no box: no MOT metrics
        num(o, "hota", boxes ? r.hota() : Double.NaN);
        num(o, "deta", boxes ? r.deta() : Double.NaN);
        num(o, "assa", boxes ? r.assa() : Double.NaN);
        num(o, "mota", boxes ? r.mota() : Double.NaN);
        num(o, "idf1", boxes ? r.idf1() : Double.NaN);
        if (boxes) o.put("idsw", r.idsw());
        table.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %d |%n", text, c.recall(),
            c.precision(), r.hota(), r.mota(), r.idf1(), r.idsw()));
      }
      o.put("tracks", rows.stream().mapToLong(MotRow::id).distinct().count());
    }
    double[] lat = rec.frameMs.stream().mapToDouble(Double::doubleValue).toArray();
    double[] sorted = lat.clone();
    Arrays.sort(sorted);
    ObjectNode l = m.putObject("latency_ms");
    l.put("p50", percentile(sorted, 0.50));
    l.put("p99", percentile(sorted, 0.99));
    l.put("mean", Arrays.stream(lat).average().orElse(Double.NaN));
    l.put("encode_mean", rec.encodeMs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
    ObjectNode kv = m.putObject("kv");
    int framesHeld = Math.min(n, context);
    kv.put("rows_per_layer_per_frame", n == 0 ? 0 : (double) rec.kvRows.get(n - 1) / framesHeld);
    kv.put("bytes_per_frame", n < 2 ? 0 : (double) (rec.kvBytes.get(Math.min(n, context) - 1) - rec.kvBytes.get(0))
        / Math.max(1, Math.min(n, context) - 1));
    kv.put("bytes", n == 0 ? 0 : rec.kvBytes.get(n - 1));
    kv.put("context_frames", context);
    m.put("frames", n);
    m.put("dropped", stats.drops() + stats.corrupt() + failed);
    m.put("corrupt", stats.corrupt());
    m.put("engine_failures", failed);
    json.writeValue(out.resolve("metrics.json").toFile(), m);

    Plots.histogram(out.resolve("latency.png"), "per-frame engine latency (encode + queries)", "ms", lat, 30);
    Plots.lines(out.resolve("kv_memory.png"), "context memory vs frames", "MB", List.of(new Plots.Series("KV bytes (MB)",
        rec.kvBytes.stream().mapToDouble(b -> b / 1e6).toArray(), new Color(200, 80, 40))));
    List<Plots.Series> counts = new ArrayList<>();
    Color[] palette = {new Color(40, 90, 200), new Color(200, 60, 60), new Color(30, 150, 80), new Color(150, 60, 180)};
    int ci = 0;
    for (var e : predCounts.entrySet()) {
      Color col = palette[ci++ % palette.length];
      counts.add(new Plots.Series(e.getKey() + " (model)", e.getValue(), col));
      if (gtCounts.containsKey(e.getKey())) counts.add(new Plots.Series(e.getKey() + " (truth)", gtCounts.get(e.getKey()), col.darker().darker()));
    }
    Plots.lines(out.resolve("counts.png"), "objects per frame: model vs ground truth", "objects", counts);

    StringBuilder md = new StringBuilder("# glimpse sim report\n\n");
    md.append(String.format(Locale.ROOT, "Video `%s`, %d frames, model `%s`, context %d frames.%n%n", video.getFileName(), n,
        engine.modelDir().getFileName(), context));
    if (table.length() > 0) {
      md.append("| query | recall | precision | HOTA | MOTA | IDF1 | ID switches |\n|---|---|---|---|---|---|---|\n")
          .append(table).append('\n');
    }
    md.append(String.format(Locale.ROOT, "Latency per frame (encode + queries): p50 %.0f ms, p99 %.0f ms. ", percentile(sorted, 0.5),
        percentile(sorted, 0.99)));
    md.append(String.format(Locale.ROOT, "KV: %.1f rows per CSA layer per frame, %.0f bytes per frame. Dropped %d frames.%n%n",
        kv.get("rows_per_layer_per_frame").asDouble(), kv.get("bytes_per_frame").asDouble(), m.get("dropped").asLong()));
    md.append("![latency](latency.png)\n![counts](counts.png)\n![kv](kv_memory.png)\n");
    Files.writeString(out.resolve("report.md"), md.toString());
  }

  /** JSON has no NaN: an undefined metric (no objects, or no boxes to track) is null. */
  private static void num(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) o.put(key, v);
    else o.putNull(key);
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))];
  }
}
