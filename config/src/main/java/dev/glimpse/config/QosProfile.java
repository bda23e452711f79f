package dev.glimpse.config;

import java.util.Objects;

/**
 * DDS quality of service of one ROS 2 topic, as in {@code rclcpp::QoS}. YAML: {@code {reliability, durability,
 * history, depth}}; keys left out keep the topic's own default (see {@link RosQos}).
 *
 * @param reliability {@code reliable} resends lost samples: every sample arrives, but a slow or lossy subscriber
 *     adds latency and memory. {@code best_effort} drops them: lowest latency, right for sensor streams.
 * @param durability {@code transient_local} keeps the last {@code depth} samples for subscribers that join later
 *     (latched); {@code volatile} does not. A subscriber asking for transient_local gets nothing from a volatile
 *     publisher (incompatible QoS).
 * @param history {@code keep_last} keeps {@code depth} samples per writer; {@code keep_all} keeps every unacknowledged
 *     one (bounded only by resource limits; {@code depth} is then ignored).
 * @param depth samples kept with {@code keep_last}, ≥ 1. Raising it rides out subscriber hiccups under
 *     {@code reliable} but delivers older data after a stall and costs memory.
 */
public record QosProfile(Reliability reliability, Durability durability, History history, int depth) {
  /** REP-2003 sensor data: best effort, volatile, keep last 5. */
  public static final QosProfile SENSOR_DATA = new QosProfile(Reliability.BEST_EFFORT, Durability.VOLATILE,
      History.KEEP_LAST, 5);
  /** ROS 2 default for data topics: reliable, volatile, keep last 10. */
  public static final QosProfile RELIABLE = new QosProfile(Reliability.RELIABLE, Durability.VOLATILE,
      History.KEEP_LAST, 10);
  /** Latched, for rarely changing data such as label maps: reliable, transient local, keep last 1. */
  public static final QosProfile LATCHED = new QosProfile(Reliability.RELIABLE, Durability.TRANSIENT_LOCAL,
      History.KEEP_LAST, 1);

  /** DDS reliability. */
  public enum Reliability { RELIABLE, BEST_EFFORT }

  /** DDS durability. */
  public enum Durability { VOLATILE, TRANSIENT_LOCAL }

  /** DDS history. */
  public enum History { KEEP_LAST, KEEP_ALL }

  public QosProfile {
    Objects.requireNonNull(reliability, "reliability");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(history, "history");
    Checks c = new Checks();
    c.atLeast("depth", depth, 1);
    c.require(depth <= 100_000, "depth", "must be ≤ 100000, got " + depth);
    c.throwIfAny("QosProfile");
  }
}
