package dev.glimpse.ingest;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import dev.glimpse.config.SourceKind;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.types.Frame;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Files, RTSP, HTTP/HLS and V4L2 devices through JavaCV's {@link FFmpegFrameGrabber}.
 *
 * <p>Three JavaCV behaviours shape this class (measured with 1.5.12, infra notes §3):
 * <ul>
 *   <li>{@code start()} and {@code release()} hold a lock on {@code avcodec.class} for the whole open, network
 *       handshake included, so one frozen camera would stall every other stream's open and close. We call
 *       {@code startUnsafe()}/{@code releaseUnsafe()}: FFmpeg ≥ 4 needs no global lock around codec opens.</li>
 *   <li>A frozen RTSP server blocks {@code grab} forever unless FFmpeg's {@code timeout} option (µs, socket I/O)
 *       is set; {@code setTimeout} and {@code rw_timeout} do nothing for RTSP. With it, grab returns after the
 *       timeout, but the session is dead: the caller must close it ({@link StreamRunner}'s slow-grab check).</li>
 *   <li>JavaCV ignores decode errors. We read the decoder's picture ({@code ImageMode.RAW} exposes the
 *       {@link AVFrame}) for concealment flags, and count frames lost to bad packets from timestamp gaps.</li>
 * </ul>
 */
final class FfmpegSource implements FrameSource {
  // libavutil/frame.h bits the JavaCPP presets do not export
  private static final int AV_FRAME_FLAG_CORRUPT = 1;
  private static final int DECODE_ERROR_FLAGS = 1 | 2 | 4; // INVALID_BITSTREAM | MISSING_REFERENCE | CONCEALMENT_ACTIVE
  /** A file that ends before this share of its announced frames is reported as truncated. */
  private static final double TRUNCATED_BELOW = 0.9;

  private final SourceSpec spec;
  private final FFmpegFrameGrabber grabber;
  private final PixelConverter converter;
  private final SourceInfo info;
  private final long frameMicros; // nominal frame interval of a constant-rate stream, µs; 0 = variable rate
  private long lastPts = Frame.NO_PTS;
  private long seen; // frames decoded or counted lost in this session

  private FfmpegSource(SourceSpec spec, FFmpegFrameGrabber grabber, SourceInfo info, long frameMicros) {
    this.spec = spec;
    this.grabber = grabber;
    this.info = info;
    this.frameMicros = frameMicros;
    this.converter = new PixelConverter(info.width(), info.height(), info.format());
  }

  static FfmpegSource open(SourceSpec spec) throws SourceException {
    String input = input(spec);
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(input);
    configure(g, spec);
    try {
      g.startUnsafe();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      release(g);
      throw FfmpegErrors.describe(spec, e);
    }
    int srcW = g.getImageWidth(), srcH = g.getImageHeight();
    if (srcW <= 0 || srcH <= 0) {
      release(g);
      throw new SourceException(spec.name(), "the video stream has no frame size (" + srcW + "x" + srcH + ")", !spec.live());
    }
    int w = spec.width() > 0 ? spec.width() : srcW, h = spec.height() > 0 ? spec.height() : srcH;
    long frames = spec.kind() == SourceKind.FILE ? g.getLengthInVideoFrames() : -1;
    SourceInfo info = new SourceInfo(g.getVideoCodecName(), g.getFormat(), w, h, spec.format(), g.getVideoFrameRate(),
        frames > 0 ? frames : -1, srcW, srcH);
    return new FfmpegSource(spec, g, info, constantFrameMicros(g));
  }

  /** What FFmpeg opens: the URL for network sources, the checked path for files, the device node for V4L2. */
  private static String input(SourceSpec spec) throws SourceException {
    String location = spec.url().location();
    return switch (spec.kind()) {
      case FILE -> SourceFiles.checked(spec, Path.of(location)).toString();
      case V4L2 -> {
        if (!Files.exists(Path.of(location))) {
          throw new SourceException(spec.name(), "no such device " + location + " (is the camera plugged in? `ls /dev/video*`)", false);
        }
        yield location;
      }
      default -> location;
    };
  }

  private static void configure(FFmpegFrameGrabber g, SourceSpec spec) {
    long timeoutMicros = TimeUnit.NANOSECONDS.toMicros(spec.stallTimeout().toNanos());
    switch (spec.kind()) {
      case RTSP, RTSPS -> {
        boolean udp = spec.kind() == SourceKind.RTSP && spec.transport() == StreamConfig.Transport.UDP;
        g.setOption("rtsp_transport", udp ? "udp" : "tcp");
        g.setOption("timeout", Long.toString(timeoutMicros)); // socket I/O timeout of the RTSP demuxer (FFmpeg ≥ 5)
      }
      case HTTP, HTTPS -> g.setOption("rw_timeout", Long.toString(timeoutMicros));
      case V4L2 -> {
        g.setFormat("video4linux2");
        if (spec.width() > 0) g.setOption("video_size", spec.width() + "x" + spec.height()); // capture at the size we want
      }
      default -> { }
    }
    g.setImageMode(FrameGrabber.ImageMode.RAW); // hand us the decoder's AVFrame; we convert into pooled memory
    g.setAudioStream(Integer.MAX_VALUE); // no audio decoder: an exotic audio codec must not stop the video
    g.setVideoOption("threads", spec.decodeThreads() == 0 ? "auto" : Integer.toString(spec.decodeThreads()));
  }

  /** The frame interval in µs when the stream announces a constant rate (r_frame_rate = avg_frame_rate), else 0. */
  private static long constantFrameMicros(FFmpegFrameGrabber g) {
    if (g.getFormatContext() == null || g.getVideoStream() < 0) return 0;
    AVStream st = g.getFormatContext().streams(g.getVideoStream());
    AVRational r = st.r_frame_rate(), a = st.avg_frame_rate();
    if (r.num() <= 0 || r.den() <= 0 || a.num() <= 0 || a.den() <= 0) return 0;
    if ((long) r.num() * a.den() != (long) a.num() * r.den()) return 0;
    return Math.round(1e6 * r.den() / r.num());
  }

  @Override
  public SourceInfo info() { return info; }

  @Override
  public Decoded next(ByteBuffer dst) throws SourceException {
    org.bytedeco.javacv.Frame f;
    try {
      f = grabber.grabImage();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new SourceException(spec.name(), "reading failed: " + FfmpegErrors.strip(e.getMessage()), !spec.live(), e);
    }
    if (f == null || f.opaque == null) return endOfStream();
    AVFrame picture = (AVFrame) f.opaque;
    boolean damaged = (picture.decode_error_flags() & DECODE_ERROR_FLAGS) != 0
        || (picture.flags() & AV_FRAME_FLAG_CORRUPT) != 0;
    long pts = picture.best_effort_timestamp() == AV_NOPTS_VALUE ? Frame.NO_PTS : f.timestamp;
    int lost = lostSince(pts);
    seen += lost + 1;
    boolean skip = damaged && spec.dropConcealed();
    if (!skip) converter.convert(picture, dst);
    return new Decoded(pts, lost + (damaged ? 1 : 0), skip);
  }

  /**
   * Decodes the next frame and leaves it in the decoder's own pixel format (no conversion): the benchmark's
   * decode-only line, the same work as {@code ffmpeg -f null}. False at the end of the stream.
   */
  boolean decodeOnly() throws SourceException {
    try {
      return grabber.grabImage() != null;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new SourceException(spec.name(), "reading failed: " + FfmpegErrors.strip(e.getMessage()), true, e);
    }
  }

  /** Frames missing between the previous timestamp and this one, in a constant-rate stream. */
  private int lostSince(long pts) {
    long previous = lastPts;
    if (pts != Frame.NO_PTS) lastPts = pts;
    if (frameMicros == 0 || previous == Frame.NO_PTS || pts == Frame.NO_PTS || pts <= previous) return 0;
    long missing = Math.round((double) (pts - previous) / frameMicros) - 1;
    return (int) Math.max(0, Math.min(missing, 10_000)); // a jump of minutes is a discontinuity, not loss
  }

  /** End of stream; a file that stops well short of its announced length is reported as truncated. */
  private Decoded endOfStream() throws SourceException {
    long announced = info.frameCount();
    if (spec.kind() == SourceKind.FILE && announced >= 10 && seen < TRUNCATED_BELOW * announced) {
      throw new SourceException(spec.name(), "ended after " + seen + " of " + announced
          + " frames: the file is truncated or damaged", true);
    }
    return null;
  }

  @Override
  public void close() {
    converter.close();
    release(grabber);
  }

  private static void release(FFmpegFrameGrabber g) {
    try {
      g.releaseUnsafe(); // not release(): that one takes JavaCV's global lock (see class comment)
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // nothing useful to do: the session is over either way, and its native memory is freed by releaseUnsafe
    }
  }
}
