package dev.glimpse.ros.msg;

import dev.glimpse.ros.msg.Detection2DArray.BoundingBox2D;
import dev.glimpse.ros.msg.Detection2DArray.Detection2D;
import dev.glimpse.ros.msg.DiagnosticArray.DiagnosticStatus;
import dev.glimpse.ros.msg.DiagnosticArray.KeyValue;
import dev.glimpse.ros.msg.DiagnosticArray.Level;
import dev.glimpse.ros.msg.ObjectHypothesisWithPose.Pose;
import dev.glimpse.types.Stamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One non-trivial value of every message type, with every field set to something distinguishable. */
public final class Samples {
  private Samples() {}

  public static final Stamp STAMP = new Stamp(1_700_000_000L, 123_456_789);
  public static final Header HEADER = new Header(STAMP, "camera_front_optical");

  public static Detection2DArray detections(int n) {
    List<Detection2D> ds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] cov = new double[36];
      for (int k = 0; k < 36; k++) cov[k] = i + k / 100.0;
      ObjectHypothesisWithPose h = new ObjectHypothesisWithPose(i % 2 == 0 ? "person" : "red cone – ünïcode",
          0.5 + i / 1000.0, new Pose(1.5 + i, -2.25, 3.125, 0.1, 0.2, 0.3, 0.9), cov);
      ds.add(new Detection2D(new Header(STAMP, "det_" + i), List.of(h),
          new BoundingBox2D(100.25 + i, 200.75, 0.5, 40.0 + i, 80.5), Integer.toString(1000 + i)));
    }
    return new Detection2DArray(HEADER, ds);
  }

  public static LabelInfo labelInfo() {
    return new LabelInfo(HEADER, List.of(new LabelInfo.VisionClass(0, "person"),
        new LabelInfo.VisionClass(65535, "red cone")), 0.25f);
  }

  public static DiagnosticArray diagnostics() {
    return new DiagnosticArray(HEADER, List.of(
        new DiagnosticStatus(Level.WARN, "glimpse: front", "slow", "cam0",
            List.of(new KeyValue("fps", "29.7"), new KeyValue("latency_p99_ms", "41"))),
        new DiagnosticStatus(Level.OK, "glimpse: ros_bridge", "ok", "", List.of())));
  }

  public static Image image(int width, int height, String encoding, int channels, int padding) {
    int step = width * channels + padding;
    byte[] data = new byte[step * height];
    for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 3);
    return new Image(HEADER, height, width, encoding, 0, step, data);
  }

  public static CompressedImage compressed() {
    return new CompressedImage(HEADER, "jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3, (byte) 0xff, (byte) 0xd9});
  }

  /** A value of each type in {@link RosTypes#ALL}, in that order. */
  public static List<Object> all() {
    return List.of(STAMP, HEADER, "box all person ☺", detections(3), labelInfo(), diagnostics(),
        image(4, 3, "rgb8", 3, 2), compressed());
  }

  /** The type and value pairs of {@link #all()}. */
  public static Map<MessageType<?>, Object> byType() {
    java.util.LinkedHashMap<MessageType<?>, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < RosTypes.ALL.size(); i++) m.put(RosTypes.ALL.get(i), all().get(i));
    return m;
  }
}
