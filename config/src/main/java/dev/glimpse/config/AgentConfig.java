package dev.glimpse.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole agent configuration, one section per module; what {@code ./glimpse run --config FILE} reads through
 * {@link ConfigLoader}. Every section and key is optional: an empty file gives {@link #defaults()}.
 *
 * @param ingest video sources.
 * @param engine model and backend.
 * @param queries standing queries; default none (queries can also come over HTTP and ROS).
 * @param tracker ByteTrack parameters.
 * @param ros ROS 2 bridge.
 * @param http HTTP API and dashboard.
 * @param metrics Prometheus endpoint.
 * @param sim settings of {@code glimpse sim}; present only when the file has a {@code sim} section.
 */
public record AgentConfig(IngestConfig ingest, EngineConfig engine, List<QueryConfig> queries,
    TrackerSection tracker, RosConfig ros, HttpConfig http, MetricsConfig metrics, Optional<SimConfig> sim) {
  public static final List<QueryConfig> DEFAULT_QUERIES = List.of();

  public AgentConfig {
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(ros, "ros");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(sim, "sim");
    queries = List.copyOf(queries);
    Checks c = new Checks();
    checkReferences(c, ingest.streams().stream().map(StreamConfig::id).toList(),
        queries.stream().map(QueryConfig::streams).toList(), ros);
    c.throwIfAny("AgentConfig");
  }

  /** Every default: no streams, no queries, ROS off, HTTP on 127.0.0.1:8080, metrics on. */
  public static AgentConfig defaults() {
    return new AgentConfig(IngestConfig.defaults(), EngineConfig.defaults(), DEFAULT_QUERIES,
        TrackerSection.defaults(), RosConfig.defaults(), HttpConfig.defaults(), MetricsConfig.defaults(),
        Optional.empty());
  }

  /**
   * Checks between sections: queries name existing streams, and with several streams the per-stream ROS topics
   * contain {@code {stream}} (otherwise all streams would publish on one topic). Lists are indexed as in the YAML;
   * null entries (parts that could not be read) are skipped, and a null {@code streamIds} (the stream list could
   * not be read) skips every check that needs it. Shared with the loader, which runs it even when a section failed
   * so that one pass reports everything.
   */
  static void checkReferences(Checks c, List<String> streamIds, List<List<String>> queryStreams, RosConfig ros) {
    if (streamIds == null) return;
    List<String> known = streamIds.stream().filter(Objects::nonNull).toList();
    for (int i = 0; i < queryStreams.size(); i++) {
      List<String> names = queryStreams.get(i);
      if (names == null) continue;
      for (int k = 0; k < names.size(); k++) {
        String name = names.get(k);
        if (name != null && !known.contains(name)) {
          c.add("queries[" + i + "].streams[" + k + "]", "unknown stream '" + name + "' (ingest.streams has "
              + (known.isEmpty() ? "none" : String.join(", ", known)) + ")" + DidYouMean.hint(name, known));
        }
      }
    }
    if (ros != null && ros.enabled() && streamIds.size() > 1) {
      if (!ros.topics().detections().contains(RosTopics.STREAM)) {
        c.add("ros.topics.detections", "must contain {stream} when there are several streams, or they all publish"
            + " on '" + ros.topics().detections() + "'");
      }
      if (!ros.topics().labelInfo().contains(RosTopics.STREAM)) {
        c.add("ros.topics.label_info", "must contain {stream} when there are several streams, or they all publish"
            + " on '" + ros.topics().labelInfo() + "'");
      }
    }
  }
}
