package dev.glimpse.agent.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.agent.cli.GlimpseCli;
import dev.glimpse.sim.eval.MotChallengeIo;
import dev.glimpse.sim.eval.MotRow;
import dev.glimpse.tracker.IdSource;
import dev.glimpse.tracker.MultiLabelTracker;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Stamp;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code glimpse sim} end to end on a real rendered H.264 video, through the real pipeline (FFmpeg ingest, Vert.x,
 * engine worker, trackers), with the small random-weight 'smoke' model of the engine's conformance fixtures so that
 * the run is quick on two cores. Checks the output contract and that a replay is deterministic.
 */
class SimCommandTest {
  static final Path SMOKE = Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  static final int FRAMES = 24;
  @TempDir static Path tmp;
  static Path seq;

  record Run(int code, String out, String err) {}

  static Run glimpse(String... args) {
    CommandLine cl = GlimpseCli.newCommandLine();
    StringWriter out = new StringWriter(), err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void render() {
    seq = tmp.resolve("seq");
    Run r = glimpse("render", "--seed", "7", "--frames", String.valueOf(FRAMES), "--size", "252x168", "--out", seq.toString());
    assertEquals(0, r.code(), r.err());
  }

  static Run sim(Path out, String... extra) {
    String[] base = {"sim", "--model", SMOKE.toString(), "--kernels", "vector", "--threads", "2", "--video",
        seq.resolve("video.mp4").toString(), "--gt", seq.toString(), "--query", "box all person", "--query",
        "point to all cone", "--out", out.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return glimpse(args);
  }

  @Test
  void writesTheOutputContractAndReplaysBitForBit() throws Exception {
    Path a = tmp.resolve("a"), b = tmp.resolve("b");
    Run ra = sim(a);
    assertEquals(0, ra.code(), ra.err());
    for (String f : new String[] {"box_all_person.txt", "point_to_all_cone.txt"}) {
      assertTrue(Files.isRegularFile(a.resolve(f)), f + " written (random weights may track nothing)");
    }
    for (String f : new String[] {"metrics.json", "report.md", "latency.png", "counts.png", "kv_memory.png"}) {
      assertTrue(Files.size(a.resolve(f)) > 0, f + " written");
    }
    JsonNode m = new ObjectMapper().readTree(a.resolve("metrics.json").toFile());
    assertEquals(FRAMES, m.get("frames").asInt(), "every frame of the video went through the engine");
    assertEquals(0, m.get("dropped").asInt(), "a replay drops nothing");
    JsonNode person = m.get("queries").get("box all person");
    for (String k : new String[] {"recall", "precision", "hota", "mota", "idf1"}) assertTrue(person.has(k), k);
    assertTrue(m.get("queries").get("point to all cone").get("hota").isNull(), "point tracks get no box metrics");
    assertTrue(m.get("kv").get("rows_per_layer_per_frame").asDouble() > 0, "context rows reported");
    assertTrue(m.get("latency_ms").get("p99").asDouble() >= m.get("latency_ms").get("p50").asDouble());
    MotChallengeIo.readRows(a.resolve("box_all_person.txt"));          // parses as MOTChallenge
    assertTrue(Files.readString(a.resolve("report.md")).contains("| box all person |"), "report table");

    Run rb = sim(b);
    assertEquals(0, rb.code(), rb.err());
    assertEquals(Files.readString(a.resolve("box_all_person.txt")), Files.readString(b.resolve("box_all_person.txt")),
        "same video, same model: the same tracks");
    // the model's own boxes and scores to the last digit, although the second run's kernels are JIT-compiled
    assertEquals(Files.readString(a.resolve("box_all_person.det.txt")),
        Files.readString(b.resolve("box_all_person.det.txt")), "the same boxes and scores, bit for bit");
    JsonNode mb = new ObjectMapper().readTree(b.resolve("metrics.json").toFile());
    assertEquals(person, mb.get("queries").get("box all person"), "same scores");
  }

  /**
   * The tracks of a replay follow the video's own clock: replaying the model's boxes ({@code <slug>.det.txt}) through a
   * fresh tracker at 30 frames per second gives the tracks the run wrote, although the engine took a different wall
   * time on every frame. Uses the shipped model, which finds objects in the rendered scene. Re-identification is
   * off on both sides: the boxes file holds no appearances.
   */
  @Test
  void tracksStepByTheVideoClockNotByTheWallClock() throws Exception {
    Path out = tmp.resolve("clock");
    Path shipped = Path.of("../models/glimpse-tiny").toAbsolutePath().normalize();
    Run r = glimpse("sim", "--model", shipped.toString(), "--kernels", "vector", "--threads", "2", "--context", "1",
        "--video", seq.resolve("video.mp4").toString(), "--query", "box all objects", "--reid", "0",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    List<MotRow> dets = MotChallengeIo.readRows(out.resolve("box_all_objects.det.txt"));
    assertTrue(dets.size() >= FRAMES, "the model boxes objects in most frames: " + dets.size() + " boxes");
    Map<Integer, List<Detection>> byFrame = new TreeMap<>();
    for (MotRow d : dets) {
      byFrame.computeIfAbsent(d.frame(), k -> new ArrayList<>()).add(Detection.ofBox("objects", d.box(), d.conf()));
    }
    MultiLabelTracker tracker = new MultiLabelTracker(TrackerConfig.DEFAULTS.withFrameRate(30)
        .withReid(0, TrackerConfig.DEFAULT_REID_MARGIN, TrackerConfig.DEFAULT_REID_BUFFER), IdSource.sequential());
    List<MotRow> replay = new ArrayList<>();
    for (int f = 1; f <= FRAMES; f++) {
      Detections d = new Detections("sim", f - 1, Stamp.ofNanos(Math.round((f - 1) * 1e9 / 30)), "camera", 252, 168,
          byFrame.getOrDefault(f, List.of()));
      for (Track t : tracker.update(d)) {
        if (t.state() == TrackState.TRACKED && t.box() != null) replay.add(MotRow.ofTracker(f, t.id(), t.box(), t.score()));
      }
    }
    List<MotRow> written = MotChallengeIo.readRows(out.resolve("box_all_objects.txt"));
    assertTrue(!written.isEmpty(), "the run tracked something");
    assertEquals(replay.size(), written.size(), "as many track rows as a replay at 30 fps");
    for (int i = 0; i < replay.size(); i++) {
      MotRow a = replay.get(i), b = written.get(i);
      assertEquals(a.frame(), b.frame(), "row " + i);
      assertEquals(a.id(), b.id(), "row " + i);
      assertEquals(a.left(), b.left(), 0.01, "row " + i);
      assertEquals(a.top(), b.top(), 0.01, "row " + i);
      assertEquals(a.width(), b.width(), 0.01, "row " + i);
      assertEquals(a.height(), b.height(), 0.01, "row " + i);
    }
  }

  /**
   * {@code --ros}: a real DDS peer (the Cyclone DDS C program of ros-bridge's tests, deserialising with C's own
   * generated code) receives the replay's Detection2DArray messages, with the stream's camera frame id.
   */
  @Test
  void publishesDetectionsToARealDdsPeer() throws Exception {
    Path peer = dev.glimpse.ros.NativePeers.cyclonePeer();
    int domain = 57;
    try (dev.glimpse.ros.PeerProcess c = dev.glimpse.ros.PeerProcess.start(peer, "dump", domain, "Detection2DArray",
        "rt/glimpse/sim/detections", 3)) {
      c.awaitLine("READY", java.time.Duration.ofSeconds(20));
      Run r = sim(tmp.resolve("ros"), "--ros", "--ros-domain", String.valueOf(domain), "--ros-loopback", "--ros-wait", "20");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("a DDS subscriber is matched"), r.err());
      assertTrue(r.err().contains("published " + 2 * FRAMES + " Detection2DArray"), "two queries × every frame: " + r.err());
      for (int i = 0; i < 3; i++) {
        JsonNode msg = new ObjectMapper().readTree(c.await(l -> l.startsWith("{"), java.time.Duration.ofSeconds(20)));
        assertEquals("sim_camera", msg.at("/header/frame_id").asText(), msg.toString());
      }
    }
  }

  @Test
  void stopsAfterFramesWhenAsked() throws Exception {
    Path out = tmp.resolve("short");
    Run r = sim(out, "--frames", "5");
    assertEquals(0, r.code(), r.err());
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertTrue(m.get("frames").asInt() >= 5 && m.get("frames").asInt() < FRAMES, "stopped near 5 frames: " + m.get("frames"));
  }

  @Test
  void badArgumentsAreOneClearErrorEach() {
    Run r = glimpse("sim", "--model", SMOKE.toString(), "--video", tmp.resolve("nope.mp4").toString(), "--backend", "cuda",
        "--context", "5000", "--reid", "1.5", "--out", tmp.resolve("x").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--video") && r.err().contains("no such file"), r.err());
    if (!gpuLibraryPresent()) {
      assertTrue(r.err().contains("--backend: backend cuda: no usable GPU") && r.err().contains("libcuda.so.1"), r.err());
    }
    assertTrue(r.err().contains("--context must be 1..999"), r.err());
    assertTrue(r.err().contains("--reid must be a similarity in 0..1"), r.err());
    Run q = sim(tmp.resolve("y"), "--query", "fly to the moon");
    assertEquals(2, q.code());
    assertTrue(q.err().contains("unknown query 'fly to the moon'") && q.err().contains("box all <target>"), q.err());
  }

  /** Whether this machine can load the CUDA driver library (then --backend cuda is not an error here). */
  private static boolean gpuLibraryPresent() {
    try (var libs = dev.glimpse.cuda.CudaLibraries.resolve(dev.glimpse.cuda.CudaLibraries.Search.in(java.util.List.of()))) {
      return libs.missing().stream().noneMatch(m -> m.library() == dev.glimpse.cuda.CudaLibraries.Library.DRIVER);
    }
  }
}
