package dev.glimpse.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Publishing to and subscribing from ROS 2 over DDS (Cyclone DDS through FFM).
 *
 * @param enabled whether the bridge starts. Off by default so that the agent runs where no {@code libddsc} is
 *     installed; {@code glimpse sim --ros} turns it on.
 * @param domainId ROS domain, 0..232 (0..101 avoids ephemeral-port clashes on Linux). Nodes only see nodes of the
 *     same domain: use distinct ids to keep robots on one network apart.
 * @param namespace namespace of relative topic names: {@code /} or an absolute name such as {@code /robot1}.
 * @param nodeName ROS node name, {@code [A-Za-z_][A-Za-z0-9_]*}.
 * @param topics topic names.
 * @param qos QoS per topic.
 * @param cycloneddsUri Cyclone DDS configuration ({@code file://...} or inline XML), passed as
 *     {@code CYCLONEDDS_URI}; empty = Cyclone's default or the environment's. Use it to pin interfaces (e.g.
 *     loopback-only discovery in tests).
 */
public record RosConfig(boolean enabled, int domainId, String namespace, String nodeName, RosTopics topics,
    RosQos qos, Optional<String> cycloneddsUri) {
  public static final boolean DEFAULT_ENABLED = false;
  public static final int DEFAULT_DOMAIN_ID = 0;
  public static final String DEFAULT_NAMESPACE = "/";
  public static final String DEFAULT_NODE_NAME = "glimpse";
  public static final Optional<String> DEFAULT_CYCLONEDDS_URI = Optional.empty();
  public static final int MAX_DOMAIN_ID = 232;

  public RosConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(cycloneddsUri, "cycloneddsUri");
    Checks c = new Checks();
    c.inRange("domain_id", domainId, 0, MAX_DOMAIN_ID);
    c.require(RosTopics.isNamespace(namespace), "namespace",
        "must be '/' or an absolute ROS name such as '/robot1', got '" + namespace + "'");
    c.require(nodeName.matches("[A-Za-z_][A-Za-z0-9_]*"), "node_name",
        "must match [A-Za-z_][A-Za-z0-9_]*, got '" + nodeName + "'");
    cycloneddsUri.ifPresent(u -> c.notBlank("cyclonedds_uri", u));
    c.throwIfAny("RosConfig");
  }

  public static RosConfig defaults() {
    return new RosConfig(DEFAULT_ENABLED, DEFAULT_DOMAIN_ID, DEFAULT_NAMESPACE, DEFAULT_NODE_NAME,
        RosTopics.defaults(), RosQos.defaults(), DEFAULT_CYCLONEDDS_URI);
  }

  /** Fully qualified detections topic of a stream, e.g. {@code /glimpse/front/detections}. */
  public String detectionsTopic(String stream) {
    return RosTopics.resolve(namespace, topics.detections(), stream);
  }

  /** Fully qualified label-info topic of a stream. */
  public String labelInfoTopic(String stream) {
    return RosTopics.resolve(namespace, topics.labelInfo(), stream);
  }

  /** Fully qualified diagnostics topic. */
  public String diagnosticsTopic() {
    return RosTopics.resolve(namespace, topics.diagnostics(), "");
  }

  /** Fully qualified query topic. */
  public String queryTopic() {
    return RosTopics.resolve(namespace, topics.query(), "");
  }
}
