package dev.glimpse.ros;

import dev.glimpse.ros.RosImageSource.Kind;
import dev.glimpse.ros.msg.CompressedImage;
import dev.glimpse.ros.msg.Header;
import dev.glimpse.ros.msg.Image;
import dev.glimpse.types.Stamp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * The bad samples of the image corpus, built from valid {@code sensor_msgs/Image} and {@code CompressedImage}
 * samples: encapsulation damage, cuts, lengths of strings and sequences past the sample or without their NUL,
 * sizes that do not match the data or overflow, unknown encodings and formats, forged or cut JPEG and PNG, and seeded
 * byte flips and length fields. Each says what must come of it.
 */
final class ImageSampleFaults {
  private ImageSampleFaults() {}

  static final long SEED = 0x0C0D_5A3DL;
  static final Header HEADER = new Header(new Stamp(1_700_000_000L, 5), "front_camera_optical_frame");

  /** What a sample must do. */
  enum Expect {
    /** Dropped: a MalformedSampleException, saying {@code Case.says}. */
    DROPPED,
    /** Decoded into an image that is delivered. */
    DELIVERED,
    /** Random damage: either. */
    ANY
  }

  /** One sample for a topic of {@code kind}. */
  record Case(String name, Kind kind, byte[] sample, Expect expect, String says) {
    static Case dropped(String name, Kind kind, byte[] sample, String says) {
      return new Case(name, kind, sample, Expect.DROPPED, says);
    }
  }

  /** A valid raw image whose bytes are {@code i * 7 + 3}; rows padded by {@code padding}. */
  static Image image(String encoding, int channels, int w, int h, int padding) {
    int step = w * channels + padding;
    byte[] data = new byte[step * h];
    for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 3);
    return new Image(HEADER, h, w, encoding, 0, step, data);
  }

  /** The three raw bases: rgb8 packed, bgr8 with padded rows, mono8 with one byte of padding. */
  static List<Image> rawBases() {
    return List.of(image("rgb8", 3, 4, 3, 0), image("bgr8", 3, 5, 2, 1), image("mono8", 1, 7, 3, 1));
  }

  /** A 6x4 gradient as PNG or JPEG bytes, in colour or grey. */
  static byte[] encoded(String format, boolean grey) {
    BufferedImage img = new BufferedImage(6, 4, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 4; y++) for (int x = 0; x < 6; x++) img.setRGB(x, y, (x * 40 << 16) | (y * 60 << 8) | 90);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) throw new IOException("no writer for " + format);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static List<Case> corpus() {
    SplittableRandom rng = new SplittableRandom(SEED);
    List<Case> c = new ArrayList<>();
    List<SampleLayout> raws = rawBases().stream().map(m -> SampleLayout.of(m, SampleLayout.CDR_LE)).toList();
    rawStructure(c, raws.getFirst());
    for (SampleLayout s : raws) rawSizes(c, s);
    for (SampleLayout s : raws) random(c, Kind.RAW, s, rng, 20, 20, 2);
    compressed(c, rng);
    return c;
  }

  private static void rawStructure(List<Case> c, SampleLayout s) {
    Kind raw = Kind.RAW;
    Image base = rawBases().getFirst();
    for (int id : new int[] {0x0002, 0x0003, 0x0008, 0x0009, 0x000a, 0x000b, 0x0010, 0x0100, 0x1234, 0xffff}) {
      c.add(Case.dropped(String.format("encapsulation 0x%04x", id), raw, s.withEncapsulation(id), "unsupported encapsulation"));
    }
    for (int n = 0; n < 4; n++) c.add(Case.dropped(n + " bytes", raw, Arrays.copyOf(s.bytes(), n), "has no header"));
    c.add(Case.dropped("the header alone", raw, Arrays.copyOf(s.bytes(), 4), "truncated"));
    c.add(new Case("options bits set", raw, s.withByte(2, 0xff), Expect.DELIVERED, ""));
    for (int id : new int[] {SampleLayout.CDR_BE, SampleLayout.CDR2_LE, SampleLayout.CDR2_BE}) {
      c.add(new Case(String.format("written as 0x%04x", id), raw, SampleLayout.of(base, id).bytes(), Expect.DELIVERED, ""));
    }
    c.add(new Case("little-endian labelled big-endian", raw, s.withEncapsulation(SampleLayout.CDR_BE), Expect.ANY, ""));
    c.add(Case.dropped("nanosec 1e9", raw, s.withU32("nanosec", 1_000_000_000L), "Time.nanosec 1000000000"));
    c.add(Case.dropped("nanosec u32 max", raw, s.withU32("nanosec", 0xFFFF_FFFFL), "Time.nanosec 4294967295"));
    c.add(new Case("negative seconds", raw, s.withU32("sec", -1), Expect.DELIVERED, ""));
    for (String field : List.of("frame_id", "encoding")) {
      long len = s.u32(field + ".length");
      c.add(Case.dropped(field + " length 0", raw, s.withU32(field + ".length", 0), "string length 0"));
      c.add(Case.dropped(field + " length u32 max", raw, s.withU32(field + ".length", 0xFFFF_FFFFL), "truncated: string of 4294967295"));
      c.add(Case.dropped(field + " length 2^31", raw, s.withU32(field + ".length", 1L << 31), "truncated: string of 2147483648"));
      c.add(Case.dropped(field + " length past the end", raw, s.withU32(field + ".length", s.bytes().length), "truncated: string of"));
      c.add(Case.dropped(field + " length one short", raw, s.withU32(field + ".length", len - 1), "does not end in NUL"));
      c.add(new Case(field + " length one long", raw, s.withU32(field + ".length", len + 1), Expect.ANY, ""));
      c.add(Case.dropped(field + " without its NUL", raw, s.withByte(s.offset(field) + (int) len - 1, 'x'), "does not end in NUL"));
    }
    c.add(new Case("frame_id not UTF-8", raw, s.withByte(s.offset("frame_id"), 0xff), Expect.DELIVERED, ""));
    for (String enc : List.of("rgba8", "bgra8", "16UC1", "mono16", "bayer_rggb8", "yuv422", "RGB8", "rgb8 ", "", "8UC3")) {
      Image m = new Image(HEADER, base.height(), base.width(), enc, 0, base.step(), base.data());
      c.add(Case.dropped("encoding '" + enc + "'", raw, SampleLayout.of(m, SampleLayout.CDR_LE).bytes(), "unsupported encoding '" + enc + "'"));
    }
    c.add(new Case("is_bigendian 1", raw, s.withByte(s.offset("is_bigendian"), 1), Expect.DELIVERED, ""));
    c.add(new Case("is_bigendian 255", raw, s.withByte(s.offset("is_bigendian"), 255), Expect.DELIVERED, ""));
    for (int extra : new int[] {1, 3, 4096}) {
      c.add(new Case(extra + " bytes after the sample", raw, Arrays.copyOf(s.bytes(), s.bytes().length + extra), Expect.DELIVERED, ""));
    }
    Image longer = new Image(HEADER, base.height(), base.width(), base.encoding(), 0, base.step(), Arrays.copyOf(base.data(), base.data().length + 5));
    c.add(new Case("data longer than the image", raw, SampleLayout.of(longer, SampleLayout.CDR_LE).bytes(), Expect.DELIVERED, ""));
  }

  /** Size fields against the data on one base: zero, too large for int, overflowing products, data short or long. */
  private static void rawSizes(List<Case> c, SampleLayout s) {
    Kind raw = Kind.RAW;
    String b = rawName(s) + ": ";
    long w = s.u32("width"), h = s.u32("height"), step = s.u32("step"), n = s.u32("data.length");
    long row = w * RosImage.Encoding.of(rawName(s)).channels();
    c.add(Case.dropped(b + "height 0", raw, s.withU32("height", 0), "image size " + w + "x0 outside"));
    c.add(Case.dropped(b + "width 0", raw, s.withU32("width", 0), "image size 0x" + h + " outside"));
    c.add(Case.dropped(b + "height 2^31", raw, s.withU32("height", 1L << 31), "Image.height 2147483648 is too large"));
    c.add(Case.dropped(b + "width u32 max", raw, s.withU32("width", 0xFFFF_FFFFL), "Image.width 4294967295 is too large"));
    c.add(Case.dropped(b + "step 2^31", raw, s.withU32("step", 1L << 31), "Image.step 2147483648 is too large"));
    c.add(Case.dropped(b + "10000 rows", raw, s.withU32("height", 10_000), "needs"));
    c.add(Case.dropped(b + "past the pixel limit", raw, s.withU32("height", 20_000_000), "outside 1.." + ImageDecoding.MAX_PIXELS));
    c.add(Case.dropped(b + "width x height overflows int", raw, s.withU32("width", 1L << 30), "outside 1.." + ImageDecoding.MAX_PIXELS));
    c.add(Case.dropped(b + "step 0", raw, s.withU32("step", 0), "step 0 < width × channels"));
    c.add(Case.dropped(b + "step one short of a row", raw, s.withU32("step", row - 1), "step " + (row - 1) + " < width × channels = " + row));
    c.add(Case.dropped(b + "step int max", raw, s.withU32("step", Integer.MAX_VALUE), "needs"));
    c.add(Case.dropped(b + "step x height overflows int", raw, s.withU32("step", 1L << 30), "needs"));
    c.add(Case.dropped(b + "one row more", raw, s.withU32("height", h + 1), "needs"));
    c.add(Case.dropped(b + "data count 0", raw, s.withU32("data.length", 0), "data has 0 bytes"));
    if (step == row) {
      c.add(Case.dropped(b + "data count one short", raw, s.withU32("data.length", n - 1), "data has " + (n - 1) + " bytes"));
    } else { // the last row's padding is not needed: a sample without it is still a whole image
      c.add(new Case(b + "data count one short of the last row's padding", raw, s.withU32("data.length", n - 1), Expect.DELIVERED, ""));
      c.add(Case.dropped(b + "data count one short of the last row", raw, s.withU32("data.length", n - (step - row) - 1),
          "data has " + (n - (step - row) - 1) + " bytes"));
    }
    c.add(Case.dropped(b + "data count one long", raw, s.withU32("data.length", n + 1), "sequence of " + (n + 1) + " elements"));
    c.add(Case.dropped(b + "data count u32 max", raw, s.withU32("data.length", 0xFFFF_FFFFL), "sequence of 4294967295 elements"));
    c.add(Case.dropped(b + "data cut by a row", raw, Arrays.copyOf(s.withU32("data.length", n - step), s.bytes().length - (int) step), "needs"));
  }

  private static String rawName(SampleLayout s) {
    int at = s.offset("encoding");
    return new String(s.bytes(), at, (int) s.u32("encoding.length") - 1, StandardCharsets.UTF_8);
  }

  /**
   * Seeded damage to one base: cuts at random offsets (every cut sample is malformed: the data comes last, counted),
   * flips of 1..4 bytes after the encapsulation header, and random values in each length and size field.
   */
  private static void random(List<Case> c, Kind kind, SampleLayout s, SplittableRandom rng, int cuts, int flips,
      int perField) {
    String b = kind == Kind.RAW ? rawName(s) : "compressed";
    for (int i = 0; i < cuts; i++) {
      int at = rng.nextInt(s.bytes().length);
      c.add(Case.dropped(b + ": cut at " + at, kind, Arrays.copyOf(s.bytes(), at), ""));
    }
    for (int i = 0; i < flips; i++) {
      byte[] m = s.bytes().clone();
      int k = 1 + rng.nextInt(4);
      for (int j = 0; j < k; j++) m[4 + rng.nextInt(m.length - 4)] ^= (byte) (1 + rng.nextInt(255));
      c.add(new Case(b + ": flip " + i, kind, m, Expect.ANY, ""));
    }
    for (String field : s.at().keySet()) {
      if (!field.endsWith(".length") && !List.of("height", "width", "step").contains(field)) continue;
      for (int i = 0; i < perField; i++) {
        long v = i == 0 ? rng.nextLong(1L << 32) : rng.nextLong(2 * s.u32(field) + 16);
        c.add(new Case(b + ": " + field + " " + v, kind, s.withU32(field, v), Expect.ANY, ""));
      }
    }
  }

  private static void compressed(List<Case> c, SplittableRandom rng) {
    Kind k = Kind.COMPRESSED;
    byte[] png = encoded("png", false), jpeg = encoded("jpeg", false), grey = encoded("png", true);
    SampleLayout s = SampleLayout.of(new CompressedImage(HEADER, "png", png), SampleLayout.CDR_LE);
    for (String f : List.of("bmp", "tiff", "", "raw", "h264", "rgb8")) {
      c.add(Case.dropped("format '" + f + "'", k, sample(f, png), "unsupported compressed format '" + f + "'"));
    }
    c.add(new Case("PNG called jpeg", k, sample("jpeg", png), Expect.DELIVERED, ""));
    c.add(new Case("JPEG called png", k, sample("png", jpeg), Expect.DELIVERED, ""));
    c.add(new Case("image_transport format", k, sample("bgr8; jpeg compressed bgr8", jpeg), Expect.DELIVERED, ""));
    c.add(new Case("grey PNG", k, sample("png", grey), Expect.DELIVERED, ""));
    c.add(Case.dropped("no data", k, sample("png", new byte[0]), "not a known image format"));
    byte[] junk = new byte[64];
    for (int i = 0; i < junk.length; i++) junk[i] = (byte) (1 + rng.nextInt(255));
    c.add(Case.dropped("random bytes", k, sample("jpeg", junk), ""));
    c.add(Case.dropped("PNG signature only", k, sample("png", Arrays.copyOf(png, 8)), "does not decode"));
    c.add(Case.dropped("JPEG start only", k, sample("jpeg", Arrays.copyOf(jpeg, 2)), ""));
    // forged headers: huge sizes from a few bytes must be refused before the decoder allocates them
    c.add(Case.dropped("PNG claiming 8192x8192 16-bit RGBA", k, sample("png", forgedPng(8192, 8192, 16, 6)), "claim 8192x8192"));
    c.add(Case.dropped("PNG claiming 8192x8192 RGB", k, sample("png", forgedPng(8192, 8192, 8, 2)), "claim 8192x8192"));
    c.add(Case.dropped("PNG claiming 4000x3000 grey", k, sample("png", forgedPng(4000, 3000, 8, 0)), "claim 4000x3000"));
    c.add(Case.dropped("PNG claiming 100000x100000", k, sample("png", forgedPng(100_000, 100_000, 8, 2)), "outside"));
    c.add(Case.dropped("PNG claiming width 0", k, sample("png", forgedPng(0, 16, 8, 2)), ""));
    c.add(Case.dropped("PNG claiming width 2^31", k, sample("png", forgedPng(Integer.MIN_VALUE, 16, 8, 2)), ""));
    c.add(Case.dropped("JPEG claiming 8000x8000", k, sample("jpeg", forgedJpegSize(jpeg, 8000, 8000)), "claim 8000x8000"));
    c.add(Case.dropped("format length u32 max", k, s.withU32("format.length", 0xFFFF_FFFFL), "truncated: string of"));
    c.add(Case.dropped("data count past the end", k, s.withU32("data.length", s.u32("data.length") + 1), "sequence of"));
    for (byte[] img : List.of(png, jpeg)) {
      boolean isPng = img == png;
      for (int i = 0; i < 6; i++) {
        int at = 8 + rng.nextInt(img.length - 8);
        c.add(new Case((isPng ? "PNG" : "JPEG") + " cut at " + at, k, sample(isPng ? "png" : "jpeg", Arrays.copyOf(img, at)), Expect.ANY, ""));
      }
    }
    random(c, k, s, rng, 10, 20, 2);
  }

  static byte[] sample(String format, byte[] data) {
    return SampleLayout.of(new CompressedImage(HEADER, format, data), SampleLayout.CDR_LE).bytes();
  }

  /** A PNG of just a header (IHDR of this size, bit depth and colour type), one small IDAT and IEND. */
  static byte[] forgedPng(int w, int h, int depth, int colourType) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 137, 'P', 'N', 'G', 13, 10, 26, 10});
    chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth).put((byte) colourType).array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** The JPEG with its frame header (SOF0) saying {@code w} x {@code h}. */
  static byte[] forgedJpegSize(byte[] jpeg, int w, int h) {
    byte[] b = jpeg.clone();
    for (int i = 2; i + 9 < b.length; ) {
      if ((b[i] & 0xff) != 0xff) throw new IllegalStateException("not a marker at " + i);
      int marker = b[i + 1] & 0xff, len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      if (marker == 0xC0) {
        ByteBuffer.wrap(b).putShort(i + 5, (short) h).putShort(i + 7, (short) w);
        return b;
      }
      i += 2 + len;
    }
    throw new IllegalStateException("no SOF0");
  }
}
