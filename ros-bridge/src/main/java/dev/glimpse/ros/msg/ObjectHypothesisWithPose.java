package dev.glimpse.ros.msg;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code vision_msgs/ObjectHypothesisWithPose}: {@code ObjectHypothesis hypothesis} ({@code string class_id},
 * {@code float64 score}) and {@code geometry_msgs/PoseWithCovariance pose} ({@code Pose pose},
 * {@code float64[36] covariance}, row-major 6×6).
 *
 * @param covariance 36 values; copied in and out
 */
public record ObjectHypothesisWithPose(String classId, double score, Pose pose, double[] covariance) {
  /** Smallest possible encoding: class_id 5, score 8, pose 56, covariance 288 bytes. */
  static final int MIN_BYTES = 357;
  public static final int COVARIANCE_LENGTH = 36;

  public ObjectHypothesisWithPose {
    Objects.requireNonNull(classId, "classId");
    Objects.requireNonNull(pose, "pose");
    if (covariance.length != COVARIANCE_LENGTH) {
      throw new IllegalArgumentException("covariance must have 36 values, got " + covariance.length);
    }
    covariance = covariance.clone();
  }

  /** A hypothesis with the message defaults for its pose: origin, identity orientation, zero covariance. */
  public static ObjectHypothesisWithPose of(String classId, double score) {
    return new ObjectHypothesisWithPose(classId, score, Pose.IDENTITY, new double[COVARIANCE_LENGTH]);
  }

  @Override
  public double[] covariance() {
    return covariance.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectHypothesisWithPose h && classId.equals(h.classId)
        && Double.compare(score, h.score) == 0 && pose.equals(h.pose) && Arrays.equals(covariance, h.covariance);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classId, score, pose, Arrays.hashCode(covariance));
  }

  @Override
  public String toString() {
    return "ObjectHypothesisWithPose[classId=" + classId + ", score=" + score + ", pose=" + pose + ", covariance="
        + Arrays.toString(covariance) + "]";
  }

  /** {@code geometry_msgs/Pose}: {@code Point position {x, y, z}}, {@code Quaternion orientation {x, y, z, w}}. */
  public record Pose(double x, double y, double z, double qx, double qy, double qz, double qw) {
    /** The message default (Quaternion's w defaults to 1 in its .msg file). */
    public static final Pose IDENTITY = new Pose(0, 0, 0, 0, 0, 0, 1);
  }

  static void write(CdrWriter w, ObjectHypothesisWithPose h) {
    w.string(h.classId).f64(h.score);
    Pose p = h.pose;
    w.f64(p.x).f64(p.y).f64(p.z).f64(p.qx).f64(p.qy).f64(p.qz).f64(p.qw);
    w.f64Array(h.covariance);
  }

  static ObjectHypothesisWithPose read(CdrReader r) throws MalformedSampleException {
    String classId = r.string();
    double score = r.f64();
    Pose pose = new Pose(r.f64(), r.f64(), r.f64(), r.f64(), r.f64(), r.f64(), r.f64());
    return new ObjectHypothesisWithPose(classId, score, pose, r.f64Array(COVARIANCE_LENGTH));
  }
}
