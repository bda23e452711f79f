package dev.glimpse.ros.msg;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code sensor_msgs/CompressedImage}: {@code std_msgs/Header header}, {@code string format} ({@code jpeg},
 * {@code png}, or image_transport's {@code "bgr8; jpeg compressed bgr8"}), {@code uint8[] data}.
 *
 * @param data the compressed bytes; held, not copied
 */
public record CompressedImage(Header header, String format, byte[] data) {
  public CompressedImage {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(data, "data");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompressedImage c && header.equals(c.header) && format.equals(c.format)
        && Arrays.equals(data, c.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(header, format, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "CompressedImage[" + header + ", " + format + ", " + data.length + " bytes]";
  }

  public static void write(CdrWriter w, CompressedImage m) {
    Header.write(w, m.header);
    w.string(m.format);
    w.octets(m.data, 0, m.data.length);
  }

  public static CompressedImage read(CdrReader r) throws MalformedSampleException {
    Header header = Header.read(r);
    String format = r.string();
    return new CompressedImage(header, format, r.octets().toArray(ValueLayout.JAVA_BYTE));
  }
}
