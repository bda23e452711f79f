package dev.glimpse.config;

import java.util.Objects;

/**
 * QoS of each ROS 2 topic, defaulting per REP-2003: images in are sensor data (best effort, keep last 5) so that a
 * lossy link never backs up the camera; detections out are reliable (keep last 10) so that consumers see every
 * result; label maps are latched; diagnostics and queries use the ROS 2 default.
 *
 * @param images subscriptions to {@code sensor_msgs/Image} and {@code CompressedImage}.
 * @param detections {@code vision_msgs/Detection2DArray} per stream.
 * @param labelInfo {@code vision_msgs/LabelInfo} per stream; latched so that late subscribers get the labels.
 * @param diagnostics {@code diagnostic_msgs/DiagnosticArray}.
 * @param query {@code std_msgs/String} queries coming in.
 */
public record RosQos(QosProfile images, QosProfile detections, QosProfile labelInfo, QosProfile diagnostics,
    QosProfile query) {
  public static final QosProfile DEFAULT_IMAGES = QosProfile.SENSOR_DATA;
  public static final QosProfile DEFAULT_DETECTIONS = QosProfile.RELIABLE;
  public static final QosProfile DEFAULT_LABEL_INFO = QosProfile.LATCHED;
  public static final QosProfile DEFAULT_DIAGNOSTICS = QosProfile.RELIABLE;
  public static final QosProfile DEFAULT_QUERY = QosProfile.RELIABLE;

  public RosQos {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(detections, "detections");
    Objects.requireNonNull(labelInfo, "labelInfo");
    Objects.requireNonNull(diagnostics, "diagnostics");
    Objects.requireNonNull(query, "query");
  }

  public static RosQos defaults() {
    return new RosQos(DEFAULT_IMAGES, DEFAULT_DETECTIONS, DEFAULT_LABEL_INFO, DEFAULT_DIAGNOSTICS, DEFAULT_QUERY);
  }
}
