package dev.glimpse.config;

import java.util.Arrays;
import java.util.List;

/** What a stream URL points at, named by its URL scheme. A bare path is a {@link #FILE}. */
public enum SourceKind {
  /** RTSP camera or server; RTP over TCP or UDP ({@link StreamConfig.Transport}). */
  RTSP("rtsp", true),
  /** RTSP over TLS; TCP only. */
  RTSPS("rtsps", true),
  /** HTTP stream: HLS playlist ({@code .m3u8}), MJPEG or a progressive file. */
  HTTP("http", true),
  /** HTTPS stream, as {@link #HTTP}. */
  HTTPS("https", true),
  /** Recorded video (mp4, mkv, avi, mpg, mov, ...): {@code file:///abs/path}, {@code file://rel/path}, a bare path. */
  FILE("file", false),
  /** Video4Linux2 device: {@code v4l2:///dev/video0}. */
  V4L2("v4l2", true),
  /** Folder of images replayed in name order: {@code images:///data/frames}. */
  IMAGES("images", false),
  /** The scene simulator, rendering live: {@code sim://seed=7&size=756x756&fps=30}. */
  SIM("sim", false);

  private final String scheme;
  private final boolean live;

  SourceKind(String scheme, boolean live) {
    this.scheme = scheme;
    this.live = live;
  }

  /** The URL scheme, lower case. */
  public String scheme() {
    return scheme;
  }

  /**
   * Whether frames arrive at the source's pace whether or not we keep up (cameras, network streams): such
   * streams default to the {@code latest} mailbox and cannot be paced or looped. Files, image folders and the
   * simulator are replayed at our pace.
   */
  public boolean isLive() {
    return live;
  }

  /** All schemes, in declaration order: {@code rtsp, rtsps, http, https, file, v4l2, images, sim}. */
  public static List<String> schemes() {
    return Arrays.stream(values()).map(SourceKind::scheme).toList();
  }
}
