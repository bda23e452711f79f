package dev.glimpse.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.bench.OnnxPeer;
import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.FrameContext;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.csa.engine.Query;
import dev.glimpse.encoder.Preprocess;
import dev.glimpse.encoder.Probe;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.Kernels;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glimpse bench engine}: the CPU engine's numbers (issue 4): vision encode ms per frame at 756² and 16:9
 * (Vector kernels, with the scalar reference kernels as the in-run peer), context prefill per frame, KV bytes per
 * frame and context memory as the context fills, and query latency at several context sizes. Frames for the
 * context part are random aligner rows (the language model's cost does not depend on the pixels), seeded.
 * With {@code --onnx DIR}, ONNX Runtime runs the same model exported to ONNX ({@link OnnxBench}) in the same run.
 */
@Command(name = "engine", mixinStandardHelpOptions = true, description = "Benchmark the CPU engine (encode, context, queries).")
public final class EngineBenchCommand implements Callable<Integer> {
  /** A context holds at most 999 frames; the bench may append one more, so that its last row is a full ring. */
  static final int MAX_CONTEXT = 1000;
  /** Untimed runs before each timed series (JIT, caches, ONNX Runtime's first-run allocations). */
  static final int WARMUP = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin EngineOptions engine = new EngineOptions();

  @Option(names = "--runs", defaultValue = "5", paramLabel = "N", description = "timed encodes per size (default ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--contexts", defaultValue = "1,100,300", split = ",", paramLabel = "N,N,...",
      description = "context sizes (frames appended, ≤ 1000; a context holds at most 999, so at 1000 the oldest frame "
          + "has been evicted) at which to measure memory and query latency; the largest sets how long the run "
          + "takes (default ${DEFAULT-VALUE})")
  List<Integer> contexts;

  @Option(names = "--reference", description = "also time one 756² encode with the scalar reference kernels (slow) as the peer")
  boolean reference;

  @Option(names = "--onnx", paramLabel = "DIR",
      description = "also run ONNX Runtime (CPU, --threads intra-op threads) on the graphs in DIR, written by "
          + "'python3 -m training.export_onnx --out DIR': encode and one-frame prefill, timed like ours, outputs checked")
  Path onnx;

  @Option(names = "--onnx-tolerance", defaultValue = "1e-4", paramLabel = "REL",
      description = "largest max|ours − ORT| / max|ORT| accepted; beyond it the bench fails (default ${DEFAULT-VALUE})")
  double tolerance;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  /** Something timed; it may throw. */
  interface Timed {
    void run() throws Exception;
  }

  /** Median wall time in ms of {@code runs} calls after {@link #WARMUP} untimed ones. */
  static double medianMs(int runs, Timed body) throws Exception {
    for (int i = 0; i < WARMUP; i++) body.run();
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      body.run();
      t[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(t);
    return t[runs / 2];
  }

  @Override
  public Integer call() throws Exception {
    int max = contexts.stream().mapToInt(Integer::intValue).max().orElse(1);
    int min = contexts.stream().mapToInt(Integer::intValue).min().orElse(1);
    if (min < 1 || max > MAX_CONTEXT) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--contexts must be 1.." + MAX_CONTEXT + " frames");
    }
    if (runs < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be >= 1");
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper m = new ObjectMapper();
    ObjectNode res = m.createObjectNode();
    Random rnd = new Random(42);
    // The machine may be shared: the load average (runnable threads, all processes) before and after says how much.
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    res.put("load_average_start", os.getSystemLoadAverage());
    res.put("cpus", os.getAvailableProcessors());
    try (OnnxPeer peer = onnx == null ? null : OnnxPeer.open(onnx, engine.threadCount(), engine.modelDir());
         Kernels kernels = engine.createKernels(); GlimpseModel model = engine.load(kernels)) {
      res.put("model", model.name());
      res.put("kernels", kernels.name());
      res.put("frames_on", model.frameEncoder().describe());
      res.put("threads", engine.threadCount());
      ObjectNode enc = res.putObject("encode_ms");
      Map<String, OnnxBench.Frame> frames = new LinkedHashMap<>();
      for (int[] size : new int[][] {{756, 756}, {1008, 588}}) {
        byte[] rgb = new byte[size[0] * size[1] * 3];
        rnd.nextBytes(rgb);
        VisionEncoder.Encoded[] last = new VisionEncoder.Encoded[1];
        double ms = medianMs(runs, () -> last[0] = model.frameEncoder().encode(rgb, size[0], size[1]));
        String key = size[0] + "x" + size[1];
        enc.put(key, ms);
        frames.put(key, new OnnxBench.Frame(rgb, size[0], size[1], last[0], ms));
        if (!json) out.printf("encode %s: median %.1f ms over %d runs (%s)%n", key, ms, runs, model.frameEncoder().describe());
        out.flush();
      }
      if (reference) {
        try (Kernels ref = Kernels.create("reference", 1); GlimpseModel rm = GlimpseModel.load(model.dir(), ref)) {
          byte[] rgb = new byte[756 * 756 * 3];
          rnd.nextBytes(rgb);
          long t0 = System.nanoTime();
          rm.encoder().encode(rgb, 756, 756, Probe.NONE);
          double ms = (System.nanoTime() - t0) / 1e6;
          enc.put("756x756_reference", ms);
          enc.put("speedup_vs_reference", ms / enc.get("756x756").asDouble());
          if (!json) out.printf("encode 756x756 with the scalar reference kernels (1 thread, cold): %.0f ms → the configured encoder is %.1f× faster%n",
              ms, ms / enc.get("756x756").asDouble());
        }
      }
      if (peer != null) {
        new OnnxBench(peer, model, runs, tolerance).run(frames, res.putObject("onnx"), json ? null : out);
      }
      contexts(model, rnd, max, res, out);
    }
    res.put("load_average_end", os.getSystemLoadAverage());
    if (json) {
      out.println(m.writeValueAsString(res));
    } else {
      out.printf("load average (1 min, %d cpus): %.1f at the start, %.1f at the end%n", os.getAvailableProcessors(),
          res.get("load_average_start").asDouble(), os.getSystemLoadAverage());
    }
    return 0;
  }

  /** Fills one context to {@code max} frames; at each size of --contexts, its memory and one query's latency. */
  private void contexts(GlimpseModel model, Random rnd, int max, ObjectNode res, PrintWriter out) throws Exception {
    int d = model.lm().config().hiddenSize();
    VisionEncoder.Encoded rows = new VisionEncoder.Encoded(new float[324 * d], 18, 18, Preprocess.placement(756, 756, 756, 756));
    FrameContext ctx = model.newContext(Math.min(max, MAX_CONTEXT - 1));
    Query q = Query.parse("box all person", model.classes(), model.colors());
    ArrayNode at = res.putArray("contexts");
    List<Double> prefill = new ArrayList<>();
    for (int f = 1; f <= max; f++) {
      float[] r = rows.rows();
      for (int i = 0; i < r.length; i++) r[i] = (float) rnd.nextGaussian();
      long t0 = System.nanoTime();
      FrameContext.Appended a = ctx.appendEncoded(rows, 756, 756);
      prefill.add((System.nanoTime() - t0) / 1e6);
      if (f % 100 == 0) {                                 // long fills: show progress (stderr keeps stdout a report)
        spec.commandLine().getErr().printf("  filled %d frames, prefill of the last frame %.0f ms%n", f, prefill.getLast());
        spec.commandLine().getErr().flush();
      }
      if (f == 1) {
        res.put("kv_bytes_first_frame", a.bytesAdded());
        res.put("rows_per_layer_per_frame", a.rowsAdded());
      }
      if (contexts.contains(f)) {
        Answer[] asked = new Answer[1];                   // a query forks the context: asking again is the same work
        double askMs = medianMs(Math.min(runs, 3), () -> asked[0] = ctx.ask(q, 60));
        Answer ans = asked[0];
        ObjectNode o = at.addObject();
        o.put("frames", f);
        o.put("frames_held", ans.kv().frames());
        o.put("kv_bytes", ans.kv().bytes());
        o.put("prefill_ms_last_frame", prefill.getLast());
        o.put("query_ms", askMs);
        o.put("answer_tokens", ans.tokens().length);
        o.put("ms_per_answer_token", askMs / Math.max(1, ans.tokens().length));
        if (!json) {
          out.printf("context %4d frames%s: KV %.1f MB, prefill of the last frame %.0f ms, query %.0f ms (median of %d after %d untimed; %d tokens, %.1f ms/token)%n",
              f, ans.kv().frames() < f ? " (" + ans.kv().frames() + " held)" : "", ans.kv().bytes() / 1e6,
              prefill.getLast(), askMs, Math.min(runs, 3), WARMUP, ans.tokens().length, askMs / Math.max(1, ans.tokens().length));
          out.flush();
        }
      }
    }
    ctx.close();
    if (!json) out.printf("KV of the first frame: %d bytes (%d compressed rows per CSA layer)%n",
        res.get("kv_bytes_first_frame").asLong(), res.get("rows_per_layer_per_frame").asInt());
    if (at.size() >= 2) {
      ObjectNode first = (ObjectNode) at.get(0), last = (ObjectNode) at.get(at.size() - 1);
      double perFrame = (double) (last.get("kv_bytes").asLong() - first.get("kv_bytes").asLong())
          / Math.max(1, last.get("frames_held").asInt() - first.get("frames_held").asInt());
      res.put("kv_bytes_per_frame", perFrame);
      if (!json) out.printf("KV per frame held (%d to %d frames held): %.0f bytes%n", first.get("frames_held").asInt(),
          last.get("frames_held").asInt(), perFrame);
    }
  }
}
