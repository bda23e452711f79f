package dev.glimpse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.StreamConfig;
import dev.glimpse.sim.FrameRenderer;
import dev.glimpse.sim.Y4mWriter;
import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import dev.glimpse.types.PixelFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * YUV4MPEG2 files through {@link FrameSources}: read by {@link Y4mSource} without FFmpeg, checked against FFmpeg's own
 * y4m demuxer and swscale on the same file, plus damaged files and headers.
 */
class Y4mSourceTest {
  @TempDir Path dir;

  /** Renders {@code n} simulator frames at w×h into a y4m file; returns the RGB frames written. */
  private List<byte[]> render(Path file, int w, int h, int n) throws IOException {
    FrameRenderer renderer = new FrameRenderer(w, h);
    Scene scene = new SceneGenerator().generate(7);
    List<byte[]> frames = new ArrayList<>();
    try (Y4mWriter out = new Y4mWriter(file, w, h, 30)) {
      for (int f = 1; f <= n; f++) {
        if (f > 1) scene.step(1 / 30f);
        byte[] rgb = renderer.render(scene, f).rgb();
        out.write(rgb);
        frames.add(rgb);
      }
    }
    return frames;
  }

  private static SourceSpec spec(Path file, PixelFormat format, int w, int h) throws SourceException {
    return new SourceSpec(SourceSpec.parseUrl(file.toString()), StreamConfig.Transport.TCP, format, w, h,
        Duration.ofSeconds(2), 1, 10, false);
  }

  /** A frame buffer as the pool makes it: swscale (the FFmpeg peer) may store a little past the last pixel. */
  private static ByteBuffer buffer(FrameSource s) {
    return ByteBuffer.allocateDirect(s.info().frameBytes() + BufferPool.SLACK).limit(s.info().frameBytes());
  }

  private static List<byte[]> readAll(FrameSource s) throws SourceException {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer buf = buffer(s);
    for (FrameSource.Decoded d; (d = s.next(buf)) != null; ) {
      if (d.skip()) continue;
      byte[] b = new byte[s.info().frameBytes()];
      buf.get(0, b);
      out.add(b);
    }
    return out;
  }

  private static double meanAbsDiff(byte[] a, byte[] b) {
    assertEquals(a.length, b.length);
    long sum = 0;
    for (int i = 0; i < a.length; i++) sum += Math.abs((a[i] & 255) - (b[i] & 255));
    return (double) sum / a.length;
  }

  @Test
  void agreesWithFfmpegOnTheSameFile() throws Exception {
    Path file = dir.resolve("clip.y4m");
    render(file, 168, 84, 5);
    try (FrameSource ours = FrameSources.open(spec(file, PixelFormat.RGB24, 0, 0));
         FrameSource ffmpeg = FfmpegSource.open(spec(file, PixelFormat.RGB24, 0, 0))) {
      assertTrue(ours instanceof Y4mSource, "a y4m file is read without FFmpeg");
      assertEquals("rawvideo", ffmpeg.info().codec(), "FFmpeg sees the file as raw video too");
      assertEquals(168, ours.info().width());
      assertEquals(84, ours.info().height());
      assertEquals(30.0, ours.info().fps(), 1e-9);
      assertEquals(5, ours.info().frameCount());
      List<byte[]> a = readAll(ours), b = readAll(ffmpeg);
      assertEquals(5, a.size());
      assertEquals(b.size(), a.size(), "the same frames as FFmpeg");
      for (int i = 0; i < a.size(); i++) {
        // swscale interpolates chroma where we repeat it; both sit within a few levels of each other
        assertTrue(meanAbsDiff(a.get(i), b.get(i)) < 2.0, "frame " + i + " against FFmpeg: " + meanAbsDiff(a.get(i), b.get(i)));
      }
    }
  }

  @Test
  void aSmoothPictureComesBackAsWritten() throws Exception {
    // 4:2:0 keeps one colour per 2×2 block: on a smooth picture the round trip is off by rounding only
    int w = 64, h = 48;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        rgb[o] = (byte) (40 + 2 * x);
        rgb[o + 1] = (byte) (200 - 3 * y);
        rgb[o + 2] = (byte) (90 + x + y);
      }
    }
    Path file = dir.resolve("smooth.y4m");
    try (Y4mWriter out = new Y4mWriter(file, w, h, 30)) {
      out.write(rgb);
    }
    try (FrameSource s = FrameSources.open(spec(file, PixelFormat.RGB24, 0, 0))) {
      double d = meanAbsDiff(readAll(s).getFirst(), rgb);
      assertTrue(d < 2.0, "round trip off by " + d);
    }
  }

  @Test
  void timestampsFollowTheHeaderRate() throws Exception {
    Path file = dir.resolve("clip.y4m");
    render(file, 84, 84, 4);
    try (FrameSource s = FrameSources.open(spec(file, PixelFormat.GRAY8, 0, 0))) {
      ByteBuffer buf = buffer(s);
      List<Long> pts = new ArrayList<>();
      for (FrameSource.Decoded d; (d = s.next(buf)) != null; ) pts.add(d.ptsMicros());
      assertEquals(List.of(0L, 33333L, 66667L, 100000L), pts);
      assertEquals(84 * 84, s.info().frameBytes(), "gray output is one byte a pixel");
    }
  }

  @Test
  void scalesToTheStreamSize() throws Exception {
    Path file = dir.resolve("clip.y4m");
    List<byte[]> written = render(file, 168, 168, 1);
    try (FrameSource s = FrameSources.open(spec(file, PixelFormat.RGB24, 84, 84))) {
      assertEquals(84, s.info().width());
      assertEquals(168, s.info().sourceWidth());
      byte[] got = readAll(s).getFirst();
      // a 2:1 bilinear downscale with centred pixels is the mean of each 2×2 block
      byte[] expect = new byte[84 * 84 * 3];
      byte[] src = written.getFirst();
      byte[] decoded = new byte[src.length];
      try (FrameSource full = FrameSources.open(spec(file, PixelFormat.RGB24, 0, 0))) {
        System.arraycopy(readAll(full).getFirst(), 0, decoded, 0, src.length);
      }
      for (int y = 0; y < 84; y++) {
        for (int x = 0; x < 84; x++) {
          for (int k = 0; k < 3; k++) {
            int sum = 0;
            for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++) sum += decoded[((2 * y + dy) * 168 + 2 * x + dx) * 3 + k] & 255;
            expect[(y * 84 + x) * 3 + k] = (byte) Math.round(sum / 4.0);
          }
        }
      }
      assertTrue(meanAbsDiff(got, expect) < 0.6, "bilinear 2:1 = 2×2 mean, off by " + meanAbsDiff(got, expect));
    }
  }

  @Test
  void aLastFrameCutShortIsCountedAndTheRestDelivered() throws Exception {
    Path file = dir.resolve("cut.y4m");
    render(file, 84, 84, 3);
    long size = Files.size(file);
    try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size - 1000);
    }
    try (FrameSource s = FrameSources.open(spec(file, PixelFormat.RGB24, 0, 0))) {
      ByteBuffer buf = buffer(s);
      int good = 0, corrupt = 0;
      for (FrameSource.Decoded d; (d = s.next(buf)) != null; ) {
        corrupt += d.corrupt();
        if (!d.skip()) good++;
      }
      assertEquals(2, good);
      assertEquals(1, corrupt, "the cut frame is counted, not delivered");
      assertNull(s.next(buf), "and the end stays the end");
    }
  }

  @Test
  void aDamagedFrameMarkerEndsTheSessionWithAClearError() throws Exception {
    Path file = dir.resolve("bad.y4m");
    render(file, 84, 84, 3);
    byte[] all = Files.readAllBytes(file);
    int header = new String(all, 0, 200, StandardCharsets.US_ASCII).indexOf('\n') + 1;
    int second = header + 6 + 84 * 84 * 3 / 2;
    all[second] = 'X';                                   // "XRAME"
    Files.write(file, all);
    try (FrameSource s = FrameSources.open(spec(file, PixelFormat.RGB24, 0, 0))) {
      ByteBuffer buf = buffer(s);
      assertFalse(s.next(buf).skip(), "the first frame is fine");
      SourceException e = assertThrows(SourceException.class, () -> s.next(buf));
      assertTrue(e.getMessage().contains("frame 1 does not start with FRAME"), e.getMessage());
      assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
      assertFalse(e.permanent(), "a looped file starts over");
    }
  }

  @Test
  void aBadHeaderListsEveryProblem() throws Exception {
    Path file = dir.resolve("header.y4m");
    Files.writeString(file, "YUV4MPEG2 W0 F30:0 It C420p10 A1:1\nFRAME\n", StandardCharsets.US_ASCII);
    SourceException e = assertThrows(SourceException.class, () -> FrameSources.open(spec(file, PixelFormat.RGB24, 0, 0)));
    String m = e.getMessage();
    assertTrue(e.permanent());
    for (String part : List.of("colour space C420p10", "interlaced (It)", "frame size 0x-1", "frame rate F30:0")) {
      assertTrue(m.contains(part), "names '" + part + "': " + m);
    }
  }

  @Test
  void fullRangeAndMonoFilesConvert() throws Exception {
    Path file = dir.resolve("mono.y4m");
    byte[] y = new byte[4 * 2];
    for (int i = 0; i < y.length; i++) y[i] = (byte) (i * 30);
    try (var out = Files.newOutputStream(file)) {
      out.write("YUV4MPEG2 W4 H2 F25:1 Ip Cmono XCOLORRANGE=FULL\nFRAME\n".getBytes(StandardCharsets.US_ASCII));
      out.write(y);
    }
    try (FrameSource s = FrameSources.open(spec(file, PixelFormat.RGB24, 0, 0))) {
      byte[] rgb = readAll(s).getFirst();
      for (int i = 0; i < y.length; i++) {
        for (int k = 0; k < 3; k++) assertEquals(i * 30, rgb[i * 3 + k] & 255, "full-range grey stays itself at pixel " + i);
      }
      assertEquals(25.0, s.info().fps(), 1e-9);
    }
  }

  @Test
  void anMp4IsStillReadByFfmpeg() throws Exception {
    Path mp4 = TestMedia.h264Mp4(160, 120, 3);
    try (FrameSource s = FrameSources.open(spec(mp4, PixelFormat.RGB24, 0, 0))) {
      assertFalse(s instanceof Y4mSource);
      assertEquals("h264", s.info().codec());
    }
  }
}
