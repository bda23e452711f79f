package dev.glimpse.ros;

import dev.glimpse.ros.msg.CompressedImage;
import dev.glimpse.ros.msg.Image;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A serialized {@code sensor_msgs/Image} or {@code CompressedImage} sample written field by field, with the offset
 * of every field, so that damage can be aimed at one field: its length, its bytes, its terminating NUL. Written
 * independently of {@code CdrWriter} (which only writes little-endian XCDR1): any encapsulation, either byte order.
 * Every field of these two types aligns to at most 4, so XCDR1 and XCDR2 lay them out alike.
 *
 * @param bytes the sample, encapsulation header included
 * @param at    field name → offset of its first byte ({@code frame_id.length}, {@code frame_id}, ...)
 */
record SampleLayout(byte[] bytes, Map<String, Integer> at) {
  /** Encapsulation identifiers (XTypes 1.3 Table 60). */
  static final int CDR_BE = 0x0000, CDR_LE = 0x0001, CDR2_BE = 0x0006, CDR2_LE = 0x0007;

  static SampleLayout of(Image m, int encapsulation) {
    Writer w = new Writer(encapsulation);
    w.header(m.header().stamp().sec(), m.header().stamp().nanosec(), m.header().frameId());
    w.u32("height", m.height()).u32("width", m.width()).string("encoding", m.encoding()).u8("is_bigendian", m.isBigendian())
        .u32("step", m.step()).octets("data", m.data());
    return w.done();
  }

  static SampleLayout of(CompressedImage m, int encapsulation) {
    Writer w = new Writer(encapsulation);
    w.header(m.header().stamp().sec(), m.header().stamp().nanosec(), m.header().frameId());
    w.string("format", m.format()).octets("data", m.data());
    return w.done();
  }

  /** Offset of {@code field}; fails on a field the type does not have. */
  int offset(String field) {
    Integer o = at.get(field);
    if (o == null) throw new IllegalArgumentException("no field " + field + " in " + at.keySet());
    return o;
  }

  boolean bigEndian() { return bytes[1] == CDR_BE || bytes[1] == CDR2_BE; }

  /** A copy with the uint32 at {@code field} (a length or a number) set to {@code value}, in the sample's byte order. */
  byte[] withU32(String field, long value) {
    byte[] b = bytes.clone();
    ByteBuffer.wrap(b).order(bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).putInt(offset(field), (int) value);
    return b;
  }

  /** The uint32 at {@code field}. */
  long u32(String field) {
    return Integer.toUnsignedLong(ByteBuffer.wrap(bytes).order(bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
        .getInt(offset(field)));
  }

  /** A copy with one byte set. */
  byte[] withByte(int offset, int value) {
    byte[] b = bytes.clone();
    b[offset] = (byte) value;
    return b;
  }

  /** A copy with the 2-byte encapsulation identifier replaced. */
  byte[] withEncapsulation(int id) {
    byte[] b = bytes.clone();
    b[0] = (byte) (id >> 8);
    b[1] = (byte) id;
    return b;
  }

  /** Writes fields in order, aligning from the first byte after the 4-byte encapsulation header. */
  private static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> at = new LinkedHashMap<>();
    private final ByteOrder order;

    Writer(int encapsulation) {
      out.write(encapsulation >> 8);
      out.write(encapsulation);
      out.write(0);
      out.write(0);
      order = encapsulation == CDR_BE || encapsulation == CDR2_BE ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    void header(long sec, int nanosec, String frameId) {
      u32("sec", sec).u32("nanosec", nanosec).string("frame_id", frameId);
    }

    Writer u32(String field, long v) {
      while ((out.size() - 4) % 4 != 0) out.write(0);
      at.put(field, out.size());
      out.writeBytes(ByteBuffer.allocate(4).order(order).putInt((int) v).array());
      return this;
    }

    Writer u8(String field, int v) {
      at.put(field, out.size());
      out.write(v);
      return this;
    }

    Writer string(String field, String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      u32(field + ".length", utf8.length + 1);
      at.put(field, out.size());
      out.writeBytes(utf8);
      out.write(0);
      return this;
    }

    Writer octets(String field, byte[] data) {
      u32(field + ".length", data.length);
      at.put(field, out.size());
      out.writeBytes(data);
      return this;
    }

    SampleLayout done() {
      return new SampleLayout(out.toByteArray(), Map.copyOf(at));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SampleLayout s && Arrays.equals(bytes, s.bytes) && at.equals(s.at);
  }

  @Override
  public int hashCode() { return 31 * Arrays.hashCode(bytes) + at.hashCode(); }
}
