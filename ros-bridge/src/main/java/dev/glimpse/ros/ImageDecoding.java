package dev.glimpse.ros;

import dev.glimpse.ros.RosImage.Encoding;
import dev.glimpse.ros.cdr.MalformedSampleException;
import dev.glimpse.ros.msg.CompressedImage;
import dev.glimpse.ros.msg.Image;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * sensor_msgs/Image and CompressedImage → {@link RosImage}. Everything a peer could get wrong (an encoding we do not
 * take, a row step shorter than a row, fewer bytes than {@code step * height}, a corrupt or unknown compressed
 * stream, a size that would not fit memory) ends in {@link MalformedSampleException}, which the bridge counts.
 */
public final class ImageDecoding {
  private ImageDecoding() {}

  /** Largest frame accepted, in pixels (8192 × 8192); larger ones are dropped before decoding. */
  public static final long MAX_PIXELS = 8192L * 8192L;

  /**
   * Most bytes of decoded pixels one byte of a compressed image may stand for. Deflate (PNG) cannot expand past
   * 1032:1 and JPEG stays far below, so an image claiming more is truncated or forged: it is dropped before the
   * decoder allocates its raster (a 69-byte PNG header claiming 8192 × 8192 16-bit RGBA would cost 512 MiB).
   */
  public static final int MAX_EXPANSION = 1100;

  /** Unpacks a raw image: rgb8, bgr8 or mono8, any step ≥ the row length (padding is removed). */
  public static RosImage fromImage(Image m) throws MalformedSampleException {
    Encoding enc = Encoding.of(m.encoding());
    if (enc == null) {
      throw new MalformedSampleException("unsupported encoding '" + m.encoding() + "' (supported: rgb8, bgr8, mono8)");
    }
    checkSize(m.width(), m.height());
    long row = (long) m.width() * enc.channels();
    if (m.step() < row) throw new MalformedSampleException("step " + m.step() + " < width × channels = " + row);
    long needed = (long) m.step() * (m.height() - 1) + row;
    if (m.data().length < needed) {
      throw new MalformedSampleException("data has " + m.data().length + " bytes, " + m.width() + "x" + m.height()
          + " " + enc.rosName() + " with step " + m.step() + " needs " + needed);
    }
    byte[] pixels;
    if (m.step() == row && m.data().length == row * m.height()) {
      pixels = m.data(); // already packed: hand the array over
    } else {
      pixels = new byte[Math.toIntExact(row * m.height())];
      for (int y = 0; y < m.height(); y++) System.arraycopy(m.data(), y * m.step(), pixels, (int) (y * row), (int) row);
    }
    return new RosImage(m.header().stamp(), m.header().frameId(), m.width(), m.height(), enc, pixels);
  }

  /**
   * Decodes a JPEG or PNG ({@code format} {@code jpeg}/{@code jpg}/{@code png}, or image_transport's
   * {@code "<enc>; jpeg compressed <enc>"}) with javax.imageio into bgr8, or mono8 for grey images.
   */
  public static RosImage fromCompressed(CompressedImage m) throws MalformedSampleException {
    String f = m.format().toLowerCase(Locale.ROOT);
    if (!(f.contains("jpeg") || f.contains("jpg") || f.contains("png"))) {
      throw new MalformedSampleException("unsupported compressed format '" + m.format() + "' (supported: jpeg, png)");
    }
    BufferedImage img = decode(m.data());
    int w = img.getWidth();
    int h = img.getHeight();
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      return new RosImage(m.header().stamp(), m.header().frameId(), w, h, Encoding.MONO8, packed(img, w * h));
    }
    BufferedImage bgr = img;
    if (img.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = bgr.createGraphics();
      g.drawImage(img, 0, 0, null);
      g.dispose();
    }
    return new RosImage(m.header().stamp(), m.header().frameId(), w, h, Encoding.BGR8, packed(bgr, w * h * 3));
  }

  private static BufferedImage decode(byte[] data) throws MalformedSampleException {
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) throw new MalformedSampleException("compressed data is not a known image format");
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0), h = reader.getHeight(0);
        checkSize(w, h);
        long pixelBytes = (w * h * bitsPerPixel(reader) + 7) / 8;
        if (pixelBytes > (long) MAX_EXPANSION * data.length) {
          throw new MalformedSampleException(data.length + " bytes of " + reader.getFormatName() + " claim " + w + "x"
              + h + " (" + pixelBytes + " bytes of pixels, more than " + MAX_EXPANSION + " per compressed byte): "
              + "truncated or forged");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new MalformedSampleException("compressed image does not decode: " + e);
    }
  }

  /** Bits per pixel of the image as stored (e.g. 64 for 16-bit RGBA PNG, 1 for bilevel). */
  private static int bitsPerPixel(ImageReader reader) throws IOException {
    ImageTypeSpecifier type = reader.getRawImageType(0);
    if (type == null) {
      Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
      if (!types.hasNext()) throw new IOException("no image type");
      type = types.next();
    }
    int bits = 0;
    for (int b : type.getSampleModel().getSampleSize()) bits += b;
    return Math.max(1, bits);
  }

  /** The raster's bytes when they are exactly the packed pixels (a fresh decode or our own conversion). */
  private static byte[] packed(BufferedImage img, int expected) {
    if (img.getRaster().getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1
        && db.getData().length == expected && img.getRaster().getParent() == null) {
      return db.getData();
    }
    BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(), img.getType());
    copy.setData(img.getRaster());
    return ((DataBufferByte) copy.getRaster().getDataBuffer()).getData();
  }

  private static void checkSize(long w, long h) throws MalformedSampleException {
    if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
      throw new MalformedSampleException("image size " + w + "x" + h + " outside 1.." + MAX_PIXELS + " pixels");
    }
  }
}
