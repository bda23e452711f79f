package dev.glimpse.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.bench.Agreement;
import dev.glimpse.agent.bench.OnnxPeer;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.encoder.Probe;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.Kernels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The ONNX Runtime peer of {@code glimpse bench engine} without Python: src/test/resources/onnx-smoke holds the
 * exporter's graph of the smoke model's encoder at a 168×84 grid, written without its weights
 * ({@code python3 -m training.export_onnx --model csa-runtime/src/test/resources/smoke --grids 168x84
 * --prefill-grid none --no-weights --no-reference --out agent/src/test/resources/onnx-smoke}), so ONNX Runtime
 * computes with the checkpoint the Java engine loads.
 */
class OnnxBenchTest {
  static final Path SMOKE = Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  static final Path GRAPHS = Path.of("src/test/resources/onnx-smoke").toAbsolutePath().normalize();

  static byte[] frame(long seed) {
    byte[] rgb = new byte[168 * 84 * 3];
    new Random(seed).nextBytes(rgb);
    return rgb;
  }

  /** Runs the bench's ORT rows on one 168×84 frame whose Java output is {@code ours}. */
  static ObjectNode bench(GlimpseModel model, byte[] rgb, VisionEncoder.Encoded ours) throws Exception {
    ObjectNode res = new ObjectMapper().createObjectNode();
    try (OnnxPeer peer = OnnxPeer.open(GRAPHS, 1, SMOKE)) {
      new OnnxBench(peer, model, 1, 1e-4).run(Map.of("168x84", new OnnxBench.Frame(rgb, 168, 84, ours, 1.0)), res, null);
    }
    return res;
  }

  @Test
  void ortRunsTheExportedEncoderAndAgreesWithTheJavaEngine() throws Exception {
    try (Kernels k = Kernels.create("auto", 1); GlimpseModel model = GlimpseModel.load(SMOKE, k)) {
      byte[] rgb = frame(5);
      ObjectNode res = bench(model, rgb, model.encoder().encode(rgb, 168, 84, Probe.NONE));
      assertEquals(1, res.get("rows").size(), res.toString());
      var row = res.get("rows").get(0);
      assertEquals("encode 168x84", row.get("row").asText());
      assertTrue(row.get("max_rel_err").asDouble() < 1e-4, row.toString());
      assertTrue(row.get("ort_ms").asDouble() > 0, row.toString());
      assertTrue(res.get("runtime").asText().startsWith("onnxruntime 1."), res.toString());
    }
  }

  @Test
  void aJavaOutputThatDiffersFailsTheBench() throws Exception {
    try (Kernels k = Kernels.create("auto", 1); GlimpseModel model = GlimpseModel.load(SMOKE, k)) {
      byte[] rgb = frame(5);
      VisionEncoder.Encoded good = model.encoder().encode(rgb, 168, 84, Probe.NONE);
      float[] rows = good.rows().clone();
      float scale = 0;
      for (float v : rows) scale = Math.max(scale, Math.abs(v));
      rows[rows.length / 2] += 1e-3f * scale;                      // one element off by 0.1 % of the range
      VisionEncoder.Encoded bad = new VisionEncoder.Encoded(rows, good.nh(), good.nw(), good.placement());
      Agreement.Mismatch e = assertThrows(Agreement.Mismatch.class, () -> bench(model, rgb, bad));
      assertTrue(e.getMessage().startsWith("encode 168x84, Java vs ONNX Runtime: outputs differ"), e.getMessage());
      assertTrue(e.agreement().maxRel() > 9e-4 && e.agreement().maxRel() < 1.1e-3, e.agreement().toString());
      // another frame's output is not this frame's either
      byte[] other = frame(6);
      assertThrows(Agreement.Mismatch.class, () -> bench(model, other, good));
    }
  }

  @Test
  void weightsOfAGraphWithoutThemComeFromTheModelDirectoryByName() throws Exception {
    try (OnnxPeer peer = OnnxPeer.open(GRAPHS, 1, SMOKE)) {
      OnnxPeer.Graph g = peer.encoder(168, 84).orElseThrow();
      assertTrue(peer.encoder(756, 756).isEmpty());
      assertTrue(peer.prefill().isEmpty());
      OnnxPeer.Session s = peer.session(g);
      assertEquals(Set.of("pixel_values"), s.inputs().keySet());
      assertArrayEquals(new long[] {1, 3, 84, 168}, s.inputs().get("pixel_values"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.run(Map.of("pixel_values", new float[10])));
      assertTrue(e.getMessage().contains("10 elements"), e.getMessage());
    }
  }

  @Test
  void contextsBeyondAFullRingAndMissingGraphDirectoriesAreRefusedBeforeAnyWork() {
    CommandLine cl = GlimpseCli.newCommandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(2, cl.execute("bench", "engine", "--model", SMOKE.toString(), "--contexts", "1,1001"));
    assertTrue(err.toString().contains("--contexts must be 1..1000 frames"), err.toString());
    StringWriter err2 = new StringWriter();
    cl.setErr(new PrintWriter(err2));
    assertEquals(1, cl.execute("bench", "engine", "--model", SMOKE.toString(), "--onnx", "/nonexistent/graphs"));
    assertTrue(err2.toString().contains("manifest.json is missing (write it with: python3 -m training.export_onnx"),
        err2.toString());
  }

  @Test
  void agreementIsRelativeToTheReferenceRangeAndRejectsNonFiniteValues() {
    Agreement a = Agreement.of(new float[] {1.0f, -2.0f, 0.0f}, new float[] {1.0f, -2.0f, 0.004f});
    assertEquals(0.004, a.maxAbs(), 1e-6);
    assertEquals(0.002, a.maxRel(), 1e-6);
    assertTrue(a.within(0.0021));
    assertFalse(a.within(0.0019));
    Agreement nan = Agreement.of(new float[] {Float.NaN, 1.0f}, new float[] {0.0f, 1.0f});
    assertFalse(nan.within(1e9));
    assertThrows(Agreement.Mismatch.class, () -> nan.require(1e9, "x"));
    assertThrows(IllegalArgumentException.class, () -> Agreement.of(new float[2], new float[3]));
  }
}
