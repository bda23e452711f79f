package dev.glimpse.ros.msg;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code sensor_msgs/Image}: {@code std_msgs/Header header}, {@code uint32 height}, {@code uint32 width},
 * {@code string encoding}, {@code uint8 is_bigendian}, {@code uint32 step} (row length in bytes),
 * {@code uint8[] data} ({@code step * height} bytes). Sizes above 2^31 − 1 are rejected as malformed.
 *
 * @param data the pixel bytes; held, not copied (callers hand over ownership)
 */
public record Image(Header header, int height, int width, String encoding, int isBigendian, int step, byte[] data) {
  public Image {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(data, "data");
    if (height < 0 || width < 0 || step < 0) throw new IllegalArgumentException("negative image size");
    if (isBigendian < 0 || isBigendian > 255) throw new IllegalArgumentException("is_bigendian is uint8");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Image i && header.equals(i.header) && height == i.height && width == i.width
        && encoding.equals(i.encoding) && isBigendian == i.isBigendian && step == i.step && Arrays.equals(data, i.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(header, height, width, encoding, isBigendian, step, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "Image[" + header + ", " + width + "x" + height + " " + encoding + ", step=" + step + ", " + data.length
        + " bytes]";
  }

  public static void write(CdrWriter w, Image m) {
    Header.write(w, m.header);
    w.i32(m.height).i32(m.width).string(m.encoding).u8(m.isBigendian).i32(m.step);
    w.octets(m.data, 0, m.data.length);
  }

  public static Image read(CdrReader r) throws MalformedSampleException {
    Header header = Header.read(r);
    int height = nonNegative(r.u32(), "height");
    int width = nonNegative(r.u32(), "width");
    String encoding = r.string();
    int bigEndian = r.u8();
    int step = nonNegative(r.u32(), "step");
    byte[] data = r.octets().toArray(ValueLayout.JAVA_BYTE);
    return new Image(header, height, width, encoding, bigEndian, step, data);
  }

  static int nonNegative(long u32, String field) throws MalformedSampleException {
    if (u32 > Integer.MAX_VALUE) throw new MalformedSampleException("Image." + field + " " + u32 + " is too large");
    return (int) u32;
  }
}
