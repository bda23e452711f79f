package dev.glimpse.config;

import static dev.glimpse.config.ConfigTesting.lines;
import static dev.glimpse.config.ConfigTesting.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glimpse.config.QosProfile.Durability;
import dev.glimpse.config.QosProfile.History;
import dev.glimpse.config.QosProfile.Reliability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Records built in code get the same checks as the loader, all problems at once, paths relative to the record. */
class RecordValidationTest {
  @Test
  void trackerReportsEveryBadValueWithItsKey() {
    ConfigException e = rejected(() -> new TrackerSection(0.5, 0.6, 0.4, 1.2, 0.5, 0.7, 0, 2, -3, 1.5, -1));
    assertEquals("TrackerSection", e.source());
    assertEquals(List.of(
        "track_low_thresh: must be in [0, track_high_thresh = 0.5), got 0.6",
        "new_track_thresh: must be in [track_high_thresh = 0.5, 1], got 0.4",
        "match_thresh: must be in [0, 1], got 1.2",
        "track_buffer: must be in 1..10000, got 0",
        "point_gate_px: must be > 0, got -3",
        "reid_thresh: must be in [0, 1], got 1.5",
        "reid_buffer: must be in 0..100000, got -1"), lines(e));
    assertEquals(TrackerSection.defaults(), new TrackerSection(0.5, 0.1, 0.6, 0.8, 0.5, 0.7, 90, 2, 64, 0.9, 900));
  }

  @Test
  void httpNeedsATokenOffLoopback() {
    ConfigException e = rejected(() -> new HttpConfig("0.0.0.0", 8080, Optional.empty(), 1 << 20));
    assertEquals("HttpConfig: 1 problem\n  bearer_token: required when host is not a loopback address (host is "
        + "'0.0.0.0'): anyone on the network could otherwise control the agent", e.getMessage());
    assertEquals(List.of("host: must be an IP address or host name, got '300.1.1.1'",
        "port: must be in 0..65535, got -1",
        "max_body_bytes: must be in 1KiB..1GiB, got 10B"),
        lines(rejected(() -> new HttpConfig("300.1.1.1", -1, Optional.of("x".repeat(16)), 10))));
    assertEquals(0, new HttpConfig("::1", 0, Optional.empty(), 1024).port());
  }

  @Test
  void qosDepthMustBePositive() {
    assertEquals(List.of("depth: must be ≥ 1, got 0"), lines(rejected(
        () -> new QosProfile(Reliability.RELIABLE, Durability.VOLATILE, History.KEEP_LAST, 0))));
  }

  @Test
  void rosNamesAreChecked() {
    assertEquals(List.of(
        "detections: unknown substitution {robot} in '{robot}/dets' (only {stream} is supported)",
        "label_info: not a valid ROS 2 topic name: 'glimpse//labels' (tokens of letters, digits and _, not starting "
            + "with a digit, separated by single '/')",
        "diagnostics: not a valid ROS 2 topic name: '/9lives' (tokens of letters, digits and _, not starting with a "
            + "digit, separated by single '/')",
        "query: {stream} is not allowed here: this topic is shared by all streams"),
        lines(rejected(() -> new RosTopics("{robot}/dets", "glimpse//labels", "/9lives", "q/{stream}"))));
    assertEquals(List.of(
        "domain_id: must be in 0..232, got 233",
        "namespace: must be '/' or an absolute ROS name such as '/robot1', got 'robot1'",
        "node_name: must match [A-Za-z_][A-Za-z0-9_]*, got 'my-node'"),
        lines(rejected(() -> new RosConfig(true, 233, "robot1", "my-node", RosTopics.defaults(), RosQos.defaults(),
            Optional.empty()))));
  }

  @Test
  void topicsResolveInTheNamespace() {
    assertEquals("/glimpse/front/detections", RosTopics.resolve("/", "glimpse/{stream}/detections", "front"));
    assertEquals("/r1/glimpse/front/detections", RosTopics.resolve("/r1", "glimpse/{stream}/detections", "front"));
    assertEquals("/diagnostics", RosTopics.resolve("/r1", "/diagnostics", "front"));
  }

  @Test
  void streamChecksItsOwnKeys() {
    SourceUrl file = SourceUrl.parse("a.mp4");
    StreamConfig ok = StreamConfig.of("front", file);
    assertEquals(List.of(
        "id: must match [A-Za-z][A-Za-z0-9_]*, at most 64 characters (it becomes part of ROS topic names), got "
            + "'front cam'",
        "open_timeout: must be > 0, got 0s",
        "height: must be in 0..16384, got 20000"),
        lines(rejected(() -> new StreamConfig("front cam", file, ok.transport(), ok.mailbox(), ok.pacing(), false,
            Duration.ZERO, ok.stallTimeout(), ok.reconnect(), "f", 100, 20000))));
    assertThrows(NullPointerException.class, () -> StreamConfig.of("x", null));
  }

  @Test
  void ingestRejectsDuplicateIds() {
    SourceUrl url = SourceUrl.parse("rtsp://h/p");
    assertEquals(List.of("streams[1].id: duplicate stream id 'a' (also streams[0].id)"),
        lines(rejected(() -> new IngestConfig(List.of(StreamConfig.of("a", url), StreamConfig.of("a", url))))));
  }

  @Test
  void agentChecksReferencesBetweenSections() {
    AgentConfig d = AgentConfig.defaults();
    IngestConfig ingest = new IngestConfig(List.of(StreamConfig.of("front", SourceUrl.parse("rtsp://h/p"))));
    ConfigException e = rejected(() -> new AgentConfig(ingest, d.engine(),
        List.of(new QueryConfig("box all cone", QueryRate.EVERY_FRAME, List.of("fron"))), d.tracker(), d.ros(),
        d.http(), d.metrics(), Optional.empty()));
    assertEquals("AgentConfig: 1 problem\n  queries[0].streams[0]: unknown stream 'fron' (ingest.streams has front); "
        + "did you mean 'front'?", e.getMessage());
  }

  @Test
  void queriesAndRates() {
    assertEquals(QueryRate.EVERY_FRAME, QueryRate.parse("every_frame"));
    assertEquals(new QueryRate.Hertz(5), QueryRate.parse("5"));
    assertEquals(new QueryRate.Hertz(2.5), QueryRate.parse("2.5hz"));
    assertEquals(new QueryRate.Hertz(10), QueryRate.parse("10 Hz"));
    assertEquals("expected every_frame or a rate in Hz such as 5 or '2.5hz', got 'every_fram'; did you mean "
        + "'every_frame'?", assertThrows(IllegalArgumentException.class, () -> QueryRate.parse("every_fram"))
        .getMessage());
    assertEquals(List.of("queries[0].rate: rate must be in (0, 1000] Hz, got 0",
        "queries[1].rate: expected every_frame or a rate in Hz such as 5 or '2.5hz', got 'often'"),
        lines(ConfigTesting.problems("queries:\n  - {text: a, rate: 0}\n  - {text: b, rate: often}\n")));
    assertEquals(List.of("text: must not be empty", "streams[1]: 'a' is listed twice"),
        lines(rejected(() -> new QueryConfig(" ", QueryRate.EVERY_FRAME, List.of("a", "a")))));
  }

  @Test
  void simQueriesCanOnlyNameTheSimStream() {
    assertEquals(List.of("queries[0].streams[0]: the simulator's only stream is 'sim', got 'front'"),
        lines(rejected(() -> new SimConfig(Path.of("v.mp4"), Optional.empty(), Path.of("out"),
            List.of(new QueryConfig("box all person", QueryRate.EVERY_FRAME, List.of("front")))))));
  }

  @Test
  void smallSectionsCheckTheirValues() {
    assertEquals(List.of("path: must start with '/' and hold only letters, digits and ._~/-, got 'metrics'"),
        lines(rejected(() -> new MetricsConfig(true, "metrics"))));
    assertEquals(List.of("threads: must be in 0..1024, got 2000", "context_frames: must be in 1..100000, got 0",
        "max_batch: must be in 1..256, got 0"),
        lines(rejected(() -> new EngineConfig(Path.of("m"), EngineConfig.Backend.CPU, 2000, 0, 0,
            EngineConfig.DType.F32))));
    assertEquals(List.of("capacity: must be in 1..1024, got 5000"),
        lines(rejected(() -> new MailboxConfig(MailboxConfig.MailboxPolicy.ALL, 5000))));
  }

  @Test
  void backoffDelaysGrowToTheCapWithJitter() {
    BackoffConfig b = BackoffConfig.defaults();
    assertEquals(Duration.ofMillis(250), b.delay(0, 0.5));
    assertEquals(Duration.ofMillis(500), b.delay(1, 0.5));
    assertEquals(Duration.ofMillis(1000), b.delay(2, 0.5));
    assertEquals(Duration.ofSeconds(2), b.delay(3, 0.5));
    assertEquals(Duration.ofSeconds(2), b.delay(30, 0.5));
    assertEquals(Duration.ofMillis(200), b.delay(0, 0.0));
    assertEquals(Duration.ofMillis(250), b.delay(-1, 0.5));
    assertEquals(List.of("initial: must be > 0, got 0s", "multiplier: must be in [1, 10], got 0.5"),
        lines(rejected(() -> new BackoffConfig(Duration.ZERO, Duration.ofSeconds(1), 0.5, 0))));
  }

  @Test
  void exceptionAndProblemBasics() {
    assertThrows(IllegalArgumentException.class, () -> new ConfigException("x", List.of()));
    assertEquals("ingest.streams[1].url", new Problem("[1].url", "m").under("ingest.streams").path());
    assertEquals("ingest.streams", new Problem("", "m").under("ingest.streams").path());
    assertEquals("a.b", new Problem("b", "m").under("a").path());
    assertEquals("whole file", new Problem("", "whole file").toString());
  }
}
