package dev.glimpse.ros;

import dev.glimpse.config.QosProfile;
import dev.glimpse.config.RosConfig;
import dev.glimpse.config.RosQos;
import dev.glimpse.config.RosTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the bridge needs to join a ROS 2 graph; immutable and checked at construction (every problem in one
 * exception). Build it from the agent's YAML with {@link #from(RosConfig)}, or directly in tests.
 *
 * @param domainId ROS domain id ({@code ROS_DOMAIN_ID} of the nodes you want to talk to), 0..232. Nodes only see
 *     nodes of the same domain; give each robot on a shared network its own.
 * @param namespace namespace that relative topic names resolve in: {@code /} or an absolute name ({@code /robot1}).
 * @param nodeName name of the DDS participant (shown by Cyclone tools); {@code [A-Za-z_][A-Za-z0-9_]*}.
 * @param topics topic names; relative ones resolve in {@code namespace}, {@code {stream}} is the stream id.
 * @param qos QoS per topic, REP-2003 defaults ({@link RosQos#defaults()}): images best effort keep-last 5,
 *     detections reliable keep-last 10, label info reliable transient-local.
 * @param cycloneConfig Cyclone DDS configuration (XML, or {@code file:///path.xml}) for this bridge's domain. Empty:
 *     Cyclone reads {@code CYCLONEDDS_URI}, exactly like the rmw_cyclonedds nodes on the same machine, which is
 *     what you want on a robot. Use {@link #LOOPBACK_ONLY} to keep discovery and data on 127.0.0.1.
 * @param library path or soname of {@code libddsc} to load. Empty: {@code GLIMPSE_DDSC_LIBRARY}, then the sourced ROS
 *     2 install's own ({@code /opt/ros/$ROS_DISTRO/lib/<arch>-linux-gnu/libddsc.so.0}), then {@code libddsc.so.0},
 *     Debian's {@code libddsc.so.0debian}, {@code libddsc.so} (see {@link LibraryLocator}). Cyclone 0.10.x.
 */
public record RosBridgeConfig(int domainId, String namespace, String nodeName, RosTopics topics, RosQos qos,
    Optional<String> cycloneConfig, Optional<String> library) {
  public static final int DEFAULT_DOMAIN_ID = RosConfig.DEFAULT_DOMAIN_ID;
  public static final String DEFAULT_NAMESPACE = RosConfig.DEFAULT_NAMESPACE;
  public static final String DEFAULT_NODE_NAME = RosConfig.DEFAULT_NODE_NAME;

  /**
   * Cyclone configuration for discovery and data on loopback only, no multicast: SPDP goes by unicast to the
   * ports of participant indices 0..9 on 127.0.0.1. For tests and single-machine setups; a robot talking to
   * other hosts must not use it.
   */
  public static final String LOOPBACK_ONLY = """
      <CycloneDDS xmlns="https://cdds.io/config"><Domain id="any">\
      <General><Interfaces><NetworkInterface name="lo"/></Interfaces><AllowMulticast>false</AllowMulticast></General>\
      <Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>9</MaxAutoParticipantIndex>\
      <Peers><Peer address="127.0.0.1"/></Peers></Discovery></Domain></CycloneDDS>""";

  private static final Pattern ROS_NAME = Pattern.compile("/[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*");
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public RosBridgeConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(cycloneConfig, "cycloneConfig");
    Objects.requireNonNull(library, "library");
    List<String> problems = new ArrayList<>();
    if (domainId < 0 || domainId > RosConfig.MAX_DOMAIN_ID) {
      problems.add("domain_id: must be in 0.." + RosConfig.MAX_DOMAIN_ID + ", got " + domainId);
    }
    if (!namespace.equals("/") && !ROS_NAME.matcher(namespace).matches()) {
      problems.add("namespace: must be '/' or an absolute ROS name such as '/robot1', got '" + namespace + "'");
    }
    if (!NODE_NAME.matcher(nodeName).matches()) {
      problems.add("node_name: must match [A-Za-z_][A-Za-z0-9_]*, got '" + nodeName + "'");
    }
    if (cycloneConfig.isPresent() && cycloneConfig.get().isBlank()) problems.add("cyclone_config: must not be empty");
    if (library.isPresent() && library.get().isBlank()) problems.add("library: must not be empty");
    if (!problems.isEmpty()) throw new IllegalArgumentException("RosBridgeConfig: " + String.join("; ", problems));
  }

  /** Domain 0, namespace {@code /}, default topics and QoS, Cyclone and library from the environment. */
  public static RosBridgeConfig defaults() {
    return new RosBridgeConfig(DEFAULT_DOMAIN_ID, DEFAULT_NAMESPACE, DEFAULT_NODE_NAME, RosTopics.defaults(),
        RosQos.defaults(), Optional.empty(), Optional.empty());
  }

  /** The bridge part of the agent's {@code ros:} section (its {@code cyclonedds_uri} becomes {@link #cycloneConfig}). */
  public static RosBridgeConfig from(RosConfig ros) {
    return new RosBridgeConfig(ros.domainId(), ros.namespace(), ros.nodeName(), ros.topics(), ros.qos(),
        ros.cycloneddsUri(), Optional.empty());
  }

  /** Defaults on {@code domainId} with {@link #LOOPBACK_ONLY} discovery: what the tests use. */
  public static RosBridgeConfig loopback(int domainId) {
    return defaults().withDomainId(domainId).withCycloneConfig(LOOPBACK_ONLY);
  }

  public RosBridgeConfig withDomainId(int id) {
    return new RosBridgeConfig(id, namespace, nodeName, topics, qos, cycloneConfig, library);
  }

  public RosBridgeConfig withNamespace(String ns) {
    return new RosBridgeConfig(domainId, ns, nodeName, topics, qos, cycloneConfig, library);
  }

  public RosBridgeConfig withQos(RosQos q) {
    return new RosBridgeConfig(domainId, namespace, nodeName, topics, q, cycloneConfig, library);
  }

  public RosBridgeConfig withCycloneConfig(String xmlOrUri) {
    return new RosBridgeConfig(domainId, namespace, nodeName, topics, qos, Optional.of(xmlOrUri), library);
  }

  public RosBridgeConfig withLibrary(String pathOrSoname) {
    return new RosBridgeConfig(domainId, namespace, nodeName, topics, qos, cycloneConfig, Optional.of(pathOrSoname));
  }

  /** A copy with detections published under {@code q} (e.g. best effort for a lossy radio link). */
  public RosBridgeConfig withDetectionsQos(QosProfile q) {
    return withQos(new RosQos(qos.images(), q, qos.labelInfo(), qos.diagnostics(), qos.query()));
  }

  /** Fully qualified ROS name of {@code name} (relative names resolve in the namespace). */
  public String resolve(String name, String stream) {
    String fq = RosTopics.resolve(namespace, name, stream);
    if (!ROS_NAME.matcher(fq).matches()) throw new IllegalArgumentException("not a valid ROS 2 topic name: " + fq);
    return fq;
  }

  public String detectionsTopic(String stream) {
    return resolve(topics.detections(), stream);
  }

  public String labelInfoTopic(String stream) {
    return resolve(topics.labelInfo(), stream);
  }

  public String diagnosticsTopic() {
    return resolve(topics.diagnostics(), "");
  }

  public String queryTopic() {
    return resolve(topics.query(), "");
  }

  /** ROS 2's DDS topic name for a fully qualified ROS topic: {@code /a/b} → {@code rt/a/b}. */
  public static String ddsTopicName(String fqRosName) {
    if (!ROS_NAME.matcher(fqRosName).matches()) {
      throw new IllegalArgumentException("not a fully qualified ROS 2 topic name: '" + fqRosName + "'");
    }
    return "rt" + fqRosName;
  }
}
