package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemReportTest {
  static ConfigException problems(String yaml) {
    return ConfigTesting.problems(yaml);
  }

  static List<String> lines(ConfigException e) {
    return ConfigTesting.lines(e);
  }

  /** Ten problems of eight kinds; README.md shows the message they produce. */
  static final String TEN_PROBLEMS = """
        ingest:
          streams:
            - id: front
              url: rtsp://cam/a
            - id: back
              url: rstp://cam/b
              stall_timeout: 2
            - id: front
              url: file:///x.mp4
        engine:
          backend: gpu
          threads: -1
        tracker:
          track_buffer: thirty
        ros:
          domain_id: 300
          qos:
            detections: {depth: 0}
        http:
          host: 0.0.0.0
        trackr: {}
        """;

  @Test
  void everyProblemIsReportedAtOnceWithItsPath() {
    ConfigException e = problems(TEN_PROBLEMS);
    assertEquals(List.of(
        "ingest.streams[1].url: unknown URL scheme 'rstp' (expected one of rtsp, rtsps, http, https, file, v4l2, "
            + "images, sim); did you mean 'rtsp'?",
        "ingest.streams[1].stall_timeout: missing unit in '2' (write e.g. '2s' or '2ms')",
        "ingest.streams[2].id: duplicate stream id 'front' (also streams[0].id)",
        "engine.backend: unknown value 'gpu' (expected auto|cpu|cuda)",
        "engine.threads: must be in 0..1024, got -1",
        "tracker.track_buffer: expected an integer, got \"thirty\"",
        "ros.domain_id: must be in 0..232, got 300",
        "ros.qos.detections.depth: must be ≥ 1, got 0",
        "http.bearer_token: required when host is not a loopback address (host is '0.0.0.0'): anyone on the "
            + "network could otherwise control the agent",
        "trackr: unknown key; did you mean 'tracker'?"), lines(e));
    assertEquals("config.yaml", e.source());
    assertTrue(e.getMessage().startsWith("config.yaml: 10 problems\n  ingest.streams[1].url: unknown URL scheme"),
        e.getMessage());
  }

  @Test
  void wrongTypesSayWhatWasExpectedAndWhatWasFound() {
    ConfigException e = problems("""
        ingest: [a, b]
        engine:
          model_dir: 7
          context_frames: 1.5
          max_batch: 99999999999
        queries: box all person
        tracker:
          match_thresh: "0.8"
        ros:
          enabled: "yes"
          namespace: true
        http:
          max_body_bytes: [1]
        metrics:
          enabled: 1
        """);
    assertEquals(List.of(
        "ingest: expected a mapping of keys, got a list",
        "engine.model_dir: expected a string, got 7 (quote it to use it as text)",
        "engine.context_frames: expected an integer, got 1.5",
        "engine.max_batch: out of range, got 99999999999",
        "queries: expected a list, got \"box all person\" (write [box all person])",
        "tracker.match_thresh: expected a number, got \"0.8\"",
        "ros.enabled: expected true or false, got \"yes\"",
        "ros.namespace: expected a string, got true (quote it to use it as text)",
        "http.max_body_bytes: expected a size such as 64KiB or 1MiB, got a list",
        "metrics.enabled: expected true or false, got 1"), lines(e));
  }

  @Test
  void missingRequiredKeysAreReported() {
    ConfigException e = problems("""
        ingest:
          streams:
            - url: rtsp://cam/a
            - id: b
        queries:
          - rate: 5
        sim:
          out_dir: out
        """);
    assertEquals(List.of(
        "ingest.streams[0].id: is required",
        "ingest.streams[1].url: is required",
        "queries[0].text: is required",
        "sim.video: is required"), lines(e));
  }

  @Test
  void duplicateStreamIdsAreReportedEachTime() {
    ConfigException e = problems("""
        ingest:
          streams:
            - {id: cam, url: "rtsp://a/1"}
            - {id: other, url: "rtsp://a/2"}
            - {id: cam, url: "rtsp://a/3"}
            - {id: cam, url: "rtsp://a/4"}
        """);
    assertEquals(List.of(
        "ingest.streams[2].id: duplicate stream id 'cam' (also streams[0].id)",
        "ingest.streams[3].id: duplicate stream id 'cam' (also streams[0].id)"), lines(e));
  }

  @Test
  void duplicateIdsAreFoundEvenWhenAStreamIsOtherwiseBroken() {
    ConfigException e = problems("""
        ingest:
          streams:
            - {id: cam, url: "rtsp://a/1"}
            - {id: cam, url: "ftp://a/2"}
        """);
    assertEquals(List.of(
        "ingest.streams[1].id: duplicate stream id 'cam' (also streams[0].id)",
        "ingest.streams[1].url: unknown URL scheme 'ftp' (expected one of rtsp, rtsps, http, https, file, v4l2, "
            + "images, sim)"), lines(e));
  }

  @Test
  void nonLoopbackHostNeedsAToken() {
    assertEquals(List.of("http.bearer_token: required when host is not a loopback address (host is "
        + "'192.168.1.5'): anyone on the network could otherwise control the agent"),
        lines(problems("http: {host: 192.168.1.5}")));
    assertEquals(List.of("http.bearer_token: must be at least 16 characters without spaces (a short token is "
        + "guessable)"), lines(problems("http: {host: 0.0.0.0, bearer_token: secret}")));
    for (String loopback : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]")) {
      assertEquals(loopback, ConfigLoader.parse("http: {host: '" + loopback + "'}", "ok.yaml").http().host());
    }
    assertEquals("robot.lan", ConfigLoader.parse("http: {host: robot.lan, bearer_token: abcdefghijklmnopqrstu}",
        "ok.yaml").http().host());
  }

  @Test
  void crossSectionReferencesAreChecked() {
    ConfigException e = problems("""
        ingest:
          streams:
            - {id: front, url: "rtsp://a/1"}
            - {id: rear, url: "rtsp://a/2"}
        queries:
          - {text: box all person, streams: [frnt, rear, side]}
        ros:
          enabled: true
          topics: {detections: glimpse/detections}
        """);
    assertEquals(List.of(
        "queries[0].streams[0]: unknown stream 'frnt' (ingest.streams has front, rear); did you mean 'front'?",
        "queries[0].streams[2]: unknown stream 'side' (ingest.streams has front, rear)",
        "ros.topics.detections: must contain {stream} when there are several streams, or they all publish on "
            + "'glimpse/detections'"), lines(e));
  }

  @Test
  void streamLevelConsistencyIsChecked() {
    ConfigException e = problems("""
        ingest:
          streams:
            - id: clip
              url: clip.mp4
              transport: udp
              width: 640
              frame_id: /camera
            - id: cam
              url: rtsps://cam/x
              loop: true
              pacing: fast
              reconnect: {initial: 2s, max: 1s, jitter: 1}
              mailbox: {capacity: 0}
        """);
    assertEquals(List.of(
        "ingest.streams[0].transport: udp applies only to rtsp:// streams, not file",
        "ingest.streams[0].width: width and height must be set together (or neither, to keep the source's size)",
        "ingest.streams[0].frame_id: must be a non-empty tf2 frame id without a leading '/' or spaces, got '/camera'",
        "ingest.streams[1].loop: applies only to file, images and sim streams, not rtsps",
        "ingest.streams[1].pacing: fast applies only to file, images and sim streams; a rtsps stream runs at its "
            + "own pace",
        "ingest.streams[1].reconnect.max: must be ≥ initial (2s), got 1s",
        "ingest.streams[1].reconnect.jitter: must be in [0, 1), got 1",
        "ingest.streams[1].mailbox.capacity: must be in 1..1024, got 0"), lines(e));
  }

  @Test
  void yamlSyntaxErrorGivesLineAndColumn() {
    ConfigException e = problems("""
        engine:
          backend: cpu
          threads: 2: 3
        """);
    assertEquals("config.yaml: 1 problem\n"
        + "  YAML syntax error at line 3:13: mapping values are not allowed here\n"
        + "      threads: 2: 3\n"
        + "                ^", e.getMessage());
  }

  @Test
  void unclosedFlowListNamesWhereItStarted() {
    ConfigException e = problems("queries: [a, b\nhttp: {}\n");
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().getFirst().message().startsWith("YAML syntax error at line 2:5: expected ',' or ']', "
        + "but got : (while parsing a flow sequence at line 1:10)"), e.getMessage());
  }

  @Test
  void tabIndentationIsASyntaxErrorAtItsLine() {
    ConfigException e = problems("engine:\n\tthreads: 2\n");
    assertTrue(e.problems().getFirst().message().startsWith("YAML syntax error at line 2:1: found character"),
        e.getMessage());
  }

  @Test
  void duplicateKeysAreRejectedWithTheirLine() {
    ConfigException e = problems("http:\n  port: 1\n  port: 2\n");
    assertTrue(e.problems().getFirst().message().startsWith("YAML syntax error at line 3:"), e.getMessage());
    assertTrue(e.problems().getFirst().message().contains("duplicate key 'port'"), e.getMessage());
  }

  @Test
  void documentShapeProblems() {
    assertEquals(List.of("expected one YAML document, found 2 (remove the '---' separators)"),
        lines(problems("http: {}\n---\nengine: {}\n")));
    assertEquals(List.of("expected a mapping of sections (ingest, engine, queries, ...) at the top level, got a list"),
        lines(problems("- ingest\n- engine\n")));
    assertEquals(List.of("http.<<: YAML merge keys (<<) are not supported; write the keys out"),
        lines(problems("http:\n  <<: {port: 1}\n")));
  }

  @Test
  void farUnknownKeysListTheKnownOnes() {
    assertEquals(List.of("metrics.colour: unknown key (expected one of enabled, path)"),
        lines(problems("metrics: {colour: blue}")));
  }

  @Test
  void aWrongShapeIsReportedOnceNotAsItsConsequences() {
    assertEquals(List.of("ingest.streams[0]: expected a mapping of keys, got \"rtsp://cam/a\"",
        "queries[1]: expected a mapping of keys, got 5"),
        lines(problems("ingest:\n  streams:\n    - rtsp://cam/a\nqueries: [box all person, 5]\n")));
    assertEquals(List.of("ingest.streams: expected a list, got \"front\" (write [front])"),
        lines(problems("ingest: {streams: front}\nqueries: [{text: a, streams: [front]}]\n")));
  }

  @Test
  void anUnquotedSubstitutionGetsAHint() {
    ConfigException e = problems("ros:\n  topics:\n    detections: {stream}/dets\n");
    assertTrue(e.getMessage().contains("at line 3:25: ") && e.getMessage().contains("(quote values that start with"
        + " '{')"), e.getMessage());
  }

  @Test
  void anInvalidIdIsReportedOnceNotAgainAsTheDefaultFrameId() {
    assertEquals(List.of("ingest.streams[0].id: must match [A-Za-z][A-Za-z0-9_]*, at most 64 characters (it "
        + "becomes part of ROS topic names), got 'front cam'"),
        lines(problems("ingest:\n  streams:\n    - {id: front cam, url: \"rtsp://x/y\"}\n")));
  }
}
