package dev.glimpse.ros.msg;

import dev.glimpse.types.Stamp;
import java.util.List;

/** Every message type the bridge speaks, with its layout and codec. */
public final class RosTypes {
  private RosTypes() {}

  public static final MessageType<Stamp> TIME = new MessageType<>("builtin_interfaces/msg/Time", Schemas.TIME,
      Header::writeTime, Header::readTime);
  public static final MessageType<Header> HEADER = new MessageType<>("std_msgs/msg/Header", Schemas.HEADER,
      Header::write, Header::read);
  public static final MessageType<String> STRING = new MessageType<>("std_msgs/msg/String", Schemas.STRING,
      (w, s) -> w.string(s), r -> r.string());
  public static final MessageType<Detection2DArray> DETECTION2D_ARRAY = new MessageType<>(
      "vision_msgs/msg/Detection2DArray", Schemas.DETECTION2D_ARRAY, Detection2DArray::write, Detection2DArray::read);
  public static final MessageType<LabelInfo> LABEL_INFO = new MessageType<>("vision_msgs/msg/LabelInfo",
      Schemas.LABEL_INFO, LabelInfo::write, LabelInfo::read);
  public static final MessageType<DiagnosticArray> DIAGNOSTIC_ARRAY = new MessageType<>(
      "diagnostic_msgs/msg/DiagnosticArray", Schemas.DIAGNOSTIC_ARRAY, DiagnosticArray::write, DiagnosticArray::read);
  public static final MessageType<Image> IMAGE = new MessageType<>("sensor_msgs/msg/Image", Schemas.IMAGE,
      Image::write, Image::read);
  public static final MessageType<CompressedImage> COMPRESSED_IMAGE = new MessageType<>(
      "sensor_msgs/msg/CompressedImage", Schemas.COMPRESSED_IMAGE, CompressedImage::write, CompressedImage::read);

  /** All of them, for tests that go over every type. */
  public static final List<MessageType<?>> ALL = List.of(TIME, HEADER, STRING, DETECTION2D_ARRAY, LABEL_INFO,
      DIAGNOSTIC_ARRAY, IMAGE, COMPRESSED_IMAGE);
}
