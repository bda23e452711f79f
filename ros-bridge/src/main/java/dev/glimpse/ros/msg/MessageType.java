package dev.glimpse.ros.msg;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import java.util.Objects;

/**
 * A ROS 2 message type the bridge can put on and take off the wire: its ROS name, its layout, and its CDR codec.
 *
 * @param rosName e.g. {@code vision_msgs/msg/Detection2DArray}
 * @param schema the layout; {@code schema.name()} is the DDS type name ({@code vision_msgs::msg::dds_::Detection2DArray_})
 * @param encoder writes the fields after the encapsulation header
 * @param decoder reads them back, throwing {@link MalformedSampleException} on anything out of bounds
 * @param <T> the Java value
 */
public record MessageType<T>(String rosName, Schema.Struct schema, Encoder<T> encoder, Decoder<T> decoder) {
  public MessageType {
    Objects.requireNonNull(rosName, "rosName");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(decoder, "decoder");
  }

  /** The DDS type name that peers match on. */
  public String ddsTypeName() {
    return schema.name();
  }

  /** Serializes {@code value} into {@code w} (after {@link CdrWriter#reset()}). */
  public void encode(CdrWriter w, T value) {
    encoder.write(w, value);
  }

  /** Serializes into a new array, header included. */
  public byte[] encode(T value) {
    CdrWriter w = new CdrWriter();
    encoder.write(w, value);
    return w.toByteArray();
  }

  public T decode(CdrReader r) throws MalformedSampleException {
    return decoder.read(r);
  }

  public T decode(byte[] sample) throws MalformedSampleException {
    return decoder.read(CdrReader.open(sample));
  }

  /** Writes the fields of one value. */
  @FunctionalInterface
  public interface Encoder<T> {
    void write(CdrWriter w, T value);
  }

  /** Reads the fields of one value. */
  @FunctionalInterface
  public interface Decoder<T> {
    T read(CdrReader r) throws MalformedSampleException;
  }
}
