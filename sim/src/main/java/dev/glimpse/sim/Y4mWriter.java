package dev.glimpse.sim;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Uncompressed 4:2:0 video in a YUV4MPEG2 file ({@code .y4m}), written without FFmpeg: for machines that carry no
 * video codec, and for inputs whose decode must cost no more than a copy. BT.601 limited range, chroma averaged
 * over each 2×2 block (JPEG siting), as FFmpeg's {@code -pix_fmt yuv420p} from RGB. Deterministic: the same frames
 * give the same bytes.
 */
public final class Y4mWriter implements AutoCloseable {
  private final OutputStream out;
  private final int width, height;
  private final byte[] planes;

  public Y4mWriter(Path file, int width, int height, int fps) throws IOException {
    if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("4:2:0 video needs even frame sizes, got " + width + "x" + height);
    }
    if (fps <= 0) throw new IllegalArgumentException("fps must be positive, got " + fps);
    this.width = width;
    this.height = height;
    this.planes = new byte[width * height * 3 / 2];
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
    out.write(("YUV4MPEG2 W" + width + " H" + height + " F" + fps + ":1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n")
        .getBytes(StandardCharsets.US_ASCII));
  }

  /** Appends one packed RGB frame [height, width, 3]. */
  public void write(byte[] rgb) throws IOException {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException("frame has " + rgb.length + " bytes, not " + width + "x" + height + "x3");
    }
    int cw = width / 2, ch = height / 2, uOff = width * height, vOff = uOff + cw * ch;
    for (int i = 0, p = 0; p < width * height; p++, i += 3) {
      int r = rgb[i] & 255, g = rgb[i + 1] & 255, b = rgb[i + 2] & 255;
      // Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255, in 16-bit fixed point
      planes[p] = (byte) ((16 << 16) + 16829 * r + 33039 * g + 6416 * b + 32768 >> 16);
    }
    for (int cy = 0; cy < ch; cy++) {
      for (int cx = 0; cx < cw; cx++) {
        int r = 0, g = 0, b = 0;
        for (int dy = 0; dy < 2; dy++) {
          for (int dx = 0; dx < 2; dx++) {
            int i = ((2 * cy + dy) * width + 2 * cx + dx) * 3;
            r += rgb[i] & 255;
            g += rgb[i + 1] & 255;
            b += rgb[i + 2] & 255;
          }
        }
        // Cb = 128 + (−37.797 R − 74.203 G + 112 B) / 255, Cr = 128 + (112 R − 93.786 G − 18.214 B) / 255; sums of 4
        planes[uOff + cy * cw + cx] = (byte) ((128 << 18) - 9714 * r - 19070 * g + 28784 * b + (1 << 17) >> 18);
        planes[vOff + cy * cw + cx] = (byte) ((128 << 18) + 28784 * r - 24103 * g - 4681 * b + (1 << 17) >> 18);
      }
    }
    out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
    out.write(planes);
  }

  @Override
  public void close() throws IOException { out.close(); }
}
