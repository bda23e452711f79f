package dev.glimpse.types;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One decoded video frame of one stream: what ingest hands to the encoder, the bridge and the recorder.
 *
 * <p>Pixels are packed and row-major: pixel (x, y) starts at byte {@code y · stride + x · format.bytesPerPixel()}
 * of {@link #pixels()}; {@code stride ≥ width · bytesPerPixel} (equal for frames from ingest).
 *
 * <p>Ownership: a frame owns one reference to its {@link PixelBuffer}. Whoever receives a frame must
 * {@link #close()} it (or hand it on); the pixels go back to the ingest pool then. To keep pixels beyond that,
 * use {@link #copyOf(Frame)}. Records compare by component; two frames are equal only if they share a buffer.
 *
 * @param streamId       the stream the frame came from
 * @param frameId        the coordinate frame of the camera (ROS {@code header.frame_id})
 * @param sequence       the frame's number in its stream: 0-based, +1 per decoded frame, across reconnects and
 *                       loops; a gap downstream means frames were dropped on the way
 * @param monotonicNanos capture time on the process's monotonic clock (nanoseconds, as {@code System.nanoTime});
 *                       for latency and pacing, comparable only within one process
 * @param stamp          capture time on the wall clock (what goes into ROS headers)
 * @param ptsMicros      presentation time in the source's own timeline, microseconds from the stream start;
 *                       {@link #NO_PTS} when the source has none
 * @param width          pixels
 * @param height         pixels
 * @param stride         bytes from one row to the next
 * @param format         pixel layout
 * @param pixels         at least {@code stride · (height − 1) + width · bytesPerPixel} bytes
 */
public record Frame(String streamId, String frameId, long sequence, long monotonicNanos, Stamp stamp,
                    long ptsMicros, int width, int height, int stride, PixelFormat format, PixelBuffer pixels)
    implements AutoCloseable {
  /** {@link #ptsMicros} of a frame whose source has no presentation time. */
  public static final long NO_PTS = Long.MIN_VALUE;

  public Frame {
    Objects.requireNonNull(streamId, "streamId");
    Objects.requireNonNull(frameId, "frameId");
    Objects.requireNonNull(stamp, "stamp");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(pixels, "pixels");
    if (sequence < 0) throw new IllegalArgumentException("sequence must be >= 0: " + sequence);
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
    if (stride < format.rowBytes(width)) {
      throw new IllegalArgumentException("stride " + stride + " is less than a row of " + width + " " + format + " pixels");
    }
    long needed = (long) stride * (height - 1) + format.rowBytes(width);
    if (pixels.size() < needed) {
      throw new IllegalArgumentException("pixel buffer of " + pixels.size() + " bytes is too small for " + width + "x"
          + height + " " + format + " with stride " + stride + " (needs " + needed + ")");
    }
  }

  /**
   * A frame with the same metadata and a tightly packed copy of the pixels in new heap memory, independent of the
   * source frame (which the caller still owns and must close).
   */
  public static Frame copyOf(Frame f) {
    int row = f.format.rowBytes(f.width);
    byte[] packed = new byte[row * f.height];
    for (int y = 0; y < f.height; y++) f.pixels.copyTo(y * f.stride, packed, y * row, row);
    return new Frame(f.streamId, f.frameId, f.sequence, f.monotonicNanos, f.stamp, f.ptsMicros, f.width, f.height,
        row, f.format, PixelBuffer.viewOf(ByteBuffer.wrap(packed), PixelBuffer.Recycler.NONE));
  }

  /** Whether the frame has a presentation time. */
  public boolean hasPts() { return ptsMicros != NO_PTS; }

  /** Adds an owner: the pixels stay valid until this frame is closed once more. Returns this frame. */
  public Frame retain() {
    pixels.retain();
    return this;
  }

  /** Releases this owner's reference to the pixels. */
  @Override
  public void close() { pixels.close(); }
}
