package dev.glimpse.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Uncompressed video in a YUV4MPEG2 file ({@code .y4m}: FFmpeg's and x264's raw format), read and converted here,
 * without FFmpeg: a file source for machines that carry no video decoder, and a decode cost of a copy and a colour
 * conversion.
 *
 * <p>Format (the yuv4mpeg(5) man page, mjpegtools): one ASCII header line {@code YUV4MPEG2 W756 H756 F30:1 Ip A1:1
 * C420jpeg}, then per frame a line starting {@code FRAME} and the planes Y, Cb, Cr (or Y alone for {@code Cmono}).
 * Supported colour spaces: 4:2:0 (every siting: {@code 420jpeg, 420paldv, 420mpeg2, 420}, the default), 4:2:2,
 * 4:4:4 and mono, 8 bits. YCbCr is BT.601, limited range unless the header says {@code XCOLORRANGE=FULL}; chroma is
 * upsampled by repetition. When the stream asks for another size the RGB picture is scaled bilinearly.
 *
 * <p>A frame whose header is not {@code FRAME} means the file is damaged from there on: the session ends with an
 * error (a loop starts over). A last frame cut short is delivered as one skipped, corrupt frame, then the end.
 */
final class Y4mSource implements FrameSource {
  static final String MAGIC = "YUV4MPEG2 ";
  private static final int MAX_HEADER = 4096;
  private static final int MAX_SIDE = 16384;

  /** Chroma layout: plane sizes from the luma size. */
  enum Chroma {
    C420(2, 2), C422(2, 1), C444(1, 1), MONO(0, 0);

    final int sx, sy; // subsampling in x, y; 0 = no chroma planes

    Chroma(int sx, int sy) {
      this.sx = sx;
      this.sy = sy;
    }

    int planeWidth(int w) { return sx == 0 ? 0 : (w + sx - 1) / sx; }

    int planeHeight(int h) { return sy == 0 ? 0 : (h + sy - 1) / sy; }

    static Chroma parse(String tag) {
      String t = tag.toLowerCase(Locale.ROOT);
      if (t.equals("420") || t.equals("420jpeg") || t.equals("420paldv") || t.equals("420mpeg2")) return C420;
      if (t.equals("422")) return C422;
      if (t.equals("444")) return C444;
      if (t.equals("mono")) return MONO;
      return null;
    }
  }

  /** The stream header's fields. */
  record Header(int width, int height, int fpsNum, int fpsDen, Chroma chroma, boolean fullRange, int bytes) {
    double fps() { return (double) fpsNum / fpsDen; }

    int frameBytes() {
      return width * height + 2 * chroma.planeWidth(width) * chroma.planeHeight(height);
    }
  }

  private final SourceSpec spec;
  private final FileChannel file;
  private final Header header;
  private final SourceInfo info;
  private final ByteBuffer planes;      // one frame's Y, Cb, Cr
  private final byte[] yuv;             // the same bytes on the heap
  private final byte[] rgb;             // [srcH, srcW, 3]
  private final byte[] scaled;          // [h, w, 3] when the stream is resized, else null
  private final ByteBuffer line = ByteBuffer.allocate(256);
  private long index;                   // next frame
  private boolean ended;

  private Y4mSource(SourceSpec spec, FileChannel file, Header header, SourceInfo info) {
    this.spec = spec;
    this.file = file;
    this.header = header;
    this.info = info;
    this.planes = ByteBuffer.allocate(header.frameBytes());
    this.yuv = planes.array();
    this.rgb = new byte[header.width() * header.height() * 3];
    boolean resized = info.width() != header.width() || info.height() != header.height();
    this.scaled = resized ? new byte[info.width() * info.height() * 3] : null;
  }

  /** Whether {@code path} is a YUV4MPEG2 file (by its first bytes, not its name). */
  static boolean is(Path path) { return SourceFiles.startsWith(path, MAGIC); }

  static Y4mSource open(SourceSpec spec) throws SourceException {
    Path path = SourceFiles.checked(spec, Path.of(spec.url().location()));
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new SourceException(spec.name(), "cannot open " + path + ": " + e.getMessage(), true, e);
    }
    try {
      String text = readLine(ch, ByteBuffer.allocate(MAX_HEADER), MAX_HEADER);
      if (text == null) throw new SourceException(spec.name(), "the YUV4MPEG2 header of " + path + " has no end of line", true);
      Header h = parseHeader(spec.name(), text);
      long frameCount = (ch.size() - h.bytes()) / (h.frameBytes() + 6L);  // "FRAME\n" without frame parameters
      int w = spec.width() > 0 ? spec.width() : h.width(), ht = spec.height() > 0 ? spec.height() : h.height();
      SourceInfo info = new SourceInfo("rawvideo", "yuv4mpegpipe", w, ht, spec.format(), h.fps(), frameCount, h.width(), h.height());
      return new Y4mSource(spec, ch, h, info);
    } catch (IOException e) {
      close(ch);
      if (e instanceof SourceException se) throw se;
      throw new SourceException(spec.name(), "cannot read " + path + ": " + e.getMessage(), true, e);
    }
  }

  /** Parses the stream header line (without its newline); every problem is named. */
  static Header parseHeader(String source, String line) throws SourceException {
    if (!line.startsWith(MAGIC.strip())) throw new SourceException(source, "not a YUV4MPEG2 file (no YUV4MPEG2 signature)", true);
    int w = -1, h = -1, num = 0, den = 0;
    Chroma chroma = Chroma.C420;
    boolean full = false;
    StringBuilder problems = new StringBuilder();
    for (String tok : line.substring(MAGIC.length() - 1).strip().split(" +")) {
      if (tok.isEmpty()) continue;
      String v = tok.substring(1);
      try {
        switch (tok.charAt(0)) {
          case 'W' -> w = Integer.parseInt(v);
          case 'H' -> h = Integer.parseInt(v);
          case 'F' -> {
            String[] nd = v.split(":");
            num = Integer.parseInt(nd[0]);
            den = Integer.parseInt(nd[1]);
          }
          case 'C' -> {
            chroma = Chroma.parse(v);
            if (chroma == null) problems.append("; colour space C").append(v)
                .append(" is not supported (420*, 422, 444, mono; 8 bits): convert with ffmpeg -pix_fmt yuv420p");
          }
          case 'I' -> {
            if (!v.equals("p") && !v.equals("?")) problems.append("; interlaced (I").append(v).append(") frames are not supported");
          }
          case 'X' -> full |= v.equalsIgnoreCase("COLORRANGE=FULL");
          default -> { } // A (pixel aspect) and anything new: not needed to decode
        }
      } catch (RuntimeException e) {
        problems.append("; bad header field '").append(tok).append('\'');
      }
    }
    if (w <= 0 || w > MAX_SIDE || h <= 0 || h > MAX_SIDE) {
      problems.append("; frame size ").append(w).append('x').append(h).append(" is missing or outside 1..").append(MAX_SIDE);
    }
    if (num <= 0 || den <= 0) problems.append("; frame rate F").append(num).append(':').append(den).append(" is missing or not positive");
    if (problems.length() > 0) throw new SourceException(source, "bad YUV4MPEG2 header: " + problems.substring(2), true);
    return new Header(w, h, num, den, chroma, full, line.length() + 1);
  }

  @Override
  public SourceInfo info() { return info; }

  @Override
  public Decoded next(ByteBuffer dst) throws SourceException {
    if (ended) return null;
    long pts = Math.round(index * 1e6 * header.fpsDen() / header.fpsNum());
    String frameLine;
    try {
      frameLine = readLine(file, line.clear(), line.capacity());
    } catch (IOException e) {
      throw new SourceException(spec.name(), "cannot read frame " + index + ": " + e.getMessage(), false, e);
    }
    if (frameLine == null) {                     // end of file (or a frame header cut short)
      ended = true;
      return null;
    }
    if (!frameLine.startsWith("FRAME")) {
      ended = true;
      throw new SourceException(spec.name(), "frame " + index + " does not start with FRAME: the file is damaged from there on", false);
    }
    try {
      planes.clear();
      while (planes.hasRemaining()) {
        if (file.read(planes) < 0) throw new EOFException();
      }
    } catch (EOFException e) {
      ended = true;
      index++;
      return new Decoded(pts, 1, true);
    } catch (IOException e) {
      throw new SourceException(spec.name(), "cannot read frame " + index + ": " + e.getMessage(), false, e);
    }
    index++;
    toRgb(header, yuv, rgb);
    byte[] out = rgb;
    if (scaled != null) {
      scaleBilinear(rgb, header.width(), header.height(), scaled, info.width(), info.height());
      out = scaled;
    }
    SimSource.write(out, info.format(), dst);
    return new Decoded(pts, 0, false);
  }

  /**
   * BT.601 YCbCr → packed RGB in 16-bit fixed point. Limited range: R = 1.164 (Y − 16) + 1.596 (Cr − 128),
   * G = 1.164 (Y − 16) − 0.392 (Cb − 128) − 0.813 (Cr − 128), B = 1.164 (Y − 16) + 2.017 (Cb − 128); full range
   * uses 1, 1.402, 0.344, 0.714, 1.772 and no offset on Y.
   */
  static void toRgb(Header h, byte[] yuv, byte[] rgb) {
    int w = h.width(), ht = h.height();
    Chroma c = h.chroma();
    int cw = c.planeWidth(w), ch = c.planeHeight(ht);
    int uOff = w * ht, vOff = uOff + cw * ch;
    int ky, yOff, kr, kgu, kgv, kb;
    if (h.fullRange()) {
      ky = 65536; yOff = 0; kr = 91881; kgu = 22554; kgv = 46802; kb = 116130;
    } else {
      ky = 76284; yOff = 16; kr = 104595; kgu = 25690; kgv = 53280; kb = 132186;
    }
    for (int y = 0; y < ht; y++) {
      int crow = c.sy == 0 ? 0 : (y / c.sy) * cw;
      for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
        int l = ((yuv[y * w + x] & 255) - yOff) * ky + 32768;
        int r, g, b;
        if (c.sx == 0) {
          r = g = b = l;
        } else {
          int ci = crow + x / c.sx;
          int u = (yuv[uOff + ci] & 255) - 128, v = (yuv[vOff + ci] & 255) - 128;
          r = l + kr * v;
          g = l - kgu * u - kgv * v;
          b = l + kb * u;
        }
        rgb[o] = clamp(r >> 16);
        rgb[o + 1] = clamp(g >> 16);
        rgb[o + 2] = clamp(b >> 16);
      }
    }
  }

  private static byte clamp(int v) { return (byte) (v < 0 ? 0 : Math.min(v, 255)); }

  /** Bilinear scaling of packed RGB, pixel centres aligned (as swscale's and OpenCV's bilinear). */
  static void scaleBilinear(byte[] src, int sw, int sh, byte[] dst, int dw, int dh) {
    double fx = (double) sw / dw, fy = (double) sh / dh;
    for (int y = 0; y < dh; y++) {
      double sy = Math.max(0, (y + 0.5) * fy - 0.5);
      int y0 = Math.min((int) sy, sh - 1), y1 = Math.min(y0 + 1, sh - 1);
      double wy = sy - y0;
      for (int x = 0; x < dw; x++) {
        double sx = Math.max(0, (x + 0.5) * fx - 0.5);
        int x0 = Math.min((int) sx, sw - 1), x1 = Math.min(x0 + 1, sw - 1);
        double wx = sx - x0;
        for (int k = 0; k < 3; k++) {
          double top = (src[(y0 * sw + x0) * 3 + k] & 255) * (1 - wx) + (src[(y0 * sw + x1) * 3 + k] & 255) * wx;
          double bot = (src[(y1 * sw + x0) * 3 + k] & 255) * (1 - wx) + (src[(y1 * sw + x1) * 3 + k] & 255) * wx;
          dst[(y * dw + x) * 3 + k] = (byte) Math.round(top * (1 - wy) + bot * wy);
        }
      }
    }
  }

  /**
   * Reads one {@code \n}-terminated ASCII line byte by byte from the channel's position (headers are short).
   * Null at the end of the file or when no newline comes within {@code max} bytes.
   */
  private static String readLine(FileChannel ch, ByteBuffer buf, int max) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    buf.clear();
    while (buf.position() < max) {
      one.clear();
      if (ch.read(one) < 0) return null;
      byte b = one.get(0);
      if (b == '\n') return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
      buf.put(b);
    }
    return null;
  }

  @Override
  public void close() { close(file); }

  private static void close(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing is lost by a read-only file failing to close
    }
  }

  /** The header as read. */
  Header header() { return header; }
}
