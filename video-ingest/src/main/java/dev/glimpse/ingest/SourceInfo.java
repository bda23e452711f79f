package dev.glimpse.ingest;

import dev.glimpse.types.PixelFormat;

/**
 * What an open source delivers. Fixed for one session: a source whose size changes is reopened.
 *
 * @param codec      decoder name ({@code h264}, {@code mjpeg}, ...), {@code sim} for the simulator
 * @param container  demuxer name ({@code mov,mp4,m4a,3gp,3g2,mj2}, {@code rtsp}, ...), or the source kind
 * @param width      output width in pixels (after any resize)
 * @param height     output height in pixels
 * @param format     output pixel format
 * @param fps        nominal frames per second; 0 when unknown
 * @param frameCount frames in a file, −1 when unknown or endless
 * @param sourceWidth  the source's own width before resizing
 * @param sourceHeight the source's own height before resizing
 */
public record SourceInfo(String codec, String container, int width, int height, PixelFormat format, double fps,
                         long frameCount, int sourceWidth, int sourceHeight) {
  /** Bytes of one tightly packed output frame. */
  public int frameBytes() { return format.imageBytes(width, height); }

  @Override
  public String toString() {
    String size = width + "x" + height + (width != sourceWidth || height != sourceHeight
        ? " (from " + sourceWidth + "x" + sourceHeight + ")" : "");
    return codec + " " + size + " " + format + (fps > 0 ? String.format(" %.2f fps", fps) : "")
        + (frameCount >= 0 ? " " + frameCount + " frames" : "");
  }
}
