package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded corpus of broken variants of {@code examples/agent.yaml}. Every variant must fail in
 * {@link ConfigLoader#parse} with a {@link ConfigException} (never another exception, never a config) that names the
 * file, lists a problem at each injected key path, and says for each problem what was expected. Syntax-level damage
 * (which stops parsing) must instead point at the line. Variants with several injected problems must list them all.
 */
class ConfigCorpusTest {
  private static final String SOURCE = "agent.yaml";
  private static final long SEED = 0x61676e74L;
  private static final int COMBINED = 40;
  /** Every problem message says what was expected or what to do, in one of these words. */
  private static final Pattern GUIDANCE = Pattern.compile(
      "expected|must|unknown|is required|did you mean|duplicate|out of range|too large|not allowed|not supported"
          + "|remove|write|quote|found|cannot|not a|missing|not UTF-8|only|twice|invalid|exceeds|Malformed");

  @TempDir Path tmp;

  /**
   * One injected fault: replace the single occurrence of {@code target} in the example with {@code replacement}.
   * {@code paths} are the problem paths that must be reported; {@code syntax} (when not null) is text the
   * whole-document syntax error must contain instead. Only {@code combinable} faults are mixed with others: the rest
   * change structure that other faults depend on (stream ids, whole sections, parsing itself).
   */
  record Fault(String name, String target, String replacement, List<String> paths, String syntax, boolean combinable) {
    static Fault at(String name, String target, String replacement, String... paths) {
      return new Fault(name, target, replacement, List.of(paths), null, true);
    }

    static Fault alone(String name, String target, String replacement, String... paths) {
      return new Fault(name, target, replacement, List.of(paths), null, false);
    }

    static Fault syntax(String name, String target, String replacement, String expected) {
      return new Fault(name, target, replacement, List.of(), expected, false);
    }

    String applyTo(String yaml) {
      int i = yaml.indexOf(target);
      if (i < 0 || yaml.indexOf(target, i + 1) >= 0) {
        throw new IllegalStateException(name + ": target '" + target + "' must occur exactly once");
      }
      return yaml.substring(0, i) + replacement + yaml.substring(i + target.length());
    }
  }

  /** A variant of the example and what its error must say. */
  record Variant(String name, String yaml, Set<String> paths, List<String> syntax) {}

  static String example() throws IOException {
    return Files.readString(Path.of("examples/agent.yaml"));
  }

  static List<Fault> faults() {
    String s0 = "ingest.streams[0].", s1 = "ingest.streams[1].", s2 = "ingest.streams[2].";
    return List.of(
        // ingest: misspelled keys, bad URLs, bad durations, wrong types, out-of-range numbers, unknown enum values
        Fault.at("misspelled stream key", "transport: tcp", "transprot: tcp", s0 + "transprot"),
        Fault.at("unknown transport", "transport: tcp", "transport: sctp", s0 + "transport"),
        Fault.at("misspelled URL scheme", "url: rtsp://192.168.1.20:8554/cam", "url: rstp://192.168.1.20:8554/cam",
            s0 + "url"),
        Fault.at("unknown URL scheme", "url: rtsp://192.168.1.20:8554/cam", "url: gopher://192.168.1.20/cam",
            s0 + "url"),
        Fault.at("RTSP port out of range", "url: rtsp://192.168.1.20:8554/cam", "url: rtsp://192.168.1.20:99999/cam",
            s0 + "url"),
        Fault.at("RTSP URL without host", "url: rtsp://192.168.1.20:8554/cam", "url: rtsp:///cam", s0 + "url"),
        Fault.at("URL with spaces", "url: rtsp://192.168.1.20:8554/cam", "url: rtsp://192.168 .1.20/ca m", s0 + "url"),
        Fault.at("URL is a number", "url: rtsp://192.168.1.20:8554/cam", "url: 8554", s0 + "url"),
        Fault.at("scheme without slashes", "url: rtsp://192.168.1.20:8554/cam", "url: 'rtsp:192.168.1.20/cam'",
            s0 + "url"),
        Fault.at("duration without unit", "stall_timeout: 2s", "stall_timeout: 2", s0 + "stall_timeout"),
        Fault.at("duration with unknown unit", "stall_timeout: 2s", "stall_timeout: 2 fortnights",
            s0 + "stall_timeout"),
        Fault.at("negative duration", "stall_timeout: 2s", "stall_timeout: -2s", s0 + "stall_timeout"),
        Fault.at("zero duration", "stall_timeout: 2s", "stall_timeout: 0ms", s0 + "stall_timeout"),
        Fault.at("duration too large", "stall_timeout: 2s", "stall_timeout: 99999999999h", s0 + "stall_timeout"),
        Fault.at("duration is a list", "stall_timeout: 2s", "stall_timeout: [2s]", s0 + "stall_timeout"),
        Fault.at("backoff initial not a duration", "initial: 250ms", "initial: soon", s0 + "reconnect.initial"),
        Fault.at("backoff max below initial", "max: 2s", "max: 10ms", s0 + "reconnect.max"),
        Fault.at("backoff multiplier is text", "multiplier: 2.0", "multiplier: double", s0 + "reconnect.multiplier"),
        Fault.at("backoff multiplier too big", "multiplier: 2.0", "multiplier: 1000", s0 + "reconnect.multiplier"),
        Fault.at("backoff jitter out of range", "jitter: 0.2", "jitter: 1.5", s0 + "reconnect.jitter"),
        // YAML's .nan and .inf are not read as numbers: reported as a syntax error at the value
        Fault.syntax("backoff jitter NaN", "jitter: 0.2", "jitter: .nan", "Malformed numeric value '.nan'"),
        Fault.at("frame id with leading slash", "frame_id: front_camera_optical_frame", "frame_id: /front",
            s0 + "frame_id"),
        Fault.alone("pacing on a live camera", "frame_id: front_camera_optical_frame",
            "frame_id: front_camera_optical_frame\n      pacing: fast", s0 + "pacing"),
        Fault.at("bad v4l2 device", "url: v4l2:///dev/video0", "url: v4l2://video0", s1 + "url"),
        Fault.at("negative width", "width: 640", "width: -640", s1 + "width"),
        Fault.at("width is text", "width: 640", "width: wide", s1 + "width"),
        Fault.at("height beyond int", "height: 480", "height: 99999999999999999999", s1 + "height"),
        Fault.at("height too large", "height: 480", "height: 20000", s1 + "height"),
        Fault.at("frame id with spaces", "frame_id: rear_camera_optical_frame", "frame_id: rear camera",
            s1 + "frame_id"),
        Fault.alone("loop on a USB camera", "frame_id: rear_camera_optical_frame",
            "frame_id: rear_camera_optical_frame\n      loop: true", s1 + "loop"),
        Fault.at("unknown pacing", "pacing: realtime", "pacing: warp", s2 + "pacing"),
        Fault.at("loop is text", "loop: true", "loop: forever", s2 + "loop"),
        Fault.at("mailbox capacity zero", "capacity: 8", "capacity: 0", s2 + "mailbox.capacity"),
        Fault.at("unknown mailbox policy", "policy: all", "policy: everything", s2 + "mailbox.policy"),
        Fault.at("empty file URL", "url: file:///data/runs/run1.mp4", "url: file://", s2 + "url"),
        Fault.alone("udp transport on a file", "pacing: realtime", "pacing: realtime\n      transport: udp",
            s2 + "transport"),
        // engine
        Fault.at("model dir is a number", "model_dir: models/glimpse-tiny", "model_dir: 42", "engine.model_dir"),
        Fault.at("unknown backend", "backend: auto", "backend: tpu", "engine.backend"),
        Fault.at("too many threads", "threads: 0", "threads: 5000", "engine.threads"),
        Fault.at("zero context frames", "context_frames: 300", "context_frames: 0", "engine.context_frames"),
        Fault.at("context frames beyond long", "context_frames: 300", "context_frames: 9223372036854775808",
            "engine.context_frames"),
        Fault.at("fractional batch", "max_batch: 4", "max_batch: 4.5", "engine.max_batch"),
        Fault.at("unknown dtype", "dtype: f32", "dtype: fp8", "engine.dtype"),
        Fault.at("dtype in capitals", "dtype: f32", "dtype: F32", "engine.dtype"),
        // queries
        Fault.at("negative rate", "rate: 5", "rate: -5", "queries[1].rate"),
        Fault.at("rate in unknown units", "rate: 5", "rate: 5 per minute", "queries[1].rate"),
        Fault.at("rate too high", "rate: 5", "rate: 1e6", "queries[1].rate"),
        Fault.at("query names an unknown stream", "streams: [front, rear]", "streams: [front, left]",
            "queries[1].streams[1]"),
        Fault.at("query lists a stream twice", "streams: [front, rear]", "streams: [front, front]",
            "queries[1].streams[1]"),
        Fault.at("query streams hold a number", "streams: [front, rear]", "streams: [front, 7]",
            "queries[1].streams[1]"),
        Fault.at("misspelled query key", "- text: point to all cone", "- txt: point to all cone", "queries[1].txt",
            "queries[1].text"),
        Fault.at("query text too long", "- box all person", "- " + "box all person ".repeat(100), "queries[0].text"),
        Fault.at("query item is a number", "- box all person", "- 12", "queries[0]"),
        // tracker
        Fault.at("threshold above one", "track_high_thresh: 0.5", "track_high_thresh: 1.5",
            "tracker.track_high_thresh"),
        Fault.at("threshold is text", "track_low_thresh: 0.1", "track_low_thresh: low", "tracker.track_low_thresh"),
        Fault.at("new track threshold below high", "new_track_thresh: 0.6", "new_track_thresh: 0.2",
            "tracker.new_track_thresh"),
        Fault.syntax("match threshold NaN", "  match_thresh: 0.8", "  match_thresh: .nan", "match_thresh: .nan\n"),
        Fault.at("track buffer is text", "track_buffer: 90", "track_buffer: thirty", "tracker.track_buffer"),
        Fault.at("negative min hits", "min_hits: 2", "min_hits: -1", "tracker.min_hits"),
        Fault.syntax("point gate infinite", "point_gate_px: 64", "point_gate_px: .inf", "point_gate_px: .inf\n"),
        Fault.at("point gate huge exponent", "point_gate_px: 64", "point_gate_px: 1e999", "tracker.point_gate_px"),
        Fault.at("misspelled tracker key", "min_hits: 2", "min_hit: 2", "tracker.min_hit"),
        // ros
        Fault.at("domain id out of range", "domain_id: 7", "domain_id: 300", "ros.domain_id"),
        Fault.at("relative namespace", "namespace: /robot1", "namespace: robot 1", "ros.namespace"),
        Fault.at("misspelled topic key", "detections: glimpse/{stream}/detections",
            "detectoins: glimpse/{stream}/detections", "ros.topics.detectoins"),
        Fault.at("unknown reliability", "reliability: best_effort", "reliability: sometimes",
            "ros.qos.images.reliability"),
        Fault.at("unknown history", "history: keep_last", "history: keep_most", "ros.qos.images.history"),
        Fault.at("zero QoS depth", "depth: 5}", "depth: 0}", "ros.qos.images.depth"),
        Fault.at("enabled is text", "ros:\n  enabled: true", "ros:\n  enabled: sure", "ros.enabled"),
        // http, metrics
        Fault.at("network host without token", "host: 127.0.0.1", "host: 0.0.0.0", "http.bearer_token"),
        Fault.at("host is not a host", "host: 127.0.0.1", "host: 'not a host!'", "http.host"),
        Fault.at("broken IPv4 host", "host: 127.0.0.1", "host: 127.0.0.256", "http.host"),
        Fault.at("port out of range", "port: 8080", "port: 70000", "http.port"),
        Fault.at("port beyond any integer", "port: 8080", "port: 123456789012345678901234567890", "http.port"),
        Fault.at("body size in unknown units", "max_body_bytes: 1MiB", "max_body_bytes: 1 lightyear",
            "http.max_body_bytes"),
        Fault.at("body size too large", "max_body_bytes: 1MiB", "max_body_bytes: 2GiB", "http.max_body_bytes"),
        Fault.at("body size negative", "max_body_bytes: 1MiB", "max_body_bytes: -1", "http.max_body_bytes"),
        Fault.at("short bearer token", "port: 8080", "port: 8080\n  bearer_token: abc", "http.bearer_token"),
        Fault.at("metrics enabled is a number", "metrics:\n  enabled: true", "metrics:\n  enabled: 1",
            "metrics.enabled"),
        Fault.at("metrics path without slash", "path: /metrics", "path: metrics", "metrics.path"),

        // structure: these change what other faults rely on, so they are tried alone
        Fault.alone("misspelled section", "ingest:", "ingset:", "ingset"),
        Fault.alone("misspelled tracker section", "tracker:", "trakcer:", "trakcer"),
        Fault.alone("engine is a scalar", "engine:", "engine: fast\nengine_settings:", "engine", "engine_settings"),
        Fault.alone("queries is a string", "queries:", "queries: box all person\nold_queries:", "queries",
            "old_queries"),
        Fault.alone("streams is a mapping", "  streams:\n", "  streams: {front: rtsp://cam/x}\n  old:\n",
            "ingest.streams", "ingest.old"),
        Fault.alone("duplicate stream id", "- id: rear", "- id: front", s1 + "id"),
        Fault.alone("invalid stream id", "- id: front", "- id: 9front", s0 + "id"),
        Fault.alone("stream id is a number", "- id: replay", "- id: 3", s2 + "id"),
        Fault.alone("missing stream url", "      url: v4l2:///dev/video0\n", "", s1 + "url"),
        Fault.alone("missing stream id", "- id: replay\n      url:", "- url:", s2 + "id"),
        Fault.alone("stream item is a string", "    - id: rear\n", "    - rear\n    - id: rear\n",
            "ingest.streams[1]"),
        Fault.alone("YAML merge key", "http:\n", "http:\n  <<: {port: 9}\n", "http.<<"),
        Fault.alone("deeply nested junk", "engine:\n", "engine:\n  junk: " + "{a: ".repeat(40) + "1"
            + "}".repeat(40) + "\n", "engine.junk"),

        // syntax: nothing past the parser; the error points at the line
        Fault.syntax("unclosed flow mapping", "jitter: 0.2}", "jitter: 0.2", "YAML syntax error at line "),
        Fault.syntax("tab indentation", "  track_buffer: 90", "\ttrack_buffer: 90", "YAML syntax error at line "),
        Fault.syntax("bad indentation", "  max_batch: 4", "     max_batch: 4", "YAML syntax error at line "),
        Fault.syntax("duplicate key", "  min_hits: 2\n", "  min_hits: 2\n  min_hits: 3\n", "duplicate key 'min_hits'"),
        Fault.syntax("unterminated quote", "namespace: /robot1", "namespace: \"/robot1", "YAML syntax error at line "),
        Fault.syntax("control character", "path: /metrics", "path: /met\u0001rics", "YAML syntax error at line "),
        Fault.syntax("unquoted brace topic", "query: glimpse/query", "query: {stream}/query",
            "quote values that start with '{'"),
        Fault.syntax("second document", "metrics:\n", "---\nmetrics:\n", "expected one YAML document"),
        Fault.syntax("top level is a list", "ingest:\n", "- ingest\ningest:\n", "YAML syntax error at line "),
        Fault.syntax("nesting past the parser's limit", "engine:\n", "engine:\n  junk: " + "[".repeat(2000)
            + "]".repeat(2000) + "\n", "YAML syntax error"),
        Fault.alone("alias bomb", "metrics:\n", aliasBomb() + "metrics:\n", "b0", "b1", "b2", "b3", "b4", "b5", "b6",
            "b7", "b8", "b9"),
        Fault.syntax("document past the parser's size limit", "metrics:\n",
            "junk: '" + "x".repeat(4 << 20) + "'\nmetrics:\n", "YAML syntax error"));
  }

  /** Nine levels of aliases, each list ten of the previous: 10^9 leaves if expanded. */
  private static String aliasBomb() {
    StringBuilder sb = new StringBuilder("b0: &b0 [lol]\n");
    for (int i = 1; i <= 9; i++) {
      sb.append("b").append(i).append(": &b").append(i).append(" [");
      for (int k = 0; k < 10; k++) sb.append(k == 0 ? "" : ", ").append("*b").append(i - 1);
      sb.append("]\n");
    }
    return sb.toString();
  }

  /** Every fault alone, then {@value #COMBINED} seeded mixtures of 2 to 6 combinable faults. */
  static List<Variant> corpus() throws IOException {
    String good = example();
    List<Fault> faults = faults();
    List<Variant> out = new ArrayList<>();
    for (Fault f : faults) {
      out.add(new Variant(f.name(), f.applyTo(good), new LinkedHashSet<>(f.paths()),
          f.syntax() == null ? List.of() : List.of(f.syntax())));
    }
    List<Fault> combinable = faults.stream().filter(Fault::combinable).toList();
    SplittableRandom rng = new SplittableRandom(SEED);
    for (int i = 0; i < COMBINED; i++) {
      int want = 2 + rng.nextInt(5);
      String yaml = good;
      Set<String> paths = new LinkedHashSet<>();
      List<String> names = new ArrayList<>();
      for (int tries = 0; names.size() < want && tries < 50; tries++) {
        Fault f = combinable.get(rng.nextInt(combinable.size()));
        // Skip faults whose target an earlier one changed, or that report where an earlier one does.
        if (yaml.indexOf(f.target()) < 0 || yaml.indexOf(f.target()) != yaml.lastIndexOf(f.target())
            || f.paths().stream().anyMatch(p -> paths.stream().anyMatch(q -> q.startsWith(p) || p.startsWith(q)))) {
          continue;
        }
        yaml = f.applyTo(yaml);
        paths.addAll(f.paths());
        names.add(f.name());
      }
      out.add(new Variant("mix " + i + ": " + String.join(" + ", names), yaml, paths, List.of()));
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyBrokenVariantIsRejectedWithItsProblemsNamed() throws IOException {
    List<Variant> corpus = corpus();
    assertTrue(corpus.size() >= 50, "corpus size " + corpus.size());
    assertTrue(corpus.stream().filter(v -> v.paths().size() >= 3).count() >= 20, "enough multi-problem variants");
    return corpus.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> check(v)));
  }

  private static void check(Variant v) {
    ConfigException e = rejected(v);
    try {
      checkMessage(v, e);
    } catch (AssertionError a) {
      throw new AssertionError(v.name() + ": " + a.getMessage(), a);
    }
  }

  private static void checkMessage(Variant v, ConfigException e) {
    assertEquals(SOURCE, e.source());
    String message = e.getMessage();
    assertTrue(message.startsWith(SOURCE + ": " + e.problems().size() + " problem"), message);
    assertTrue(e.problems().size() >= v.paths().size(), "at least one problem per injected fault:\n" + message);
    for (String path : v.paths()) {
      assertTrue(e.problems().stream().anyMatch(p -> p.path().equals(path)), "no problem at " + path + ":\n" + message);
      assertTrue(message.contains("\n  " + path + ": "), "message names " + path + ":\n" + message);
    }
    assertFalse(message.contains("at line 0:"), "a location is real or left out:\n" + message);
    for (String text : v.syntax()) {
      assertEquals(1, e.problems().size(), message);
      assertEquals("", e.problems().getFirst().path(), message);
      assertTrue(message.contains(text), "message contains '" + text + "':\n" + message);
    }
    for (Problem p : e.problems()) {
      assertFalse(p.message().isBlank(), message);
      assertTrue(GUIDANCE.matcher(p.message()).find(), "problem says what is expected: " + p + "\nin:\n" + message);
      assertTrue(message.length() < 20_000, "message stays readable: " + message.length() + " characters");
    }
  }

  /** The ConfigException {@code v} must produce; any other outcome fails with what happened instead. */
  private static ConfigException rejected(Variant v) {
    try {
      AgentConfig c = ConfigLoader.parse(v.yaml(), SOURCE);
      return fail("accepted a broken config (" + v.name() + "): " + c);
    } catch (ConfigException e) {
      return e;
    } catch (Throwable t) {
      throw new AssertionError(v.name() + ": expected a ConfigException, got " + t, t);
    }
  }

  @Test
  void corpusIsReproducible() throws IOException {
    assertEquals(corpus(), corpus());
  }

  @Test
  void theUnmodifiedExampleParses() throws IOException {
    AgentConfig c = ConfigLoader.parse(example(), SOURCE);
    assertEquals(3, c.ingest().streams().size());
    assertEquals(2, c.queries().size());
  }

  /** An empty or comment-only file is documented to mean every default, so it is accepted rather than rejected. */
  @Test
  void emptyDocumentsGiveTheDefaults() {
    for (String yaml : List.of("", "\n\n", "# nothing here\n", "~\n", "---\n")) {
      assertEquals(AgentConfig.defaults(), ConfigLoader.parse(yaml, SOURCE), "'" + yaml + "'");
    }
  }

  /** Through {@link ConfigLoader#load}: bytes that are not UTF-8, random bytes, and a missing file name the file. */
  @Test
  void unreadableFilesNameTheFile() throws IOException {
    SplittableRandom rng = new SplittableRandom(SEED);
    Path notUtf8 = tmp.resolve("latin1.yaml");
    Files.write(notUtf8, "ingest:\n  streams: []\nengine:\n  model_dir: caf\u00e9\n".getBytes(
        java.nio.charset.StandardCharsets.ISO_8859_1));
    assertLoadFails(notUtf8, "not UTF-8 text");
    assertLoadFails(tmp.resolve("missing.yaml"), "file not found");
    for (int i = 0; i < 20; i++) {
      byte[] junk = new byte[1 + rng.nextInt(4096)];
      for (int k = 0; k < junk.length; k++) junk[k] = (byte) rng.nextInt(256);
      Path f = tmp.resolve("random" + i + ".yaml");
      Files.write(f, junk);
      assertLoadFails(f, "");
    }
  }

  private static void assertLoadFails(Path f, String text) {
    try {
      AgentConfig c = ConfigLoader.load(f);
      fail("accepted " + f + ": " + c);
    } catch (ConfigException e) {
      assertEquals(f.toString(), e.source());
      assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(text), e.getMessage());
    } catch (Throwable t) {
      throw new AssertionError(f + ": expected a ConfigException, got " + t, t);
    }
  }
}
