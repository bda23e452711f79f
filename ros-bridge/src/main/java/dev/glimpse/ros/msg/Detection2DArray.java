package dev.glimpse.ros.msg;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code vision_msgs/Detection2DArray} (vision_msgs 4.x): {@code std_msgs/Header header},
 * {@code Detection2D[] detections}.
 */
public record Detection2DArray(Header header, List<Detection2D> detections) {
  public Detection2DArray {
    Objects.requireNonNull(header, "header");
    detections = List.copyOf(detections);
  }

  /**
   * {@code vision_msgs/Detection2D}: {@code std_msgs/Header header}, {@code ObjectHypothesisWithPose[] results},
   * {@code BoundingBox2D bbox}, {@code string id} ("ID used for consistency across multiple detection messages":
   * the track id).
   */
  public record Detection2D(Header header, List<ObjectHypothesisWithPose> results, BoundingBox2D bbox, String id) {
    /** Smallest possible encoding: header 13, results count 4, bbox 40, id 5 bytes. */
    static final int MIN_BYTES = 62;

    public Detection2D {
      Objects.requireNonNull(header, "header");
      results = List.copyOf(results);
      Objects.requireNonNull(bbox, "bbox");
      Objects.requireNonNull(id, "id");
    }

    static void write(CdrWriter w, Detection2D d) {
      Header.write(w, d.header);
      w.count(d.results.size());
      for (ObjectHypothesisWithPose h : d.results) ObjectHypothesisWithPose.write(w, h);
      BoundingBox2D.write(w, d.bbox);
      w.string(d.id);
    }

    static Detection2D read(CdrReader r) throws MalformedSampleException {
      Header header = Header.read(r);
      int n = r.count(ObjectHypothesisWithPose.MIN_BYTES);
      List<ObjectHypothesisWithPose> results = new ArrayList<>(n);
      for (int i = 0; i < n; i++) results.add(ObjectHypothesisWithPose.read(r));
      BoundingBox2D bbox = BoundingBox2D.read(r);
      return new Detection2D(header, results, bbox, r.string());
    }
  }

  /**
   * {@code vision_msgs/BoundingBox2D}: {@code Pose2D center} ({@code Point2D position {x, y}},
   * {@code float64 theta}), {@code float64 size_x}, {@code float64 size_y}; pixels, y down.
   */
  public record BoundingBox2D(double centerX, double centerY, double theta, double sizeX, double sizeY) {
    static void write(CdrWriter w, BoundingBox2D b) {
      w.f64(b.centerX).f64(b.centerY).f64(b.theta).f64(b.sizeX).f64(b.sizeY);
    }

    static BoundingBox2D read(CdrReader r) throws MalformedSampleException {
      return new BoundingBox2D(r.f64(), r.f64(), r.f64(), r.f64(), r.f64());
    }
  }

  public static void write(CdrWriter w, Detection2DArray a) {
    Header.write(w, a.header);
    w.count(a.detections.size());
    for (Detection2D d : a.detections) Detection2D.write(w, d);
  }

  public static Detection2DArray read(CdrReader r) throws MalformedSampleException {
    Header header = Header.read(r);
    int n = r.count(Detection2D.MIN_BYTES);
    List<Detection2D> detections = new ArrayList<>(n);
    for (int i = 0; i < n; i++) detections.add(Detection2D.read(r));
    return new Detection2DArray(header, detections);
  }
}
