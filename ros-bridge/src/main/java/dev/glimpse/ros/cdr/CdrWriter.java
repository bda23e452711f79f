package dev.glimpse.ros.cdr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one sample in XCDR1 (OMG DDS-XTypes 1.3 §7.4.3, "PLAIN_CDR"), little-endian, the encoding ROS 2 uses on
 * the wire: the 4-byte encapsulation header {@code 00 01 00 00} (CDR_LE, options 0), then the fields in declaration
 * order, each primitive aligned to its own size (1, 2, 4 or 8) counted from the first byte after the header.
 * Strings are a uint32 length that includes the terminating NUL, the UTF-8 bytes and the NUL; sequences are a
 * uint32 element count followed by the elements.
 *
 * <p>Not thread-safe; reuse one instance per publisher with {@link #reset()} so that steady-state publishing does
 * not allocate.
 */
public final class CdrWriter {
  /** Encapsulation identifier CDR_LE (XTypes 1.3 Table 60), big-endian on the wire, then options 0. */
  static final byte[] HEADER_CDR_LE = {0x00, 0x01, 0x00, 0x00};

  private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf;
  private int pos;

  public CdrWriter() {
    this(256);
  }

  public CdrWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
    reset();
  }

  /** Starts a new sample: writes the encapsulation header. */
  public CdrWriter reset() {
    System.arraycopy(HEADER_CDR_LE, 0, buf, 0, 4);
    pos = 4;
    return this;
  }

  /** Bytes written so far, header included. */
  public int size() {
    return pos;
  }

  /** The backing array; valid up to {@link #size()} until the next write. Shared, not copied. */
  public byte[] array() {
    return buf;
  }

  /** A copy of the sample written so far, header included. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  public CdrWriter u8(int v) {
    ensure(1);
    buf[pos++] = (byte) v;
    return this;
  }

  public CdrWriter u16(int v) {
    align(2);
    ensure(2);
    I16.set(buf, pos, (short) v);
    pos += 2;
    return this;
  }

  /** int32 or uint32 (the bits are the same). */
  public CdrWriter i32(int v) {
    align(4);
    ensure(4);
    I32.set(buf, pos, v);
    pos += 4;
    return this;
  }

  public CdrWriter i64(long v) {
    align(8);
    ensure(8);
    I64.set(buf, pos, v);
    pos += 8;
    return this;
  }

  public CdrWriter f32(float v) {
    return i32(Float.floatToRawIntBits(v));
  }

  public CdrWriter f64(double v) {
    return i64(Double.doubleToRawLongBits(v));
  }

  /** A CDR string: length with NUL, UTF-8 bytes, NUL. A null string is written as the empty string. */
  public CdrWriter string(String s) {
    if (s == null || s.isEmpty()) {
      i32(1);
      return u8(0);
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    i32(utf8.length + 1);
    ensure(utf8.length + 1);
    System.arraycopy(utf8, 0, buf, pos, utf8.length);
    pos += utf8.length;
    buf[pos++] = 0;
    return this;
  }

  /** A {@code sequence<octet>} ({@code uint8[]} in ROS): count, then the bytes. */
  public CdrWriter octets(byte[] data, int offset, int length) {
    i32(length);
    ensure(length);
    System.arraycopy(data, offset, buf, pos, length);
    pos += length;
    return this;
  }

  /** A fixed-length {@code float64[n]} array: no count, aligned to 8. */
  public CdrWriter f64Array(double[] values) {
    for (double v : values) f64(v);
    return this;
  }

  /** A sequence count; the caller writes the elements after it. */
  public CdrWriter count(int n) {
    if (n < 0) throw new IllegalArgumentException("negative sequence length " + n);
    return i32(n);
  }

  private void align(int n) {
    int rel = pos - 4; // alignment counts from the end of the encapsulation header
    int pad = (n - (rel & (n - 1))) & (n - 1);
    if (pad != 0) {
      ensure(pad);
      for (int i = 0; i < pad; i++) buf[pos++] = 0;
    }
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      long want = Math.max((long) buf.length * 2, (long) pos + more);
      if (want > Integer.MAX_VALUE - 8) throw new IllegalStateException("CDR sample too large: " + want + " bytes");
      buf = Arrays.copyOf(buf, (int) want);
    }
  }
}
