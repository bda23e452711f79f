package dev.glimpse.ros;

import dev.glimpse.types.Stamp;
import java.util.Objects;

/**
 * A frame received from ROS 2, unpacked: tightly packed rows ({@code width * channels} bytes each, no padding),
 * top row first. Compressed images arrive decoded, as {@link Encoding#BGR8} or, for grey ones,
 * {@link Encoding#MONO8}. This is what image subscriptions hand to their {@code Consumer<RosImage>}.
 *
 * @param stamp the source's header stamp (capture time)
 * @param frameId the source's header frame_id (the camera's optical frame)
 * @param pixels {@code width * height * encoding.channels()} bytes; owned by the receiver, not copied
 */
public record RosImage(Stamp stamp, String frameId, int width, int height, Encoding encoding, byte[] pixels) {
  /** The sensor_msgs/Image encodings the bridge accepts (sensor_msgs/image_encodings.hpp names). */
  public enum Encoding {
    RGB8("rgb8", 3), BGR8("bgr8", 3), MONO8("mono8", 1);

    private final String rosName;
    private final int channels;

    Encoding(String rosName, int channels) {
      this.rosName = rosName;
      this.channels = channels;
    }

    /** The encoding string of sensor_msgs/Image. */
    public String rosName() { return rosName; }

    /** Bytes per pixel. */
    public int channels() { return channels; }

    /** The encoding for a sensor_msgs/Image encoding string, or null when unsupported. */
    public static Encoding of(String rosName) {
      for (Encoding e : values()) if (e.rosName.equals(rosName)) return e;
      return null;
    }
  }

  public RosImage {
    Objects.requireNonNull(stamp, "stamp");
    Objects.requireNonNull(frameId, "frameId");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(pixels, "pixels");
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
    if (pixels.length != (long) width * height * encoding.channels) {
      throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected " + width + "x" + height
          + "x" + encoding.channels);
    }
  }

  /** Row length in bytes. */
  public int step() { return width * encoding.channels; }
}
