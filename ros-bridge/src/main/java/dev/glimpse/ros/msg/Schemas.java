package dev.glimpse.ros.msg;

import static dev.glimpse.ros.msg.Schema.member;

import dev.glimpse.ros.msg.Schema.Arr;
import dev.glimpse.ros.msg.Schema.Prim;
import dev.glimpse.ros.msg.Schema.Seq;
import dev.glimpse.ros.msg.Schema.Struct;

/**
 * The message layouts, field for field as in their {@code .msg} files, with ROS 2's DDS names
 * ({@code <pkg>::msg::dds_::<Msg>_}, as rosidl's DDS type support and rmw_cyclonedds register them).
 *
 * <p>Sources (read at these commits; the common_interfaces files are identical on the humble and jazzy branches):
 * <ul>
 *   <li>builtin_interfaces/Time: ros2/rcl_interfaces @f6b3741 {@code builtin_interfaces/msg/Time.msg}</li>
 *   <li>std_msgs, geometry_msgs, sensor_msgs, diagnostic_msgs: ros2/common_interfaces humble @53761cb,
 *       jazzy @5283bd9</li>
 *   <li>vision_msgs 4.1.1: ros-perception/vision_msgs branch ros2 @e77fa2d</li>
 * </ul>
 * The same layouts, as IDL, are in {@code src/test/resources/idl}; a test compiles them with {@code idlc} and checks
 * that the descriptors generated from these schemas are identical.
 */
public final class Schemas {
  private Schemas() {}

  public static final Struct TIME = Struct.of("builtin_interfaces::msg::dds_::Time_",
      member("sec", Prim.INT32), member("nanosec", Prim.UINT32));

  public static final Struct HEADER = Struct.of("std_msgs::msg::dds_::Header_",
      member("stamp", TIME), member("frame_id", Schema.STR));

  public static final Struct STRING = Struct.of("std_msgs::msg::dds_::String_", member("data", Schema.STR));

  // geometry_msgs
  public static final Struct POINT = Struct.of("geometry_msgs::msg::dds_::Point_",
      member("x", Prim.FLOAT64), member("y", Prim.FLOAT64), member("z", Prim.FLOAT64));
  public static final Struct QUATERNION = Struct.of("geometry_msgs::msg::dds_::Quaternion_",
      member("x", Prim.FLOAT64), member("y", Prim.FLOAT64), member("z", Prim.FLOAT64), member("w", Prim.FLOAT64));
  public static final Struct POSE = Struct.of("geometry_msgs::msg::dds_::Pose_",
      member("position", POINT), member("orientation", QUATERNION));
  public static final Struct POSE_WITH_COVARIANCE = Struct.of("geometry_msgs::msg::dds_::PoseWithCovariance_",
      member("pose", POSE), member("covariance", new Arr(Prim.FLOAT64, 36)));

  // vision_msgs 4.x
  public static final Struct OBJECT_HYPOTHESIS = Struct.of("vision_msgs::msg::dds_::ObjectHypothesis_",
      member("class_id", Schema.STR), member("score", Prim.FLOAT64));
  public static final Struct OBJECT_HYPOTHESIS_WITH_POSE = Struct.of(
      "vision_msgs::msg::dds_::ObjectHypothesisWithPose_",
      member("hypothesis", OBJECT_HYPOTHESIS), member("pose", POSE_WITH_COVARIANCE));
  public static final Struct POINT2D = Struct.of("vision_msgs::msg::dds_::Point2D_",
      member("x", Prim.FLOAT64), member("y", Prim.FLOAT64));
  public static final Struct POSE2D = Struct.of("vision_msgs::msg::dds_::Pose2D_",
      member("position", POINT2D), member("theta", Prim.FLOAT64));
  public static final Struct BOUNDING_BOX2D = Struct.of("vision_msgs::msg::dds_::BoundingBox2D_",
      member("center", POSE2D), member("size_x", Prim.FLOAT64), member("size_y", Prim.FLOAT64));
  public static final Struct DETECTION2D = Struct.of("vision_msgs::msg::dds_::Detection2D_",
      member("header", HEADER), member("results", new Seq(OBJECT_HYPOTHESIS_WITH_POSE)),
      member("bbox", BOUNDING_BOX2D), member("id", Schema.STR));
  public static final Struct DETECTION2D_ARRAY = Struct.of("vision_msgs::msg::dds_::Detection2DArray_",
      member("header", HEADER), member("detections", new Seq(DETECTION2D)));
  public static final Struct VISION_CLASS = Struct.of("vision_msgs::msg::dds_::VisionClass_",
      member("class_id", Prim.UINT16), member("class_name", Schema.STR));
  public static final Struct LABEL_INFO = Struct.of("vision_msgs::msg::dds_::LabelInfo_",
      member("header", HEADER), member("class_map", new Seq(VISION_CLASS)), member("threshold", Prim.FLOAT32));

  // diagnostic_msgs
  public static final Struct KEY_VALUE = Struct.of("diagnostic_msgs::msg::dds_::KeyValue_",
      member("key", Schema.STR), member("value", Schema.STR));
  public static final Struct DIAGNOSTIC_STATUS = Struct.of("diagnostic_msgs::msg::dds_::DiagnosticStatus_",
      member("level", Prim.OCTET), member("name", Schema.STR), member("message", Schema.STR),
      member("hardware_id", Schema.STR), member("values", new Seq(KEY_VALUE)));
  public static final Struct DIAGNOSTIC_ARRAY = Struct.of("diagnostic_msgs::msg::dds_::DiagnosticArray_",
      member("header", HEADER), member("status", new Seq(DIAGNOSTIC_STATUS)));

  // sensor_msgs
  public static final Struct IMAGE = Struct.of("sensor_msgs::msg::dds_::Image_",
      member("header", HEADER), member("height", Prim.UINT32), member("width", Prim.UINT32),
      member("encoding", Schema.STR), member("is_bigendian", Prim.OCTET), member("step", Prim.UINT32),
      member("data", new Seq(Prim.OCTET)));
  public static final Struct COMPRESSED_IMAGE = Struct.of("sensor_msgs::msg::dds_::CompressedImage_",
      member("header", HEADER), member("format", Schema.STR), member("data", new Seq(Prim.OCTET)));
}
