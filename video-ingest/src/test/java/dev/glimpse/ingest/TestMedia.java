package dev.glimpse.ingest;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG2VIDEO;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;

import dev.glimpse.sim.FrameRenderer;
import dev.glimpse.sim.PngWriter;
import dev.glimpse.sim.VideoWriter;
import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Test videos rendered by the simulator at small sizes, once per JVM, under one temporary folder (deleted at exit):
 * H.264 MP4 through the simulator's own {@link VideoWriter}, other containers and codecs through JavaCV's recorder,
 * and damaged copies. No network, no checked-in binaries.
 */
final class TestMedia {
  /** Real recorded videos from Debian's python3-imageio (.ci/apt-packages installs it). */
  static final Path IMAGEIO = Path.of("/usr/lib/python3/dist-packages/imageio/resources/images");
  static final Path COCKATOO = IMAGEIO.resolve("cockatoo.mp4");   // h264 High 4:4:4, B-frames, mp3, 1280x720, 280 frames
  static final Path REALSHORT = IMAGEIO.resolve("realshort.mp4"); // h264 High yuv420p, B-frames, aac, 320x240, 36 frames

  private static final Path DIR = tempDir();
  private static final Map<String, Path> CACHE = new ConcurrentHashMap<>();

  private TestMedia() {}

  private static Path tempDir() {
    try {
      Path d = Files.createTempDirectory("glimpse-ingest-test");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path dir() { return DIR; }

  /** H.264 (OpenH264) in MP4 by the simulator's VideoWriter: {@code frames} frames of scene {@code seed} at 30 fps. */
  static synchronized Path h264Mp4(int w, int h, int frames) {
    return CACHE.computeIfAbsent("sim-" + w + "x" + h + "-" + frames + ".mp4", name -> {
      Path out = DIR.resolve(name);
      try (VideoWriter vw = new VideoWriter(out, w, h, 30, 400_000)) {
        render(w, h, frames, rgb -> vw.write(rgb));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return out;
    });
  }

  /**
   * The same scene through JavaCV's recorder: {@code container} (matroska, avi, mpeg, mov, mp4) with
   * {@code codec} (an AV_CODEC_ID_*); {@code options} are muxer options such as {@code movflags=+faststart}.
   */
  static synchronized Path encode(String name, String container, int codec, int w, int h, int frames, Map<String, String> options) {
    return CACHE.computeIfAbsent(name, n -> {
      Path out = DIR.resolve(n);
      try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), w, h, 0)) {
        r.setFormat(container);
        r.setVideoCodec(codec);
        r.setPixelFormat(codec == AV_CODEC_ID_MJPEG ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_YUV420P);
        r.setFrameRate(codec == AV_CODEC_ID_MPEG2VIDEO ? 25 : 30); // MPEG-2 allows only standard rates
        r.setGopSize(10);
        r.setVideoBitrate(400_000);
        r.setVideoOption("threads", "1");
        options.forEach(r::setOption);
        r.start();
        render(w, h, frames, rgb -> r.recordImage(w, h, Frame.DEPTH_UBYTE, 3, w * 3, AV_PIX_FMT_RGB24, ByteBuffer.wrap(rgb)));
        r.stop();
      } catch (Exception e) {
        throw new IllegalStateException("cannot write " + n, e);
      }
      return out;
    });
  }

  static Path mkvH264() { return encode("sim.mkv", "matroska", AV_CODEC_ID_H264, 160, 120, 30, Map.of()); }

  static Path aviMpeg4() { return encode("sim.avi", "avi", AV_CODEC_ID_MPEG4, 160, 120, 30, Map.of()); }

  static Path mpgMpeg2() { return encode("sim.mpg", "mpeg", AV_CODEC_ID_MPEG2VIDEO, 160, 120, 30, Map.of()); }

  static Path movH264() { return encode("sim.mov", "mov", AV_CODEC_ID_H264, 160, 120, 30, Map.of()); }

  static Path aviMjpeg() { return encode("mjpeg.avi", "avi", AV_CODEC_ID_MJPEG, 160, 120, 10, Map.of()); }

  /** An MP4 with its index first (faststart), so that a cut copy still opens and plays up to the cut. */
  static Path faststartMp4() {
    return encode("faststart.mp4", "mp4", AV_CODEC_ID_H264, 160, 120, 60, Map.of("movflags", "+faststart"));
  }

  /** The first {@code fraction} of a file's bytes. */
  static Path cut(Path src, double fraction, String name) {
    return CACHE.computeIfAbsent(name, n -> {
      try {
        byte[] all = Files.readAllBytes(src);
        return Files.write(DIR.resolve(n), Arrays.copyOf(all, (int) (all.length * fraction)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A copy with every 997th byte inverted between 40 % and 60 % of the file: damaged packets mid-stream. */
  static Path corrupt(Path src, String name) {
    return CACHE.computeIfAbsent(name, n -> {
      try {
        byte[] b = Files.readAllBytes(src);
        for (int i = b.length * 4 / 10; i < b.length * 6 / 10; i += 997) b[i] ^= (byte) 0xFF;
        return Files.write(DIR.resolve(n), b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** An MJPEG AVI whose fourcc is rewritten to 'ZZZZ': a video stream no decoder knows. */
  static Path unknownCodecAvi() {
    return CACHE.computeIfAbsent("unknown-codec.avi", n -> {
      try {
        byte[] b = Files.readAllBytes(aviMjpeg());
        byte[] tag = "MJPG".getBytes(StandardCharsets.US_ASCII), zz = "ZZZZ".getBytes(StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + 4 <= Math.min(b.length, 8192); i++) {
          if (Arrays.equals(b, i, i + 4, tag, 0, 4)) {
            System.arraycopy(zz, 0, b, i, 4);
            replaced++;
          }
        }
        if (replaced == 0) throw new IllegalStateException("no MJPG fourcc in the AVI header");
        return Files.write(DIR.resolve(n), b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A folder of {@code n} PNG frames of the simulator, named 000001.png …, plus a text file that must be ignored. */
  static synchronized Path pngFolder(int w, int h, int n) {
    return CACHE.computeIfAbsent("png-" + w + "x" + h + "-" + n, name -> {
      Path d = DIR.resolve(name);
      try {
        Files.createDirectories(d);
        int[] i = {0};
        render(w, h, n, rgb -> PngWriter.write(d.resolve(String.format("%06d.png", ++i[0])), w, h, rgb));
        Files.writeString(d.resolve("README.txt"), "not an image");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return d;
    });
  }

  interface RgbSink {
    void accept(byte[] rgb) throws Exception;
  }

  /** Scene 3 of the simulator, {@code frames} frames at 30 fps, as packed RGB. */
  static void render(int w, int h, int frames, RgbSink sink) throws Exception {
    FrameRenderer renderer = new FrameRenderer(w, h);
    Scene scene = new SceneGenerator().generate(3);
    for (int f = 1; f <= frames; f++) {
      if (f > 1) scene.step(1f / 30);
      sink.accept(renderer.render(scene, f).rgb());
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (var s = Files.walk(root)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at exit
    }
  }
}
