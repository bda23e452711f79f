package dev.glimpse.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code glimpse render} writes an H.264 MP4 that ffprobe reads, plus MOTChallenge and JSONL ground truth. */
class VideoRenderTest {
  @TempDir Path tmp;

  private static int render(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(List.of("--out", out.toString()));
    return new CommandLine(new RenderCommand()).execute(args.toArray(String[]::new));
  }

  private static String ffprobe(Path video) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
          "stream=codec_name,width,height,nb_read_frames", "-of", "default=noprint_wrappers=1", video.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("ffprobe not found: install ffmpeg (apt-get install ffmpeg; .ci/run does)", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void acceptanceRenderIs300FramesOf756H264() throws Exception {
    Path dir = tmp.resolve("seed7");
    assertEquals(0, render(dir, "--seed", "7", "--frames", "300", "--size", "756x756"));
    String probe = ffprobe(dir.resolve("video.mp4"));
    assertTrue(probe.contains("codec_name=h264"), probe);
    assertTrue(probe.contains("width=756") && probe.contains("height=756"), probe);
    assertTrue(probe.contains("nb_read_frames=300"), probe);
    List<String> labels = Files.readAllLines(dir.resolve("labels.jsonl"));
    assertEquals(300, labels.size());
    assertTrue(labels.get(0).startsWith("{\"frame\": 1, \"objects\": ["), labels.get(0));
    String seqinfo = Files.readString(dir.resolve("seqinfo.ini"));
    assertTrue(seqinfo.contains("seqLength=300") && seqinfo.contains("imWidth=756"), seqinfo);
    List<String> gt = Files.readAllLines(dir.resolve("gt").resolve("gt.txt"));
    long objects = labels.stream().mapToLong(l -> l.split("\"id\"", -1).length - 1).sum();
    assertEquals(objects, gt.size(), "one gt.txt row per labelled object per frame");
    for (String row : gt) assertEquals(9, row.split(",").length, row);
  }

  @Test
  void sameSeedGivesIdenticalLabelsAndDecodedPixels() throws Exception {
    Path a = tmp.resolve("a"), b = tmp.resolve("b");
    assertEquals(0, render(a, "--seed", "11", "--frames", "45", "--size", "336x252"));
    assertEquals(0, render(b, "--seed", "11", "--frames", "45", "--size", "336x252"));
    assertArrayEquals(Files.readAllBytes(a.resolve("labels.jsonl")), Files.readAllBytes(b.resolve("labels.jsonl")));
    assertArrayEquals(Files.readAllBytes(a.resolve("gt/gt.txt")), Files.readAllBytes(b.resolve("gt/gt.txt")));
    List<byte[]> fa = decode(a.resolve("video.mp4")), fb = decode(b.resolve("video.mp4"));
    assertEquals(45, fa.size());
    assertEquals(fa.size(), fb.size());
    for (int i = 0; i < fa.size(); i++) assertArrayEquals(fa.get(i), fb.get(i), "decoded frame " + (i + 1));
  }

  @Test
  void pngFramesAreWrittenOnRequest() throws Exception {
    Path dir = tmp.resolve("png");
    assertEquals(0, render(dir, "--seed", "3", "--frames", "3", "--size", "168x168", "--png"));
    for (int f = 1; f <= 3; f++) assertTrue(Files.size(dir.resolve(String.format("frames/%06d.png", f))) > 1000);
  }

  private static List<byte[]> decode(Path video) throws Exception {
    List<byte[]> frames = new ArrayList<>();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
      g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
      g.start();
      Frame f;
      while ((f = g.grabImage()) != null) {
        // copy row by row: imageStride may exceed width·3, and the padding bytes are not part of the picture
        ByteBuffer buf = (ByteBuffer) f.image[0];
        int row = f.imageWidth * 3;
        byte[] px = new byte[f.imageHeight * row];
        for (int y = 0; y < f.imageHeight; y++) buf.get(y * f.imageStride, px, y * row, row);
        frames.add(px);
      }
      g.stop();
    }
    return frames;
  }
}
