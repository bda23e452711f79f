package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.EngineConfig.Backend;
import dev.glimpse.config.EngineConfig.DType;
import dev.glimpse.config.MailboxConfig.MailboxPolicy;
import dev.glimpse.config.QosProfile.Durability;
import dev.glimpse.config.QosProfile.History;
import dev.glimpse.config.QosProfile.Reliability;
import dev.glimpse.config.StreamConfig.Pacing;
import dev.glimpse.config.StreamConfig.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  /** Every key of every section set to a value other than its default. */
  static final String FULL = """
      ingest:
        streams:
          - id: front
            url: rtsp://cam.local:8554/front
            transport: udp
            mailbox: {policy: latest, capacity: 2}
            open_timeout: 5s
            stall_timeout: 1500ms
            reconnect: {initial: 100ms, max: 1m30s, multiplier: 1.5, jitter: 0.1}
            frame_id: front_optical_frame
            width: 640
            height: 480
          - id: replay
            url: videos/run1.mp4
            pacing: fast
            loop: true
      engine:
        model_dir: /opt/glimpse/model
        backend: cuda
        threads: 3
        context_frames: 120
        max_batch: 8
        dtype: bf16
      queries:
        - box all person
        - text: point to all cone
          rate: 2.5hz
          streams: [front]
      tracker:
        track_high_thresh: 0.6
        track_low_thresh: 0.2
        new_track_thresh: 0.7
        match_thresh: 0.9
        second_match_thresh: 0.4
        unconfirmed_match_thresh: 0.6
        track_buffer: 60
        min_hits: 3
        point_gate_px: 25.5
        reid_thresh: 0.8
        reid_buffer: 300
      ros:
        enabled: true
        domain_id: 42
        namespace: /robot1
        node_name: eyes
        topics:
          detections: perception/{stream}/dets
          label_info: perception/{stream}/labels
          diagnostics: /diag
          query: perception/ask
        qos:
          images: {reliability: reliable, depth: 3}
          detections: {reliability: best_effort, history: keep_all}
          label_info: {durability: volatile}
          diagnostics: {depth: 20}
          query: {durability: transient_local, depth: 1}
        cyclonedds_uri: file:///etc/cyclone.xml
      http:
        host: 0.0.0.0
        port: 0
        bearer_token: 0123456789abcdef0123
        max_body_bytes: 64KiB
      metrics:
        enabled: false
        path: /prom
      sim:
        video: clips/run.mp4
        gt_dir: clips/gt
        out_dir: out/run
        queries:
          - text: box all cone
            rate: every_frame
            streams: [sim]
      """;

  @Test
  void fullFileRoundTripsToTheExpectedRecords() {
    StreamConfig front = new StreamConfig("front", SourceUrl.parse("rtsp://cam.local:8554/front"), Transport.UDP,
        new MailboxConfig(MailboxPolicy.LATEST, 2), Pacing.REALTIME, false, Duration.ofSeconds(5),
        Duration.ofMillis(1500), new BackoffConfig(Duration.ofMillis(100), Duration.ofSeconds(90), 1.5, 0.1),
        "front_optical_frame", 640, 480);
    StreamConfig replay = new StreamConfig("replay", SourceUrl.parse("videos/run1.mp4"), Transport.TCP,
        new MailboxConfig(MailboxPolicy.ALL, 8), Pacing.FAST, true, StreamConfig.DEFAULT_OPEN_TIMEOUT,
        StreamConfig.DEFAULT_STALL_TIMEOUT, BackoffConfig.defaults(), "replay", 0, 0);
    RosQos qos = new RosQos(
        new QosProfile(Reliability.RELIABLE, Durability.VOLATILE, History.KEEP_LAST, 3),
        new QosProfile(Reliability.BEST_EFFORT, Durability.VOLATILE, History.KEEP_ALL, 10),
        new QosProfile(Reliability.RELIABLE, Durability.VOLATILE, History.KEEP_LAST, 1),
        new QosProfile(Reliability.RELIABLE, Durability.VOLATILE, History.KEEP_LAST, 20),
        new QosProfile(Reliability.RELIABLE, Durability.TRANSIENT_LOCAL, History.KEEP_LAST, 1));
    AgentConfig expected = new AgentConfig(
        new IngestConfig(List.of(front, replay)),
        new EngineConfig(Path.of("/opt/glimpse/model"), Backend.CUDA, 3, 120, 8, DType.BF16),
        List.of(QueryConfig.of("box all person"),
            new QueryConfig("point to all cone", new QueryRate.Hertz(2.5), List.of("front"))),
        new TrackerSection(0.6, 0.2, 0.7, 0.9, 0.4, 0.6, 60, 3, 25.5, 0.8, 300),
        new RosConfig(true, 42, "/robot1", "eyes",
            new RosTopics("perception/{stream}/dets", "perception/{stream}/labels", "/diag", "perception/ask"), qos,
            Optional.of("file:///etc/cyclone.xml")),
        new HttpConfig("0.0.0.0", 0, Optional.of("0123456789abcdef0123"), 64 * 1024),
        new MetricsConfig(false, "/prom"),
        Optional.of(new SimConfig(Path.of("clips/run.mp4"), Optional.of(Path.of("clips/gt")), Path.of("out/run"),
            List.of(new QueryConfig("box all cone", QueryRate.EVERY_FRAME, List.of("sim"))))));

    AgentConfig actual = ConfigLoader.parse(FULL, "full.yaml");

    assertEquals(expected, actual);
    assertEquals("/robot1/perception/front/dets", actual.ros().detectionsTopic("front"));
    assertEquals("/diag", actual.ros().diagnosticsTopic());
    assertEquals("/robot1/perception/ask", actual.ros().queryTopic());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "# nothing here\n", "---\n", "~\n", "ingest:\nengine: {}\nqueries: []\n"})
  void emptyFileOrEmptySectionsGiveDefaults(String yaml) {
    assertEquals(AgentConfig.defaults(), ConfigLoader.parse(yaml, "empty.yaml"));
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    AgentConfig d = AgentConfig.defaults();
    assertEquals(Path.of("models/glimpse-tiny"), d.engine().modelDir());
    assertEquals(300, d.engine().contextFrames());
    assertEquals("127.0.0.1", d.http().host());
    assertEquals(8080, d.http().port());
    assertEquals(1 << 20, d.http().maxBodyBytes());
    assertEquals("/glimpse/front/detections", d.ros().detectionsTopic("front"));
    assertEquals("/glimpse/query", d.ros().queryTopic());
    assertEquals("/diagnostics", d.ros().diagnosticsTopic());
    assertEquals(QosProfile.SENSOR_DATA, d.ros().qos().images());
    assertEquals(Reliability.RELIABLE, d.ros().qos().detections().reliability());
    assertFalse(d.ros().enabled());
    assertTrue(d.sim().isEmpty());
  }

  @Test
  void exampleFileLoadsCleanly() {
    AgentConfig c = ConfigLoader.load(Path.of("examples/agent.yaml"));
    assertEquals(List.of("front", "rear", "replay"), c.ingest().streams().stream().map(StreamConfig::id).toList());
    assertEquals(new MailboxConfig(MailboxPolicy.LATEST, 1), c.ingest().streams().get(0).mailbox());
    assertEquals(new MailboxConfig(MailboxPolicy.ALL, 8), c.ingest().streams().get(2).mailbox());
    assertEquals("/robot1/glimpse/rear/detections", c.ros().detectionsTopic("rear"));
    assertEquals(2, c.queries().size());
  }

  @Test
  void mailboxDefaultsFollowTheSourceKind() {
    AgentConfig c = ConfigLoader.parse("""
        ingest:
          streams:
            - {id: cam, url: "rtsp://10.0.0.2/live"}
            - {id: clip, url: "file:///data/a.mp4"}
            - {id: synth, url: "sim://seed=7"}
            - {id: cam2, url: "http://10.0.0.3/live.m3u8", mailbox: {capacity: 3}}
            - {id: clip2, url: clip.mkv, mailbox: {policy: latest}}
        """, "kinds.yaml");
    List<MailboxConfig> boxes = c.ingest().streams().stream().map(StreamConfig::mailbox).toList();
    assertEquals(List.of(new MailboxConfig(MailboxPolicy.LATEST, 1), new MailboxConfig(MailboxPolicy.ALL, 8),
        new MailboxConfig(MailboxPolicy.ALL, 8), new MailboxConfig(MailboxPolicy.LATEST, 3),
        new MailboxConfig(MailboxPolicy.LATEST, 1)), boxes);
    assertEquals("cam", c.ingest().streams().getFirst().frameId());
  }

  @Test
  void loadReportsAMissingFileUnderItsName(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
    assertEquals(missing.toString(), e.source());
    assertEquals(missing + ": 1 problem\n  file not found", e.getMessage());
  }

  @Test
  void loadNamesTheFileInTheMessage(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("robot.yaml");
    Files.writeString(file, "http:\n  port: 70000\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertEquals(file + ": 1 problem\n  http.port: must be in 0..65535, got 70000", e.getMessage());
  }

  @Test
  void nullValuesMeanDefaults() {
    AgentConfig c = ConfigLoader.parse("http:\n  port:\n  host: ~\n", "nulls.yaml");
    assertEquals(HttpConfig.defaults(), c.http());
  }

  @Test
  void tokenIsNotPrintedByToString() {
    AgentConfig c = ConfigLoader.parse(FULL, "full.yaml");
    assertFalse(c.toString().contains("0123456789abcdef0123"), c.toString());
    assertTrue(c.http().toString().contains("bearerToken=***"));
  }
}
