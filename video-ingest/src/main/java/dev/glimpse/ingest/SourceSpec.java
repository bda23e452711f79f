package dev.glimpse.ingest;

import dev.glimpse.config.SourceKind;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.types.PixelFormat;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link FrameSource} needs to open one session: where, how, and what to deliver.
 *
 * @param url           the parsed source (kind, location, simulator parameters)
 * @param transport     RTP transport for {@code rtsp://}
 * @param format        output pixel format
 * @param width         output width, 0 = the source's
 * @param height        output height, 0 = the source's
 * @param stallTimeout  socket I/O timeout of network sources (FFmpeg's RTSP {@code timeout} and HTTP
 *                      {@code rw_timeout}), so that a grab from a frozen server returns at all
 * @param decodeThreads FFmpeg decoder threads, 0 = one per core
 * @param imageFps      pace of image folders
 * @param dropConcealed skip frames with concealed decode errors
 */
public record SourceSpec(SourceUrl url, StreamConfig.Transport transport, PixelFormat format, int width, int height,
                         Duration stallTimeout, int decodeThreads, double imageFps, boolean dropConcealed) {
  public SourceSpec {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(stallTimeout, "stallTimeout");
  }

  /** The spec of a configured stream. */
  public static SourceSpec of(StreamConfig c, IngestOptions o) {
    return new SourceSpec(c.url(), c.transport(), o.format(), c.width(), c.height(), c.stallTimeout(),
        o.decodeThreads(), o.imageFps(), o.dropConcealed());
  }

  /**
   * Parses what a user typed ({@code rtsp://cam/stream}, {@code video.mp4}, {@code sim://seed=7}, ...). An unknown
   * scheme or a malformed URL gives an error that names the source and lists the supported schemes.
   */
  public static SourceUrl parseUrl(String text) throws SourceException {
    try {
      return SourceUrl.parse(text);
    } catch (IllegalArgumentException e) {
      String shown = text.strip().replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@", "$1:***@");
      String reason = e.getMessage();
      if (!reason.contains("expected one of")) reason += " (supported schemes: " + String.join(", ", SourceKind.schemes()) + ")";
      throw new SourceException("source '" + shown + "'", reason, true, e);
    }
  }

  /** The source as the user wrote it, password redacted: the prefix of every error message. */
  public String name() { return url.redacted(); }

  public SourceKind kind() { return url.kind(); }

  /** Whether frames arrive at the source's pace (cameras, network streams). */
  public boolean live() { return url.kind().isLive(); }
}
