package dev.glimpse.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glimpse.config.MailboxConfig.MailboxPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps the YAML tree onto the records, one method per section. Each method reads every key it knows (wrong values
 * are reported and defaulted), reports the keys it does not, and builds its record. When a part failed (a nested
 * record, a missing required value) the record is still built once with a stand-in for that part, so that its own
 * checks of the other keys run too; the stand-in's own complaints land on paths already reported and are dropped
 * (see {@link ProblemList}), and the result is discarded. The keys here are the YAML names documented in
 * {@code config/README.md}.
 */
final class Sections {
  private Sections() {}

  /** Stand-in for a missing required name; its complaints fall on a path already reported. */
  private static final String STAND_IN = "_";

  /** Top level. Empty when any section failed (the problems say why). */
  static Optional<AgentConfig> agent(YamlReader r) {
    Ingest ingest = ingest(r.child("ingest"));
    Optional<EngineConfig> engine = engine(r.child("engine"));
    Queries queries = queries(r, "queries");
    Optional<TrackerSection> tracker = tracker(r.child("tracker"));
    Optional<RosConfig> ros = ros(r.child("ros"));
    Optional<HttpConfig> http = http(r.child("http"));
    Optional<MetricsConfig> metrics = metrics(r.child("metrics"));
    Optional<Optional<SimConfig>> sim =
        r.has("sim") ? sim(r.child("sim")).map(Optional::of) : Optional.of(Optional.empty());
    r.finish();

    Checks cross = new Checks();
    AgentConfig.checkReferences(cross, ingest.ids(), queries.streams(), ros.orElse(null));
    r.problems().addAll("", cross.problems());
    if (ingest.config().isEmpty() || engine.isEmpty() || queries.list().isEmpty() || tracker.isEmpty()
        || ros.isEmpty() || http.isEmpty() || metrics.isEmpty() || sim.isEmpty()) {
      return Optional.empty();
    }
    return r.build(() -> new AgentConfig(ingest.config().get(), engine.get(), queries.list().get(), tracker.get(),
        ros.get(), http.get(), metrics.get(), sim.get()));
  }

  /**
   * The ingest section, and the stream ids as written (null entries where unreadable) for checks across sections;
   * {@code ids} is null when the list itself could not be read, so that nothing is checked against it.
   */
  record Ingest(Optional<IngestConfig> config, List<String> ids) {}

  static Ingest ingest(YamlReader r) {
    boolean readable = r.intact() && r.listOrAbsent("streams");
    List<YamlReader.Item> items = r.list("streams");
    r.finish();
    List<String> ids = new ArrayList<>();
    List<StreamConfig> streams = new ArrayList<>();
    for (YamlReader.Item item : items) {
      Optional<YamlReader> s = item.mapping();
      String id = s.filter(m -> m.has("id")).map(m -> m.text("id", null)).orElse(null);
      ids.add(id);
      s.flatMap(m -> stream(m, id)).ifPresent(streams::add);
    }
    Checks c = new Checks();
    IngestConfig.checkUniqueIds(ids, c);
    r.problems().addAll(r.path(), c.problems());
    if (!readable || streams.size() < items.size()) return new Ingest(Optional.empty(), readable ? ids : null);
    return new Ingest(r.build(() -> new IngestConfig(streams)), ids);
  }

  static Optional<StreamConfig> stream(YamlReader s, String id) {
    if (!s.has("id")) s.problems().add(s.path("id"), "is required");
    SourceUrl url = s.required("url", v -> SourceUrl.parse(YamlReader.asText(v)));
    var transport = s.choice("transport", StreamConfig.DEFAULT_TRANSPORT);
    YamlReader m = s.child("mailbox");
    MailboxPolicy policy =
        m.choice("policy", url == null ? MailboxPolicy.LATEST : MailboxConfig.defaultPolicy(url.kind()));
    int capacity = m.integer("capacity", MailboxConfig.defaultCapacity(policy));
    m.finish();
    Optional<MailboxConfig> mailbox = m.build(() -> new MailboxConfig(policy, capacity));
    var pacing = s.choice("pacing", StreamConfig.DEFAULT_PACING);
    boolean loop = s.bool("loop", StreamConfig.DEFAULT_LOOP);
    Duration open = s.duration("open_timeout", StreamConfig.DEFAULT_OPEN_TIMEOUT);
    Duration stall = s.duration("stall_timeout", StreamConfig.DEFAULT_STALL_TIMEOUT);
    Optional<BackoffConfig> reconnect = backoff(s.child("reconnect"));
    // The id is the default frame id, unless it is itself invalid (reported once, at id).
    String frameId = s.text("frame_id", id != null && StreamConfig.ID.matcher(id).matches() ? id : STAND_IN);
    int width = s.integer("width", StreamConfig.DEFAULT_WIDTH);
    int height = s.integer("height", StreamConfig.DEFAULT_HEIGHT);
    s.finish();
    boolean complete = id != null && url != null && mailbox.isPresent() && reconnect.isPresent();
    // Stand-in source: one that none of the kind-dependent checks (udp, pacing, loop) object to, where possible.
    SourceUrl source = url != null ? url
        : SourceUrl.parse(transport == StreamConfig.Transport.UDP ? "rtsp://stand.in/" : "file:///stand.in");
    Optional<StreamConfig> built = s.build(() -> new StreamConfig(id == null ? STAND_IN : id, source, transport,
        mailbox.orElse(MailboxConfig.defaultFor(source.kind())), pacing, loop, open, stall,
        reconnect.orElse(BackoffConfig.defaults()), frameId, width, height));
    return complete ? built : Optional.empty();
  }

  static Optional<BackoffConfig> backoff(YamlReader r) {
    Duration initial = r.duration("initial", BackoffConfig.DEFAULT_INITIAL);
    Duration max = r.duration("max", BackoffConfig.DEFAULT_MAX);
    double multiplier = r.number("multiplier", BackoffConfig.DEFAULT_MULTIPLIER);
    double jitter = r.number("jitter", BackoffConfig.DEFAULT_JITTER);
    r.finish();
    return r.build(() -> new BackoffConfig(initial, max, multiplier, jitter));
  }

  static Optional<EngineConfig> engine(YamlReader r) {
    var modelDir = r.file("model_dir", EngineConfig.DEFAULT_MODEL_DIR);
    var backend = r.choice("backend", EngineConfig.DEFAULT_BACKEND);
    int threads = r.integer("threads", EngineConfig.DEFAULT_THREADS);
    int contextFrames = r.integer("context_frames", EngineConfig.DEFAULT_CONTEXT_FRAMES);
    int maxBatch = r.integer("max_batch", EngineConfig.DEFAULT_MAX_BATCH);
    var dtype = r.choice("dtype", EngineConfig.DEFAULT_DTYPE);
    r.finish();
    return r.build(() -> new EngineConfig(modelDir, backend, threads, contextFrames, maxBatch, dtype));
  }

  /** The queries, and the streams each names as written (null where unreadable) for checks across sections. */
  record Queries(Optional<List<QueryConfig>> list, List<List<String>> streams) {}

  /** A list of queries under {@code key}: each a mapping, or a string as shorthand for {@code {text: ...}}. */
  static Queries queries(YamlReader parent, String key) {
    List<YamlReader.Item> items = parent.list(key);
    List<QueryConfig> queries = new ArrayList<>();
    List<List<String>> streams = new ArrayList<>();
    for (YamlReader.Item item : items) {
      if (item.node() != null && item.node().isTextual()) {
        streams.add(List.of());
        item.problems().build(item.path(), () -> QueryConfig.of(item.node().textValue())).ifPresent(queries::add);
        continue;
      }
      Optional<YamlReader> mapping = item.mapping();
      if (mapping.isEmpty()) {
        streams.add(null);
        continue;
      }
      YamlReader q = mapping.get();
      String text = q.required("text", YamlReader::asText);
      QueryRate rate = q.value("rate", QueryConfig.DEFAULT_RATE, Sections::rate);
      List<String> names = q.texts("streams");
      q.finish();
      streams.add(names);
      if (!names.contains(null)) {
        Optional<QueryConfig> built = q.build(() -> new QueryConfig(text == null ? STAND_IN : text, rate, names));
        if (text != null) built.ifPresent(queries::add);
      }
    }
    return new Queries(queries.size() == items.size() ? Optional.of(queries) : Optional.empty(), streams);
  }

  private static QueryRate rate(JsonNode v) {
    if (v.isNumber()) return new QueryRate.Hertz(v.doubleValue());
    if (v.isTextual()) return QueryRate.parse(v.textValue());
    throw new IllegalArgumentException("expected every_frame or a rate in Hz, got " + YamlReader.describe(v));
  }

  static Optional<TrackerSection> tracker(YamlReader r) {
    double high = r.number("track_high_thresh", TrackerSection.DEFAULT_TRACK_HIGH_THRESH);
    double low = r.number("track_low_thresh", TrackerSection.DEFAULT_TRACK_LOW_THRESH);
    double fresh = r.number("new_track_thresh", TrackerSection.DEFAULT_NEW_TRACK_THRESH);
    double match = r.number("match_thresh", TrackerSection.DEFAULT_MATCH_THRESH);
    double second = r.number("second_match_thresh", TrackerSection.DEFAULT_SECOND_MATCH_THRESH);
    double unconfirmed = r.number("unconfirmed_match_thresh", TrackerSection.DEFAULT_UNCONFIRMED_MATCH_THRESH);
    int buffer = r.integer("track_buffer", TrackerSection.DEFAULT_TRACK_BUFFER);
    int minHits = r.integer("min_hits", TrackerSection.DEFAULT_MIN_HITS);
    double gate = r.number("point_gate_px", TrackerSection.DEFAULT_POINT_GATE_PX);
    double reid = r.number("reid_thresh", TrackerSection.DEFAULT_REID_THRESH);
    int reidBuffer = r.integer("reid_buffer", TrackerSection.DEFAULT_REID_BUFFER);
    r.finish();
    return r.build(() -> new TrackerSection(high, low, fresh, match, second, unconfirmed, buffer, minHits, gate, reid,
        reidBuffer));
  }

  static Optional<RosConfig> ros(YamlReader r) {
    boolean enabled = r.bool("enabled", RosConfig.DEFAULT_ENABLED);
    int domainId = r.integer("domain_id", RosConfig.DEFAULT_DOMAIN_ID);
    String namespace = r.text("namespace", RosConfig.DEFAULT_NAMESPACE);
    String nodeName = r.text("node_name", RosConfig.DEFAULT_NODE_NAME);
    YamlReader t = r.child("topics");
    String detections = t.text("detections", RosTopics.DEFAULT_DETECTIONS);
    String labelInfo = t.text("label_info", RosTopics.DEFAULT_LABEL_INFO);
    String diagnostics = t.text("diagnostics", RosTopics.DEFAULT_DIAGNOSTICS);
    String query = t.text("query", RosTopics.DEFAULT_QUERY);
    t.finish();
    Optional<RosTopics> topics = t.build(() -> new RosTopics(detections, labelInfo, diagnostics, query));
    YamlReader q = r.child("qos");
    Optional<QosProfile> images = qos(q.child("images"), RosQos.DEFAULT_IMAGES);
    Optional<QosProfile> dets = qos(q.child("detections"), RosQos.DEFAULT_DETECTIONS);
    Optional<QosProfile> labels = qos(q.child("label_info"), RosQos.DEFAULT_LABEL_INFO);
    Optional<QosProfile> diag = qos(q.child("diagnostics"), RosQos.DEFAULT_DIAGNOSTICS);
    Optional<QosProfile> queries = qos(q.child("query"), RosQos.DEFAULT_QUERY);
    q.finish();
    Optional<String> cyclone = r.optionalText("cyclonedds_uri");
    r.finish();
    boolean complete = topics.isPresent() && images.isPresent() && dets.isPresent() && labels.isPresent()
        && diag.isPresent() && queries.isPresent();
    RosQos qos = new RosQos(images.orElse(RosQos.DEFAULT_IMAGES), dets.orElse(RosQos.DEFAULT_DETECTIONS),
        labels.orElse(RosQos.DEFAULT_LABEL_INFO), diag.orElse(RosQos.DEFAULT_DIAGNOSTICS),
        queries.orElse(RosQos.DEFAULT_QUERY));
    Optional<RosConfig> built = r.build(() -> new RosConfig(enabled, domainId, namespace, nodeName,
        topics.orElse(RosTopics.defaults()), qos, cyclone));
    return complete ? built : Optional.empty();
  }

  /** A topic's QoS; keys left out keep that topic's default profile. */
  static Optional<QosProfile> qos(YamlReader r, QosProfile dflt) {
    var reliability = r.choice("reliability", dflt.reliability());
    var durability = r.choice("durability", dflt.durability());
    var history = r.choice("history", dflt.history());
    int depth = r.integer("depth", dflt.depth());
    r.finish();
    return r.build(() -> new QosProfile(reliability, durability, history, depth));
  }

  static Optional<HttpConfig> http(YamlReader r) {
    String host = r.text("host", HttpConfig.DEFAULT_HOST);
    int port = r.integer("port", HttpConfig.DEFAULT_PORT);
    Optional<String> token = r.optionalText("bearer_token");
    long maxBody = r.bytes("max_body_bytes", HttpConfig.DEFAULT_MAX_BODY_BYTES);
    r.finish();
    return r.build(() -> new HttpConfig(host, port, token, maxBody));
  }

  static Optional<MetricsConfig> metrics(YamlReader r) {
    boolean enabled = r.bool("enabled", MetricsConfig.DEFAULT_ENABLED);
    String path = r.text("path", MetricsConfig.DEFAULT_PATH);
    r.finish();
    return r.build(() -> new MetricsConfig(enabled, path));
  }

  static Optional<SimConfig> sim(YamlReader r) {
    var video = r.required("video", YamlReader::asPath);
    var gtDir = Optional.ofNullable(r.file("gt_dir", null));
    var outDir = r.file("out_dir", SimConfig.DEFAULT_OUT_DIR);
    Queries queries = queries(r, "queries");
    r.finish();
    boolean complete = video != null && queries.list().isPresent();
    Optional<SimConfig> built = r.build(() -> new SimConfig(video == null ? Path.of(STAND_IN) : video, gtDir, outDir,
        queries.list().orElse(List.of())));
    return complete ? built : Optional.empty();
  }
}
