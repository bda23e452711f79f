package dev.glimpse.ingest;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_RGB;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

import dev.glimpse.types.PixelFormat;
import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded pictures (any FFmpeg pixel format, e.g. yuv420p) into packed RGB24/BGR24/GRAY8 of a fixed
 * output size, writing straight into the caller's direct buffer: the one pass over the pixels between decoder and
 * pipeline. One per session; not thread-safe.
 */
final class PixelConverter implements AutoCloseable {
  private static final int ONE = 1 << 16; // swscale's fixed-point 1.0 for contrast and saturation

  private final int width, height; // output size, pixels
  private final PixelFormat format;
  private final int avFormat;
  private final PointerPointer<BytePointer> dstPlanes = new PointerPointer<>(4);
  private final IntPointer dstStrides = new IntPointer(4);
  private SwsContext sws;

  PixelConverter(int width, int height, PixelFormat format) {
    this.width = width;
    this.height = height;
    this.format = format;
    this.avFormat = switch (format) {
      case RGB24 -> AV_PIX_FMT_RGB24;
      case BGR24 -> AV_PIX_FMT_BGR24;
      case GRAY8 -> AV_PIX_FMT_GRAY8;
    };
    dstStrides.put(0, format.rowBytes(width));
  }

  /**
   * Writes {@code src} (any size and format FFmpeg knows) as a packed {@code width × height} image into
   * {@code dst[0, width · height · bytesPerPixel)}. {@code dst} must be direct.
   */
  void convert(AVFrame src, ByteBuffer dst) {
    if (!dst.isDirect()) throw new IllegalArgumentException("swscale writes into direct buffers only");
    if (dst.capacity() < format.imageBytes(width, height)) {
      throw new IllegalArgumentException("buffer of " + dst.capacity() + " bytes is too small for " + width + "x" + height + " " + format);
    }
    SwsContext next = sws_getCachedContext(sws, src.width(), src.height(), src.format(), width, height, avFormat,
        SWS_BILINEAR, null, null, (DoublePointer) null);
    if (next == null) {
      throw new IllegalStateException("swscale cannot convert pixel format " + src.format() + " to " + format);
    }
    if (!next.equals(sws)) {
      sws = next;
      colorspace(src);
    }
    try (BytePointer out = new BytePointer(dst.duplicate().clear())) {
      dstPlanes.put(0, out);
      sws_scale(sws, src.data(), src.linesize(), 0, src.height(), dstPlanes, dstStrides);
    }
  }

  /**
   * The YUV→RGB matrix and range from a YUV picture's own tags (BT.709 for most HD streams), where swscale would
   * otherwise assume BT.601 for everything. Untagged YUV keeps swscale's default (BT.601, range by pixel format).
   */
  private void colorspace(AVFrame src) {
    int space = src.colorspace();
    if (space == AVCOL_SPC_RGB || space == AVCOL_SPC_UNSPECIFIED) return; // RGB, gray, or untagged YUV: defaults
    IntPointer coefficients = sws_getCoefficients(space);
    int srcFullRange = src.color_range() == AVCOL_RANGE_JPEG ? 1 : 0;
    sws_setColorspaceDetails(sws, coefficients, srcFullRange, coefficients, 1, 0, ONE, ONE);
  }

  @Override
  public void close() {
    if (sws != null) sws_freeContext(sws);
    sws = null;
    dstPlanes.close();
    dstStrides.close();
  }
}
