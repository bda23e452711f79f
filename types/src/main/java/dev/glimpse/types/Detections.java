package dev.glimpse.types;

import java.util.List;
import java.util.Objects;

/**
 * The detections for one frame of one stream: what the engine hands to the tracker.
 *
 * @param streamId the stream the frame came from
 * @param sequence the frame's sequence number in its stream (0-based, gap-free before drops)
 * @param stamp    the source frame's capture stamp
 * @param frameId  the source frame's coordinate frame (ROS header frame_id)
 * @param width    source frame width in pixels
 * @param height   source frame height in pixels
 * @param items    the primitives, in the model's answer order
 */
public record Detections(String streamId, long sequence, Stamp stamp, String frameId, int width, int height,
                         List<Detection> items) {
  public Detections {
    Objects.requireNonNull(streamId, "streamId");
    Objects.requireNonNull(stamp, "stamp");
    Objects.requireNonNull(frameId, "frameId");
    items = List.copyOf(items);
  }
}
