package dev.glimpse.ros.cdr;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads one serialized sample, checking every length against the bytes that are left, so that a malformed or
 * hostile sample from a peer ends in {@link MalformedSampleException} and never in a huge allocation or an
 * out-of-bounds access.
 *
 * <p>Accepts the final-type encapsulations a ROS 2 peer can send (XTypes 1.3 Table 60): CDR_BE {@code 00 00} and
 * CDR_LE {@code 00 01} (XCDR1, primitives aligned up to 8) and PLAIN_CDR2 BE/LE {@code 00 06}/{@code 00 07}
 * (XCDR2, alignment capped at 4). Alignment counts from the first byte after the 4-byte header. Trailing bytes
 * after the last field are ignored (the header's option bits may announce up to 3 padding bytes).
 *
 * <p>Reads from any {@link MemorySegment}: a native one pointing into a DDS sample (no copy) or
 * {@code MemorySegment.ofArray(bytes)}. The segment must stay valid while the reader is used.
 */
public final class CdrReader {
  private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort I16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt I32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfLong I64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final MemorySegment seg;
  private final long limit;
  // Layouts are picked per access from static constants, not stored in fields: the JIT only turns a segment
  // access into a plain load when the layout is a constant (about 5x faster decoding).
  private final boolean little;
  private final int maxAlign;
  private long pos;

  private CdrReader(MemorySegment seg, boolean little, int maxAlign) {
    this.seg = seg;
    this.limit = seg.byteSize();
    this.little = little;
    this.maxAlign = maxAlign;
    this.pos = 4;
  }

  /** Opens a sample: checks and consumes the encapsulation header. */
  public static CdrReader open(MemorySegment sample) throws MalformedSampleException {
    if (sample.byteSize() < 4) throw new MalformedSampleException("sample of " + sample.byteSize() + " bytes has no header");
    int id = ((sample.get(ValueLayout.JAVA_BYTE, 0) & 0xff) << 8) | (sample.get(ValueLayout.JAVA_BYTE, 1) & 0xff);
    return switch (id) {
      case 0x0000 -> new CdrReader(sample, false, 8);
      case 0x0001 -> new CdrReader(sample, true, 8);
      case 0x0006 -> new CdrReader(sample, false, 4);
      case 0x0007 -> new CdrReader(sample, true, 4);
      default -> throw new MalformedSampleException(String.format("unsupported encapsulation 0x%04x (expected CDR or"
          + " PLAIN_CDR2 of a final type)", id));
    };
  }

  public static CdrReader open(byte[] sample) throws MalformedSampleException {
    return open(MemorySegment.ofArray(sample));
  }

  /** Bytes not yet read. */
  public long remaining() {
    return limit - pos;
  }

  /** Current offset from the start of the sample (header included). */
  public long position() {
    return pos;
  }

  public int u8() throws MalformedSampleException {
    need(1, "uint8");
    return seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
  }

  public int u16() throws MalformedSampleException {
    align(2);
    need(2, "uint16");
    int v = (little ? seg.get(I16_LE, pos) : seg.get(I16_BE, pos)) & 0xffff;
    pos += 2;
    return v;
  }

  public int i32() throws MalformedSampleException {
    align(4);
    need(4, "int32");
    int v = little ? seg.get(I32_LE, pos) : seg.get(I32_BE, pos);
    pos += 4;
    return v;
  }

  /** A uint32 widened to long. */
  public long u32() throws MalformedSampleException {
    return i32() & 0xffff_ffffL;
  }

  public long i64() throws MalformedSampleException {
    align(8);
    need(8, "int64");
    long v = little ? seg.get(I64_LE, pos) : seg.get(I64_BE, pos);
    pos += 8;
    return v;
  }

  public float f32() throws MalformedSampleException {
    return Float.intBitsToFloat(i32());
  }

  public double f64() throws MalformedSampleException {
    return Double.longBitsToDouble(i64());
  }

  /** A CDR string; the length must include a terminating NUL that is present. Invalid UTF-8 becomes U+FFFD. */
  public String string() throws MalformedSampleException {
    long n = u32();
    if (n == 0) throw new MalformedSampleException("string length 0 at " + (pos - 4) + " (must count its NUL)");
    need(n, "string of " + n + " bytes");
    if (seg.get(ValueLayout.JAVA_BYTE, pos + n - 1) != 0) {
      throw new MalformedSampleException("string at " + (pos - 4) + " does not end in NUL");
    }
    byte[] utf8 = new byte[(int) (n - 1)];
    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, utf8, 0, utf8.length);
    pos += n;
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /**
   * A sequence count, checked against the bytes left: each element takes at least {@code minElementBytes}, so a
   * count that cannot fit is rejected before anything is allocated for it.
   */
  public int count(int minElementBytes) throws MalformedSampleException {
    long n = u32();
    if (n * Math.max(1, minElementBytes) > remaining()) {
      throw new MalformedSampleException("sequence of " + n + " elements (≥ " + minElementBytes + " bytes each) at "
          + (pos - 4) + " but only " + remaining() + " bytes left");
    }
    return (int) n;
  }

  /** A {@code sequence<octet>} as a slice of the sample (no copy; valid as long as the sample is). */
  public MemorySegment octets() throws MalformedSampleException {
    int n = count(1);
    MemorySegment s = seg.asSlice(pos, n);
    pos += n;
    return s;
  }

  /** A fixed-length {@code float64[n]}. */
  public double[] f64Array(int n) throws MalformedSampleException {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = f64();
    return out;
  }

  private void align(int n) throws MalformedSampleException {
    int a = Math.min(n, maxAlign);
    long rel = pos - 4;
    long pad = (a - (rel & (a - 1))) & (a - 1);
    need(pad, "alignment padding");
    pos += pad;
  }

  private void need(long n, String what) throws MalformedSampleException {
    if (n > limit - pos) {
      throw new MalformedSampleException("truncated: " + what + " at offset " + pos + " needs " + n + " bytes, "
          + (limit - pos) + " left");
    }
  }
}
