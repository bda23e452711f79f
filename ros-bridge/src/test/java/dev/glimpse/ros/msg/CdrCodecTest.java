package dev.glimpse.ros.msg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import dev.glimpse.types.Stamp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** XCDR1 bytes against hand-computed layouts, round trips of every type, and hostile input. */
class CdrCodecTest {

  @Test
  void headerBytesAreTheXcdr1LittleEndianLayout() {
    byte[] got = RosTypes.HEADER.encode(new Header(new Stamp(1, 2), "cam"));
    byte[] want = {0, 1, 0, 0, /* sec */ 1, 0, 0, 0, /* nanosec */ 2, 0, 0, 0, /* len incl. NUL */ 4, 0, 0, 0,
        'c', 'a', 'm', 0};
    assertArrayEquals(want, got);
  }

  @Test
  void emptyStringIsLengthOneAndNul() {
    assertArrayEquals(new byte[] {0, 1, 0, 0, 1, 0, 0, 0, 0}, RosTypes.STRING.encode(""));
  }

  /**
   * One detection laid out by hand with explicit offsets (relative to the byte after the encapsulation header):
   * float64 fields must start on multiples of 8, so padding appears after the class_id string.
   */
  @Test
  void detectionFieldsSitAtTheirAlignedOffsets() {
    Detection2DArray.Detection2D d = Samples.detections(1).detections().getFirst();
    Detection2DArray a = new Detection2DArray(new Header(new Stamp(7, 9), "cam"), List.of(
        new Detection2DArray.Detection2D(new Header(new Stamp(7, 9), "cam"),
            List.of(ObjectHypothesisWithPose.of("person", 0.75)), d.bbox(), "7")));
    ByteBuffer b = ByteBuffer.allocate(1000).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0, 1, 0, 0});
    int o = 4; // every offset below is o + relative offset
    b.putInt(o, 7).putInt(o + 4, 9).putInt(o + 8, 4).put(o + 12, "cam\0".getBytes(StandardCharsets.US_ASCII));
    b.putInt(o + 16, 1); // detections
    b.putInt(o + 20, 7).putInt(o + 24, 9).putInt(o + 28, 4).put(o + 32, "cam\0".getBytes(StandardCharsets.US_ASCII));
    b.putInt(o + 36, 1); // results
    b.putInt(o + 40, 7).put(o + 44, "person\0".getBytes(StandardCharsets.US_ASCII)); // ends at 51
    b.putDouble(o + 56, 0.75); // score: 51 → padded to 56
    b.putDouble(o + 64 + 6 * 8, 1.0); // pose: position 0,0,0 orientation 0,0,0,1 at 64..119
    // covariance: 36 zeros at 120..407
    b.putDouble(o + 408, d.bbox().centerX()).putDouble(o + 416, d.bbox().centerY())
        .putDouble(o + 424, d.bbox().theta()).putDouble(o + 432, d.bbox().sizeX()).putDouble(o + 440, d.bbox().sizeY());
    b.putInt(o + 448, 2).put(o + 452, "7\0".getBytes(StandardCharsets.US_ASCII));
    byte[] want = Arrays.copyOf(b.array(), o + 454);
    assertArrayEquals(want, RosTypes.DETECTION2D_ARRAY.encode(a));
  }

  @Test
  void everyTypeRoundTrips() throws MalformedSampleException {
    for (Map.Entry<MessageType<?>, Object> e : Samples.byType().entrySet()) {
      assertEquals(e.getValue(), roundTrip(e.getKey(), e.getValue()), e.getKey().rosName());
    }
  }

  @Test
  void readsBigEndianAndXcdr2Encapsulations() throws MalformedSampleException {
    // std_msgs/Header as a big-endian XCDR1 peer would send it
    byte[] be = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 'x', 0};
    assertEquals(new Header(new Stamp(1, 2), "x"), RosTypes.HEADER.decode(be));
    // int32 then float64: PLAIN_CDR2 aligns the float64 to 4 (offset 4), XCDR1 to 8 (offset 8)
    byte[] cdr2 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).put(new byte[] {0, 7, 0, 0})
        .putInt(1).putDouble(0.5).array();
    CdrReader r2 = CdrReader.open(cdr2);
    assertEquals(1, r2.i32());
    assertEquals(0.5, r2.f64());
    cdr2[1] = 1; // same bytes claimed as XCDR1: the float64 would start at offset 8 and run past the end
    CdrReader r1 = CdrReader.open(cdr2);
    r1.i32();
    assertThrows(MalformedSampleException.class, r1::f64);
  }

  @Test
  void rejectsUnknownEncapsulation() {
    assertThrows(MalformedSampleException.class, () -> RosTypes.STRING.decode(new byte[] {0, 2, 0, 0, 1, 0, 0, 0, 0}));
    assertThrows(MalformedSampleException.class, () -> RosTypes.STRING.decode(new byte[] {0, 1}));
  }

  @Test
  void rejectsStringsWithoutNulOrLongerThanTheSample() {
    assertThrows(MalformedSampleException.class, () -> RosTypes.STRING.decode(new byte[] {0, 1, 0, 0, 2, 0, 0, 0, 'a', 'b'}));
    assertThrows(MalformedSampleException.class, () -> RosTypes.STRING.decode(new byte[] {0, 1, 0, 0, 0, 0, 0, 0}));
    assertThrows(MalformedSampleException.class,
        () -> RosTypes.STRING.decode(new byte[] {0, 1, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0}));
  }

  @Test
  void rejectsSequenceCountsThatCannotFitBeforeAllocating() {
    CdrWriter w = new CdrWriter();
    Header.write(w, Samples.HEADER);
    w.i32(-1); // 4294967295 detections
    MalformedSampleException e = assertThrows(MalformedSampleException.class,
        () -> RosTypes.DETECTION2D_ARRAY.decode(w.toByteArray()));
    assertEquals(true, e.getMessage().contains("4294967295"), e.getMessage());
  }

  @Test
  void rejectsOutOfRangeValues() {
    CdrWriter w = new CdrWriter().i32(1).i32(1_000_000_000).string("x");
    assertThrows(MalformedSampleException.class, () -> RosTypes.HEADER.decode(w.toByteArray()));
    CdrWriter d = new CdrWriter();
    Header.write(d, Samples.HEADER);
    d.count(1).u8(9).string("n").string("m").string("h").count(0); // level 9
    assertThrows(MalformedSampleException.class, () -> RosTypes.DIAGNOSTIC_ARRAY.decode(d.toByteArray()));
  }

  /** Every truncation of every sample fails cleanly; random corruption never escapes as anything else. */
  @Test
  void truncatedOrCorruptedSamplesOnlyEverFailAsMalformed() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (Map.Entry<MessageType<?>, Object> e : Samples.byType().entrySet()) {
      byte[] good = encode(e.getKey(), e.getValue());
      for (int n = 0; n < good.length; n++) {
        byte[] cut = Arrays.copyOf(good, n);
        if (decodes(e.getKey(), cut)) {
          fail(e.getKey().rosName() + " decoded from " + n + " of " + good.length + " bytes");
        }
      }
      for (int trial = 0; trial < 2000; trial++) {
        byte[] bad = good.clone();
        for (int k = 0; k <= rnd.nextInt(4); k++) bad[4 + rnd.nextInt(bad.length - 4)] = (byte) rnd.nextInt(256);
        decodes(e.getKey(), bad); // may succeed (a flipped pixel is still an image) but must not throw otherwise
      }
    }
  }

  private static boolean decodes(MessageType<?> t, byte[] bytes) {
    try {
      t.decode(bytes);
      return true;
    } catch (MalformedSampleException expected) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> byte[] encode(MessageType<T> t, Object v) {
    return t.encode((T) v);
  }

  private static <T> T roundTrip(MessageType<T> t, Object v) throws MalformedSampleException {
    return t.decode(encode(t, v));
  }
}
