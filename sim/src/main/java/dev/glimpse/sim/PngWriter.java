package dev.glimpse.sim;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Lossless PNG of a packed RGB frame. */
public final class PngWriter {
  private PngWriter() {}

  public static void write(Path file, int width, int height, byte[] rgb) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0, o = 3 * y * width; x < width; x++, o += 3) {
        row[x] = ((rgb[o] & 255) << 16) | ((rgb[o + 1] & 255) << 8) | (rgb[o + 2] & 255);
      }
      img.setRGB(0, y, width, 1, row, 0, width);
    }
    if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer available for " + file);
  }
}
