package dev.glimpse.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.bench.Agreement;
import dev.glimpse.agent.bench.OnnxPeer;
import dev.glimpse.csa.LanguageModel;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.encoder.Preprocess;
import dev.glimpse.encoder.Probe;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;

/**
 * The ONNX Runtime rows of {@code glimpse bench engine --onnx DIR}: for each frame the Java engine encoded, ORT
 * encodes the same frame (our preprocessing, then the exported ViT + aligner graph) with the same warm-up and runs,
 * and both engines prefill one frame + query in one shot. Every row checks that both produced the same output
 * (max relative error within the tolerance, else {@link Agreement.Mismatch}); when the exporter saved PyTorch's
 * outputs, both engines are checked against those too. Ratios are Java ms / ORT ms (goal ≤ 1.0).
 * Legend: n merged tokens, d LM width, T prefill tokens, V vocabulary.
 */
final class OnnxBench {
  /** One frame the Java engine encoded: the packed RGB, its output rows and its median time. */
  record Frame(byte[] rgb, int width, int height, VisionEncoder.Encoded ours, double javaMs) {}

  private final OnnxPeer peer;
  private final GlimpseModel model;
  private final int runs;
  private final double tolerance;

  OnnxBench(OnnxPeer peer, GlimpseModel model, int runs, double tolerance) {
    this.peer = peer;
    this.model = model;
    this.runs = runs;
    this.tolerance = tolerance;
  }

  /** Times and checks every row into {@code res}; prints them (and a table) to {@code out} unless it is null. */
  void run(Map<String, Frame> frames, ObjectNode res, PrintWriter out) throws Exception {
    res.put("runtime", "onnxruntime " + peer.version());
    res.put("dir", peer.dir().toString());
    res.put("tolerance", tolerance);
    ArrayNode rows = res.putArray("rows");
    Preprocess pre = new Preprocess(model.encoder().config());
    for (Map.Entry<String, Frame> e : frames.entrySet()) {
      Frame f = e.getValue();
      int[] grid = pre.chooseGrid(f.width(), f.height());
      OnnxPeer.Graph g = peer.encoder(grid[0], grid[1]).orElseThrow(() -> new IllegalStateException(peer.dir()
          + " has no encoder graph for the " + grid[0] + "x" + grid[1] + " grid (export it with --grids)"));
      OnnxPeer.Session s = peer.session(g);
      float[][] last = new float[1][];                                                  // (n, d)
      double ms = EngineBenchCommand.medianMs(runs,
          () -> last[0] = s.run(Map.of("pixel_values", pre.apply(f.rgb(), f.width(), f.height()).values())));
      Agreement a = Agreement.of(f.ours().rows(), last[0]).require(tolerance, "encode " + e.getKey() + ", Java vs ONNX Runtime");
      row(rows, out, "encode " + e.getKey(), f.javaMs(), ms, a);
    }
    if (peer.prefill().isPresent()) prefill(peer.prefill().get(), frames, rows, out);
    if (peer.reference().isPresent()) againstPyTorch(peer.reference().get(), res.putArray("pytorch_reference"), out);
    if (out != null) {
      out.printf("%nONNX Runtime %s peer, %s; goal Java/ORT ≤ 1.0%n", peer.version(), "same threads, sequential, all graph optimisations");
      out.println("| row | Java ms | ORT ms | Java/ORT | max rel err |");
      out.println("|---|---|---|---|---|");
      rows.forEach(r -> out.printf("| %s | %.0f | %.0f | %.2f | %.1e |%n", r.get("row").asText(), r.get("java_ms").asDouble(),
          r.get("ort_ms").asDouble(), r.get("ratio").asDouble(), r.get("max_rel_err").asDouble()));
      out.flush();
    }
  }

  /** One frame + query, one shot, at the prefill graph's grid: the Java engine's logits against ORT's. */
  private void prefill(OnnxPeer.Graph g, Map<String, Frame> frames, ArrayNode rows, PrintWriter out) throws Exception {
    String key = g.gridW() + "x" + g.gridH();
    Frame f = frames.get(key);
    if (f == null) throw new IllegalStateException(g.name() + ": the bench encodes no " + key + " frame to prefill");
    float[] image = f.ours().rows();                                                     // (n, d)
    OnnxPeer.Session s = peer.session(g);
    float[][] ours = new float[1][], theirs = new float[1][];                           // (V)
    double javaMs = EngineBenchCommand.medianMs(runs, () -> ours[0] = javaPrefill(model.lm(), g.sequence(), image));
    double ortMs = EngineBenchCommand.medianMs(runs, () -> theirs[0] = s.run(prefillInputs(g, image)));
    String name = "prefill " + key + " + query (" + g.sequence().get("input_ids").length + " tokens)";
    row(rows, out, name, javaMs, ortMs, Agreement.of(ours[0], theirs[0]).require(tolerance, name + ", Java vs ONNX Runtime"));
  }

  private static Map<String, Object> prefillInputs(OnnxPeer.Graph g, float[] image) {
    Map<String, long[]> q = g.sequence();
    return Map.of("input_ids", q.get("input_ids"), "image_index", q.get("image_index"), "span", q.get("span"), "rows", image);
  }

  /**
   * The Java engine's one-shot prefill of a token sequence (the exporter's, the same that FrameContext feeds for
   * a first frame and a query): logits (V) at its last position.
   */
  static float[] javaPrefill(LanguageModel lm, Map<String, long[]> seq, float[] image) {
    long[] ids = seq.get("input_ids"), idx = seq.get("image_index"), span = seq.get("span");
    int t = ids.length, from = -1, to = -1;
    int[] id = new int[t], row = new int[t];
    for (int i = 0; i < t; i++) {
      id[i] = Math.toIntExact(ids[i]);
      row[i] = Math.toIntExact(idx[i]);
      if (span[i] >= 0) {
        if (from < 0) from = i;
        to = i + 1;
      }
    }
    LanguageModel.State state = lm.newState();
    float[] hidden = lm.forward(state, lm.embed(id, row, image), t, from, to, Probe.NONE);  // (T, d)
    return lm.logits(hidden, t - 1);
  }

  /** Both engines on the exporter's inputs against PyTorch's outputs (reference.safetensors). */
  private void againstPyTorch(Path file, ArrayNode res, PrintWriter out) throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      Map<String, Tensor> t = Safetensors.open(file, arena).tensors();
      for (OnnxPeer.Graph g : peer.graphs()) {
        float[] want, java, ort;
        if (g.kind().equals("encoder")) {
          float[] px = floats(t, g.name() + ".pixel_values");                            // (3, Gh, Gw)
          want = floats(t, g.name() + ".rows");
          java = model.encoder().encodePixels(px, Preprocess.placement(g.gridW(), g.gridH(), g.gridW(), g.gridH()),
              Probe.NONE).rows();
          ort = peer.session(g).run(Map.of("pixel_values", px));
        } else {
          float[] image = floats(t, g.name() + ".rows");
          want = floats(t, g.name() + ".logits");
          java = javaPrefill(model.lm(), g.sequence(), image);
          ort = peer.session(g).run(prefillInputs(g, image));
        }
        Agreement j = Agreement.of(java, want).require(tolerance, g.name() + ", Java vs PyTorch (" + file + ")");
        Agreement o = Agreement.of(ort, want).require(tolerance, g.name() + ", ONNX Runtime vs PyTorch (" + file + ")");
        ObjectNode r = res.addObject();
        r.put("graph", g.name());
        r.put("java_max_rel_err", j.maxRel());
        r.put("ort_max_rel_err", o.maxRel());
        if (out != null) out.printf("PyTorch reference %s: Java %s, ORT %s%n", g.name(), j, o);
      }
    }
  }

  private static float[] floats(Map<String, Tensor> t, String name) {
    Tensor x = t.get(name);
    if (x == null) throw new IllegalStateException("the exporter's reference has no tensor " + name);
    return x.toFloats();
  }

  private void row(ArrayNode rows, PrintWriter out, String name, double javaMs, double ortMs, Agreement a) {
    ObjectNode r = rows.addObject();
    r.put("row", name);
    r.put("java_ms", javaMs);
    r.put("ort_ms", ortMs);
    r.put("ratio", javaMs / ortMs);
    r.put("max_rel_err", a.maxRel());
    r.put("max_abs_err", a.maxAbs());
    if (out != null) {
      out.printf("%s: Java %.0f ms, ONNX Runtime %.0f ms (median of %d) → Java/ORT %.2f; outputs agree, %s%n", name, javaMs,
          ortMs, runs, javaMs / ortMs, a);
      out.flush();
    }
  }
}
