package dev.glimpse.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.sim.FrameRenderer;
import dev.glimpse.sim.Y4mWriter;
import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glimpse bench streams} for real on a short schedule: y4m videos through one agent (smoke model, CPU engine),
 * ROS 2 on with a second Cyclone participant counting what arrives. Whether a level is held depends on the machine,
 * so the test checks that the report is consistent with itself and with what DDS delivered, not a K.
 */
class StreamsBenchCommandTest {
  static final Path SMOKE = Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  @TempDir Path tmp;

  private Path video(long seed) throws Exception {
    Path f = tmp.resolve("v" + seed + ".y4m");
    FrameRenderer r = new FrameRenderer(168, 168);
    Scene s = new SceneGenerator().generate(seed);
    try (Y4mWriter w = new Y4mWriter(f, 168, 168, 5)) {
      for (int i = 1; i <= 20; i++) {
        if (i > 1) s.step(0.2f);
        w.write(r.render(s, i).rgb());
      }
    }
    return f;
  }

  @Test
  void sweepsLevelsAndReportsWhatDdsDelivered() throws Exception {
    Path out = tmp.resolve("out");
    ReliabilityBenchCommandsTest.Run r = ReliabilityBenchCommandsTest.glimpse("bench", "streams",
        "--video", video(3).toString(), "--video", video(4).toString(), "--streams", "1,2", "--overload", "0",
        "--warmup", "1", "--window", "3", "--query-hz", "2", "--context-frames", "4", "--backend", "cpu", "--threads", "1",
        "--model", SMOKE.toString(), "--ros", "--ros-domain", "61", "--out", out.toString());
    System.out.print(r.err() + r.out());
    JsonNode j = new ObjectMapper().readTree(out.resolve("streams.json").toFile());    // strict JSON: no NaN
    JsonNode levels = j.get("levels");
    assertTrue(j.get("engine").asText().contains("cpu"), j.toString());
    assertTrue(levels.size() == 1 || levels.size() == 2, "one level, or two when the first held: " + levels);
    JsonNode first = levels.get(0);
    assertEquals(1, first.get("streams").asInt());
    assertEquals(levels.size() == 2, first.get("held").asBoolean(), "the sweep stops at the first level not held");
    assertEquals(first.get("held").asBoolean() ? 0 : 1, r.code(), "exit 0 only when a level held");
    for (JsonNode l : levels) {
      long decoded = l.get("decoded").asLong(), processed = l.get("processed").asLong(), dropped = l.get("dropped").asLong();
      assertTrue(decoded > 0 && processed > 0, "frames went through: " + l);
      assertTrue(processed <= decoded, "no frame is processed twice: " + l);
      // held = nothing dropped and at most mailbox (2) + 1 frames a stream still in flight at the window's end
      assertEquals(l.get("held").asBoolean(), dropped == 0 && processed >= decoded - 3L * l.get("streams").asLong(), l.toString());
      long published = l.get("published").asLong();
      assertTrue(published > 0, "2 Hz queries were answered and published: " + l);
      assertTrue(l.get("received").asLong() > 0, "the second DDS participant received detections: " + l);
      double p50 = l.get("latency_ms").get("p50").asDouble(), p99 = l.get("latency_ms").get("p99").asDouble();
      assertTrue(p50 > 0 && p50 <= p99 && p99 <= l.get("latency_ms").get("max").asDouble(), l.toString());
      assertTrue(l.get("kv_bytes_per_frame").asDouble() > 0, l.toString());
      assertEquals(-1, l.get("gpu_mib").asLong(), "no GPU here");
    }
    List<String> csv = Files.readAllLines(out.resolve("levels.csv"));
    assertEquals(levels.size() + 1, csv.size());
    assertTrue(csv.getFirst().startsWith("streams,overload,held,"), csv.getFirst());
    assertTrue(Files.readString(out.resolve("streams.md")).contains("| 1 | " + (first.get("held").asBoolean() ? "yes" : "no")));
  }

  @Test
  void badArgumentsAreAllNamed() {
    ReliabilityBenchCommandsTest.Run r = ReliabilityBenchCommandsTest.glimpse("bench", "streams", "--video",
        tmp.resolve("missing.y4m").toString(), "--backend", "tpu", "--dtype", "q8", "--out", tmp.toString());
    assertEquals(2, r.code(), r.err());
    for (String part : List.of("missing.y4m: no such file", "--backend tpu", "--dtype: f32 or bf16")) {
      assertTrue(r.err().contains(part), "names '" + part + "': " + r.err());
    }
  }
}
