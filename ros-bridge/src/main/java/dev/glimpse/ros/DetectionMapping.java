package dev.glimpse.ros;

import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.Detection2DArray.BoundingBox2D;
import dev.glimpse.ros.msg.Detection2DArray.Detection2D;
import dev.glimpse.ros.msg.Header;
import dev.glimpse.ros.msg.LabelInfo;
import dev.glimpse.ros.msg.ObjectHypothesisWithPose;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Point;
import dev.glimpse.types.Track;
import java.util.ArrayList;
import java.util.List;

/**
 * Glimpse's results → vision_msgs, the way consumers of ROS 2 detectors expect them (and what ROS2-NanoOWL leaves
 * out): the array's header and every detection's header are the <em>source frame's</em> stamp and frame_id, so
 * consumers can synchronise with the image; {@code results[0].hypothesis.class_id} is the query label and
 * {@code score} is filled; {@code id} is the track id. Boxes become their centre and size in pixels (theta 0);
 * points become a zero-size box centred on the point.
 */
public final class DetectionMapping {
  private DetectionMapping() {}

  /** Tracks of one frame; {@code source} gives the header. Publish what you pass (typically the confirmed tracks). */
  public static Detection2DArray fromTracks(Detections source, List<Track> tracks) {
    Header h = header(source);
    List<Detection2D> out = new ArrayList<>(tracks.size());
    for (Track t : tracks) out.add(detection(h, t.label(), t.score(), t.box(), t.point(), Long.toString(t.id())));
    return new Detection2DArray(h, out);
  }

  /**
   * Untracked detections of one frame, {@code id} empty. Primitives that refer to an earlier frame of the context
   * ({@code frameOffset < 0}) are left out: they do not belong under this frame's header.
   */
  public static Detection2DArray fromDetections(Detections source) {
    Header h = header(source);
    List<Detection2D> out = new ArrayList<>(source.items().size());
    for (Detection d : source.items()) {
      if (d.frameOffset() == 0) out.add(detection(h, d.label(), d.score(), d.box(), d.point(), ""));
    }
    return new Detection2DArray(h, out);
  }

  /** One Detection2D: exactly one of {@code box} and {@code point} is non-null. */
  public static Detection2D detection(Header h, String label, double score, Box box, Point point, String id) {
    BoundingBox2D bbox = box != null
        ? new BoundingBox2D(box.centerX(), box.centerY(), 0, box.width(), box.height())
        : new BoundingBox2D(point.x(), point.y(), 0, 0, 0);
    return new Detection2D(h, List.of(ObjectHypothesisWithPose.of(label, score)), bbox, id);
  }

  /**
   * The label map of a stream: the active query labels, numbered in the given order. ({@code class_id} in the
   * detections is the label itself, a string, as vision_msgs 4 allows; LabelInfo tells consumers which labels to
   * expect.)
   *
   * @param threshold the minimum score a detection must have to be published
   */
  public static LabelInfo labelInfo(Header h, List<String> labels, float threshold) {
    List<LabelInfo.VisionClass> classes = new ArrayList<>(labels.size());
    for (int i = 0; i < labels.size(); i++) classes.add(new LabelInfo.VisionClass(i, labels.get(i)));
    return new LabelInfo(h, classes, threshold);
  }

  static Header header(Detections d) {
    return new Header(d.stamp(), d.frameId());
  }
}
