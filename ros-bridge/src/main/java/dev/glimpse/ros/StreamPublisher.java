package dev.glimpse.ros;

import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.Header;
import dev.glimpse.ros.msg.LabelInfo;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Stamp;
import dev.glimpse.types.Track;
import java.util.List;

/**
 * The per-stream outputs: {@code Detection2DArray} on the stream's detections topic and the latched
 * {@code LabelInfo} on its label-info topic. See {@link DetectionMapping} for what goes into each field.
 */
public final class StreamPublisher implements AutoCloseable {
  private final String stream;
  private final Publisher<Detection2DArray> detections;
  private final Publisher<LabelInfo> labels;

  StreamPublisher(String stream, Publisher<Detection2DArray> detections, Publisher<LabelInfo> labels) {
    this.stream = stream;
    this.detections = detections;
    this.labels = labels;
  }

  public String stream() {
    return stream;
  }

  public Publisher<Detection2DArray> detections() {
    return detections;
  }

  public Publisher<LabelInfo> labelInfo() {
    return labels;
  }

  /** Publishes the tracks of the frame {@code source} came from; {@code id} = track id. */
  public boolean publishTracks(Detections source, List<Track> tracks) {
    return detections.publish(DetectionMapping.fromTracks(source, tracks));
  }

  /** Publishes untracked detections ({@code id} empty). */
  public boolean publishDetections(Detections source) {
    return detections.publish(DetectionMapping.fromDetections(source));
  }

  /**
   * Publishes the label map (latched: late subscribers get the last one). Call it when the set of queries
   * changes, not per frame.
   */
  public boolean publishLabels(Stamp stamp, String frameId, List<String> labels, float threshold) {
    return this.labels.publish(DetectionMapping.labelInfo(new Header(stamp, frameId), labels, threshold));
  }

  @Override
  public void close() {
    detections.close();
    labels.close();
  }
}
