package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small synthetic images for the compressed-image tests, written under {@code target/peers/images}. */
final class TestImages {
  private TestImages() {}

  static final int W = 64;
  static final int H = 48;

  /** A colour (or grey) gradient with a bright square, as {@code png} or {@code jpeg}. */
  static Path write(String format, boolean grey) throws IOException {
    BufferedImage img = new BufferedImage(W, H, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int r = x * 4;
        int g = y * 5;
        int b = (x >= 20 && x < 30 && y >= 10 && y < 20) ? 250 : 40;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    Path dir = Files.createDirectories(NativePeers.OUT.resolve("images"));
    Path file = dir.resolve((grey ? "grey" : "colour") + "." + format);
    if (!ImageIO.write(img, format, file.toFile())) throw new IOException("no ImageIO writer for " + format);
    return file;
  }

  /** The frame holds exactly the reference image's pixels, packed as its encoding says. */
  static void assertPixels(BufferedImage reference, RosImage f) {
    assertEquals(reference.getWidth(), f.width());
    assertEquals(reference.getHeight(), f.height());
    boolean grey = reference.getType() == BufferedImage.TYPE_BYTE_GRAY;
    assertEquals(grey ? RosImage.Encoding.MONO8 : RosImage.Encoding.BGR8, f.encoding());
    byte[] p = f.pixels();
    for (int y = 0; y < f.height(); y++) {
      for (int x = 0; x < f.width(); x++) {
        if (grey) {
          int want = reference.getRaster().getSample(x, y, 0);
          assertEquals(want, p[y * f.width() + x] & 0xff, "grey at " + x + "," + y);
        } else {
          int rgb = reference.getRGB(x, y);
          int i = (y * f.width() + x) * 3;
          String at = " at " + x + "," + y;
          assertEquals(rgb & 0xff, p[i] & 0xff, "blue" + at);
          assertEquals((rgb >> 8) & 0xff, p[i + 1] & 0xff, "green" + at);
          assertEquals((rgb >> 16) & 0xff, p[i + 2] & 0xff, "red" + at);
        }
      }
    }
  }
}
