package dev.glimpse.types;

/**
 * Layout of one pixel in a packed, row-major image: the channel order and the bytes per pixel. Names follow
 * FFmpeg's {@code AV_PIX_FMT_*} and ROS {@code sensor_msgs/Image} encodings ({@code rgb8}, {@code bgr8},
 * {@code mono8}).
 */
public enum PixelFormat {
  /** Red, green, blue: 3 bytes per pixel. What the encoder takes. ROS {@code rgb8}. */
  RGB24(3, "rgb8"),
  /** Blue, green, red: 3 bytes per pixel, OpenCV's order. ROS {@code bgr8}. */
  BGR24(3, "bgr8"),
  /** Luma only: 1 byte per pixel. ROS {@code mono8}. */
  GRAY8(1, "mono8");

  private final int bytesPerPixel;
  private final String rosEncoding;

  PixelFormat(int bytesPerPixel, String rosEncoding) {
    this.bytesPerPixel = bytesPerPixel;
    this.rosEncoding = rosEncoding;
  }

  public int bytesPerPixel() { return bytesPerPixel; }

  /** The ROS 2 {@code sensor_msgs/Image.encoding} of this format. */
  public String rosEncoding() { return rosEncoding; }

  /** Bytes of one tightly packed row of {@code width} pixels. */
  public int rowBytes(int width) { return Math.multiplyExact(width, bytesPerPixel); }

  /** Bytes of a tightly packed {@code width × height} image. */
  public int imageBytes(int width, int height) { return Math.multiplyExact(rowBytes(width), height); }
}
