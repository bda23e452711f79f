package dev.glimpse.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.StreamConfig;
import dev.glimpse.sim.FrameRenderer;
import dev.glimpse.sim.VideoWriter;
import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import dev.glimpse.types.PixelFormat;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Files, image folders and the simulator through {@link FrameSources}: real codecs, real damage, clear errors. */
class FileSourcesTest {
  /** All frames of one session: count, first-byte checksums, PTS, corrupt count. */
  record Decoded(SourceInfo info, int frames, int corrupt, List<Long> pts, byte[] firstFrame) {}

  static SourceSpec spec(String source, PixelFormat format, int w, int h) throws SourceException {
    return new SourceSpec(SourceSpec.parseUrl(source), StreamConfig.Transport.TCP, format, w, h, Duration.ofSeconds(2), 0,
        10, false);
  }

  static Decoded decodeAll(String source, PixelFormat format, int w, int h) throws SourceException {
    try (FrameSource s = FrameSources.open(spec(source, format, w, h))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(s.info().frameBytes());
      int frames = 0, corrupt = 0;
      List<Long> pts = new ArrayList<>();
      byte[] first = null;
      for (FrameSource.Decoded d; (d = s.next(buf)) != null; ) {
        corrupt += d.corrupt();
        if (d.skip()) continue;
        frames++;
        pts.add(d.ptsMicros());
        if (first == null) {
          first = new byte[s.info().frameBytes()];
          buf.get(0, first);
        }
      }
      return new Decoded(s.info(), frames, corrupt, pts, first);
    }
  }

  private static void assertIncreasing(List<Long> pts) {
    for (int i = 1; i < pts.size(); i++) assertTrue(pts.get(i) > pts.get(i - 1), "PTS in presentation order at " + i + ": " + pts);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"mp4, h264, 30", "mkv, h264, 30", "avi, mpeg4, 30", "mpg, mpeg2video, 30", "mov, h264, 30"})
  void everyContainerDecodes(String container, String codec, int frames) throws Exception {
    Path file = switch (container) {
      case "mp4" -> TestMedia.h264Mp4(160, 120, frames);
      case "mkv" -> TestMedia.mkvH264();
      case "avi" -> TestMedia.aviMpeg4();
      case "mpg" -> TestMedia.mpgMpeg2();
      default -> TestMedia.movH264();
    };
    Decoded d = decodeAll(file.toString(), PixelFormat.RGB24, 0, 0);
    assertEquals(codec, d.info().codec());
    assertEquals(160, d.info().width());
    assertEquals(120, d.info().height());
    assertEquals(frames, d.frames(), "every frame of " + file.getFileName());
    assertEquals(0, d.corrupt());
    assertIncreasing(d.pts());
  }

  @Test
  void realRecordedVideosFromDebianDecode() throws Exception {
    // cockatoo: a handheld camera, H.264 High 4:4:4 with B-frames and an mp3 track we must ignore
    Decoded bird = decodeAll(TestMedia.COCKATOO.toString(), PixelFormat.GRAY8, 0, 0);
    assertEquals("h264", bird.info().codec());
    assertEquals(1280, bird.info().width());
    assertEquals(720, bird.info().height());
    assertEquals(280, bird.frames());
    assertEquals(0, bird.corrupt());
    assertIncreasing(bird.pts());
    assertEquals(20.0, bird.info().fps(), 1e-9);
    // realshort: H.264 High 4:2:0 with B-frames and AAC, resized on the way to 160x120 RGB
    Decoded shortClip = decodeAll(TestMedia.REALSHORT.toString(), PixelFormat.RGB24, 160, 120);
    assertEquals(36, shortClip.frames());
    assertEquals(160 * 120 * 3, shortClip.firstFrame().length);
    assertEquals(320, shortClip.info().sourceWidth());
    assertTrue(distinctValues(shortClip.firstFrame()) > 50, "a real picture, not a blank buffer");
  }

  @Test
  void pixelFormatsPutChannelsInTheRightOrder() throws Exception {
    Path file = TestMedia.dir().resolve("red-blue.mp4");
    byte[] rgb = new byte[64 * 64 * 3];
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) rgb[(y * 64 + x) * 3 + (x < 32 ? 0 : 2)] = (byte) 255; // left red, right blue
    }
    try (VideoWriter w = new VideoWriter(file, 64, 64, 30, 400_000)) {
      for (int i = 0; i < 3; i++) w.write(rgb);
    }
    byte[] asRgb = decodeAll(file.toString(), PixelFormat.RGB24, 0, 0).firstFrame();
    byte[] asBgr = decodeAll(file.toString(), PixelFormat.BGR24, 0, 0).firstFrame();
    byte[] asGray = decodeAll(file.toString(), PixelFormat.GRAY8, 0, 0).firstFrame();
    int left = (32 * 64 + 8) * 3, right = (32 * 64 + 56) * 3;
    assertPixel(asRgb, left, 255, 0, 0);
    assertPixel(asRgb, right, 0, 0, 255);
    assertPixel(asBgr, left, 0, 0, 255);
    assertPixel(asBgr, right, 255, 0, 0);
    assertEquals(76, asGray[32 * 64 + 8] & 255, 20, "luma of red (0.299 · 255)");
    assertEquals(29, asGray[32 * 64 + 56] & 255, 20, "luma of blue (0.114 · 255)");
  }

  private static void assertPixel(byte[] img, int at, int c0, int c1, int c2) {
    int[] got = {img[at] & 255, img[at + 1] & 255, img[at + 2] & 255};
    assertTrue(Math.abs(got[0] - c0) < 40 && Math.abs(got[1] - c1) < 40 && Math.abs(got[2] - c2) < 40,
        "expected ~(" + c0 + "," + c1 + "," + c2 + "), got " + java.util.Arrays.toString(got));
  }

  @Test
  void aMissingFileIsAPermanentErrorNamingIt() {
    Path missing = TestMedia.dir().resolve("no-such-video.mp4");
    SourceException e = assertThrows(SourceException.class, () -> FrameSources.open(spec(missing.toString(), PixelFormat.RGB24, 0, 0)));
    assertTrue(e.permanent());
    assertEquals(missing + ": no such file: " + missing, e.getMessage());
  }

  @Test
  void aTruncatedMp4WithoutItsIndexSaysSo() throws Exception {
    Path cut = TestMedia.cut(TestMedia.h264Mp4(160, 120, 30), 0.5, "cut-no-moov.mp4");
    SourceException e = assertThrows(SourceException.class, () -> FrameSources.open(spec(cut.toString(), PixelFormat.RGB24, 0, 0)));
    assertTrue(e.permanent());
    assertTrue(e.getMessage().startsWith(cut + ": cannot open: Invalid data found when processing input"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("moov"), e.getMessage());
  }

  @Test
  void aTruncatedMp4WithItsIndexFirstPlaysUpToTheCutThenSaysSo() throws Exception {
    Path cut = TestMedia.cut(TestMedia.faststartMp4(), 0.5, "cut-faststart.mp4");
    try (FrameSource s = FrameSources.open(spec(cut.toString(), PixelFormat.RGB24, 0, 0))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(s.info().frameBytes());
      int frames = 0;
      SourceException e = null;
      try {
        while (s.next(buf) != null) frames++;
      } catch (SourceException x) {
        e = x;
      }
      assertTrue(frames > 10 && frames < 60, "frames up to the cut: " + frames);
      assertTrue(e != null && e.permanent(), "the early end is reported");
      assertTrue(e.getMessage().startsWith(cut + ": ended after ") && e.getMessage().contains("of 60 frames: the file is truncated"),
          e.getMessage());
    }
  }

  @Test
  void corruptPacketsMidStreamAreCountedAndDecodingGoesOn() throws Exception {
    Path bad = TestMedia.corrupt(TestMedia.h264Mp4(160, 120, 90), "corrupt.mp4");
    Decoded d = decodeAll(bad.toString(), PixelFormat.RGB24, 0, 0);
    assertTrue(d.corrupt() > 0, "damage is counted");
    assertTrue(d.frames() >= 80, "the stream goes on past the damage: " + d.frames() + " frames");
    assertTrue(d.frames() + d.corrupt() >= 90, "every frame is either delivered or counted");
    assertIncreasing(d.pts());
  }

  @Test
  void unknownCodecsAndNonVideosAreClearErrors() throws Exception {
    Path avi = TestMedia.unknownCodecAvi();
    SourceException codec = assertThrows(SourceException.class, () -> FrameSources.open(spec(avi.toString(), PixelFormat.RGB24, 0, 0)));
    assertTrue(codec.permanent());
    assertEquals(avi + ": unsupported codec: stream 0: video 'ZZZZ' (no decoder)", codec.getMessage());
    Path text = Files.writeString(TestMedia.dir().resolve("notes.mp4"), "these are not the frames you are looking for\n");
    SourceException notVideo = assertThrows(SourceException.class, () -> FrameSources.open(spec(text.toString(), PixelFormat.RGB24, 0, 0)));
    assertTrue(notVideo.getMessage().contains("not a video file"), notVideo.getMessage());
    SourceException folder = assertThrows(SourceException.class,
        () -> FrameSources.open(spec(TestMedia.dir().toString(), PixelFormat.RGB24, 0, 0)));
    assertTrue(folder.getMessage().contains("images://"), folder.getMessage());
  }

  @Test
  void aMissingCameraDeviceIsRetriedNotFatal() {
    SourceException e = assertThrows(SourceException.class, () -> FrameSources.open(spec("v4l2:///dev/video97", PixelFormat.RGB24, 0, 0)));
    assertFalse(e.permanent(), "a USB camera can be plugged back in");
    assertTrue(e.getMessage().contains("no such device /dev/video97"), e.getMessage());
  }

  @Test
  void imageFoldersPlayInNameOrderScaledToTheFirstImageAndSkipBrokenOnes() throws Exception {
    Path dir = Files.createDirectories(TestMedia.dir().resolve("real-images"));
    Files.copy(TestMedia.IMAGEIO.resolve("astronaut.png"), dir.resolve("a-astronaut.png"));
    Files.write(dir.resolve("b-broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    Files.copy(TestMedia.IMAGEIO.resolve("chelsea.png"), dir.resolve("c-chelsea.png")); // 451x300: odd width
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    Decoded d = decodeAll("images://" + dir, PixelFormat.RGB24, 0, 0);
    assertEquals(2, d.frames());
    assertEquals(1, d.corrupt(), "the broken PNG is counted");
    assertEquals(512, d.info().width());
    assertEquals(3, d.info().frameCount());
    assertEquals(List.of(0L, 200_000L), d.pts(), "10 images/s; the broken one keeps its slot in the timeline");
    Decoded sim = decodeAll("images://" + TestMedia.pngFolder(64, 48, 5), PixelFormat.GRAY8, 0, 0);
    assertEquals(5, sim.frames());
    SourceException empty = assertThrows(SourceException.class,
        () -> FrameSources.open(spec("images://" + Files.createDirectories(TestMedia.dir().resolve("empty")), PixelFormat.RGB24, 0, 0)));
    assertTrue(empty.getMessage().contains("no images (bmp, gif, jpeg, jpg, pgm, png, ppm, tif, tiff, webp)"), empty.getMessage());
  }

  @Test
  void theSimulatorRendersDeterministicallyIntoTheWantedFormat() throws Exception {
    Decoded a = decodeAll("sim://seed=5&size=64x48&fps=30&frames=12", PixelFormat.RGB24, 0, 0);
    assertEquals(12, a.frames());
    assertEquals(64, a.info().width());
    assertEquals(33_333L, a.pts().get(1));
    Scene scene = new SceneGenerator().generate(5);
    byte[] expected = new FrameRenderer(64, 48).render(scene, 1).rgb();
    assertArrayEquals(expected, a.firstFrame(), "RGB24 is the renderer's own output, byte for byte");
    byte[] bgr = decodeAll("sim://seed=5&size=64x48&frames=1", PixelFormat.BGR24, 0, 0).firstFrame();
    assertEquals(expected[0], bgr[2]);
    assertEquals(expected[2], bgr[0]);
  }

  private static int distinctValues(byte[] b) {
    boolean[] seen = new boolean[256];
    int n = 0;
    for (byte v : b) if (!seen[v & 255]) {
      seen[v & 255] = true;
      n++;
    }
    return n;
  }
}
