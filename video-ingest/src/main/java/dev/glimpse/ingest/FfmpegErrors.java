package dev.glimpse.ingest;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_NONE;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.av_get_media_type_string;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import dev.glimpse.config.SourceKind;
import java.util.regex.Matcher;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import java.util.regex.Pattern;

/**
 * Turns JavaCV's open errors ({@code "avformat_open_input() error -111: Could not open input ... (Has setFormat()
 * been called?)"}) into a {@link SourceException} a user can act on: FFmpeg's own words for the error code, a
 * hint for the kind of source, and whether retrying can help.
 */
final class FfmpegErrors {
  private FfmpegErrors() {}

  private static final Pattern CODE = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");
  private static final int AVERROR_INVALIDDATA = -1094995529; // FFERRTAG('I','N','D','A')
  private static final int AVERROR_EOF = -541478725; // FFERRTAG('E','O','F',' ')
  private static final int ECONNREFUSED = -111;

  static SourceException describe(SourceSpec spec, Throwable e) {
    String msg = String.valueOf(e.getMessage());
    boolean live = spec.live();
    Matcher m = CODE.matcher(msg);
    String call = m.find() ? m.group(1) : "";
    int code = call.isEmpty() ? 0 : Integer.parseInt(m.group(2));
    String text = code != 0 ? strerror(code) : strip(msg);
    if (msg.contains("avcodec_find_decoder()")) {
      return new SourceException(spec.name(), "unsupported codec: this FFmpeg build has no decoder for the video stream ("
          + strip(msg) + ")", true, e);
    }
    if (msg.contains("Did not find a video or audio stream")) {
      String streams = live ? "" : describeStreams(spec.url().location());
      boolean unknownVideo = streams.contains("video") && streams.contains("no decoder");
      return new SourceException(spec.name(), (unknownVideo ? "unsupported codec: " : "no decodable video stream: ")
          + (streams.isEmpty() ? "audio only, or a codec FFmpeg does not know" : streams), !live, e);
    }
    return switch (call) {
      case "avformat_open_input" -> new SourceException(spec.name(), "cannot open: " + text + hint(spec.kind(), code), !live, e);
      case "avformat_find_stream_info" -> new SourceException(spec.name(), "cannot read the stream's format: " + text
          + hint(spec.kind(), code), !live, e);
      case "av_find_input_format" -> new SourceException(spec.name(), "this FFmpeg build cannot read " + spec.kind().scheme()
          + " sources (" + strip(msg) + ")", true, e);
      case "avcodec_open2" -> new SourceException(spec.name(), "cannot open the decoder: " + text, true, e);
      default -> new SourceException(spec.name(), text, !live, e);
    };
  }

  /**
   * What the streams of a file are, for the error message when none can be decoded, e.g. {@code stream 0: video
   * 'ZZZZ' (no decoder)}. Opens the file once more with plain libavformat; empty if even that fails.
   */
  static String describeStreams(String file) {
    AVFormatContext ctx = new AVFormatContext(null);
    if (avformat_open_input(ctx, file, null, null) < 0) return "";
    try {
      avformat_find_stream_info(ctx, (PointerPointer<?>) null);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < ctx.nb_streams(); i++) {
        AVCodecParameters par = ctx.streams(i).codecpar();
        BytePointer type = av_get_media_type_string(par.codec_type());
        if (sb.length() > 0) sb.append(", ");
        sb.append("stream ").append(i).append(": ").append(type == null ? "data" : type.getString());
        if (par.codec_id() == AV_CODEC_ID_NONE) {
          sb.append(" '").append(fourcc(par.codec_tag())).append("' (no decoder)");
        } else {
          sb.append(' ').append(avcodec_get_name(par.codec_id()).getString());
          if (avcodec_find_decoder(par.codec_id()) == null) sb.append(" (no decoder)");
        }
      }
      return sb.toString();
    } finally {
      avformat_close_input(ctx);
    }
  }

  private static String fourcc(int tag) {
    StringBuilder sb = new StringBuilder(4);
    for (int k = 0; k < 4; k++) {
      int c = (tag >>> (8 * k)) & 255;
      sb.append(c >= 32 && c < 127 ? (char) c : '?');
    }
    return sb.toString();
  }

  private static String hint(SourceKind kind, int code) {
    if (code == AVERROR_INVALIDDATA && kind == SourceKind.FILE) {
      return " (not a video file, or truncated: an MP4 cut off while recording has no index (moov atom) and cannot be read)";
    }
    if (code == AVERROR_EOF && kind == SourceKind.FILE) {
      return " (the file ends inside its header or index: truncated while being written or copied)";
    }
    if (code == ECONNREFUSED) return " (is the camera or server up, and the port right?)";
    return "";
  }

  /** FFmpeg's description of an error code, e.g. {@code Connection refused}. */
  static String strerror(int code) {
    byte[] buf = new byte[256];
    if (av_strerror(code, buf, buf.length) < 0) return "error " + code;
    int n = 0;
    while (n < buf.length && buf[n] != 0) n++;
    return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8) + " (" + code + ")";
  }

  /** JavaCV's message without its boilerplate advice. */
  static String strip(String msg) {
    if (msg == null) return "unknown error";
    return msg.replace(" (Has setFormat() been called?)", "")
        .replace(" (For more details, make sure FFmpegLogCallback.set() has been called.)", "").strip();
  }
}
