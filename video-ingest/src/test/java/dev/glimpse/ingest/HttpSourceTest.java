package dev.glimpse.ingest;

import static dev.glimpse.ingest.StreamHarness.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.MailboxConfig.MailboxPolicy;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP sources against a loopback Vert.x file server: a progressive MP4 (with range requests) and an HLS playlist. */
class HttpSourceTest {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static Vertx vertx;
  private static HttpServer server;
  private static Path root;

  @BeforeAll
  static void serve() throws Exception {
    vertx = Vertx.vertx();
    root = Files.createDirectories(TestMedia.dir().resolve("www"));
    Files.copy(TestMedia.h264Mp4(160, 120, 30), root.resolve("clip.mp4"));
    writeHls(Files.createDirectories(root.resolve("hls")), 45);
    server = vertx.createHttpServer().requestHandler(HttpSourceTest::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Static files with single byte ranges, which FFmpeg uses to seek to an MP4's index at the end. */
  private static void handle(HttpServerRequest req) {
    Path file = root.resolve(req.path().substring(1)).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      req.response().setStatusCode(404).end();
      return;
    }
    String type = file.toString().endsWith(".m3u8") ? "application/vnd.apple.mpegurl"
        : file.toString().endsWith(".ts") ? "video/mp2t" : "video/mp4";
    req.response().putHeader("Content-Type", type).putHeader("Accept-Ranges", "bytes");
    long size = file.toFile().length();
    Matcher m = RANGE.matcher(String.valueOf(req.getHeader("Range")));
    if (m.matches()) {
      long from = Long.parseLong(m.group(1)), to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
      req.response().setStatusCode(206).putHeader("Content-Range", "bytes " + from + "-" + to + "/" + size)
          .sendFile(file.toString(), from, to - from + 1);
    } else {
      req.response().sendFile(file.toString());
    }
  }

  /** An HLS rendition of the simulator scene: H.264 in MPEG-TS segments of one second. */
  private static void writeHls(Path dir, int frames) throws Exception {
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(dir.resolve("index.m3u8").toFile(), 160, 120, 0)) {
      r.setFormat("hls");
      r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(30);
      r.setGopSize(30);
      r.setVideoBitrate(400_000);
      r.setOption("hls_time", "1");
      r.setOption("hls_list_size", "0");
      r.setOption("hls_playlist_type", "vod");
      r.setOption("hls_segment_filename", dir.resolve("seg%03d.ts").toString());
      r.start();
      TestMedia.render(160, 120, frames, rgb -> r.recordImage(160, 120, Frame.DEPTH_UBYTE, 3, 160 * 3, avutil.AV_PIX_FMT_RGB24,
          ByteBuffer.wrap(rgb)));
      r.stop();
    }
  }

  private static StreamConfig http(String path) {
    SourceUrl url = SourceUrl.parse("http://127.0.0.1:" + server.actualPort() + path);
    return new StreamConfig("web", url, StreamConfig.Transport.TCP, new MailboxConfig(MailboxPolicy.ALL, 8),
        StreamConfig.Pacing.REALTIME, false, Duration.ofSeconds(10), Duration.ofSeconds(2), BackoffConfig.defaults(), "web", 0, 0);
  }

  @Test
  void aProgressiveMp4OverHttpPlays() throws Exception {
    try (StreamHarness h = new StreamHarness(vertx, http("/clip.mp4"), IngestOptions.defaults(), IngestEnv.system(), 0).start()) {
      StreamEvent streaming = h.awaitState(StreamState.STREAMING, seconds(15));
      assertEquals("h264", streaming.info().codec());
      List<StreamHarness.Got> got = h.awaitFrames(30, seconds(15));
      assertEquals(160, got.getFirst().width());
      assertEquals(0, h.stream.stats().corrupt());
    }
  }

  @Test
  void anHlsPlaylistPlaysAcrossItsSegments() throws Exception {
    assertTrue(Files.list(root.resolve("hls")).filter(p -> p.toString().endsWith(".ts")).count() >= 2, "several segments");
    try (StreamHarness h = new StreamHarness(vertx, http("/hls/index.m3u8"), IngestOptions.defaults(), IngestEnv.system(), 0).start()) {
      StreamEvent streaming = h.awaitState(StreamState.STREAMING, seconds(15));
      assertEquals("hls", streaming.info().container());
      List<StreamHarness.Got> got = h.awaitFrames(45, seconds(15));
      for (int i = 1; i < 45; i++) assertTrue(got.get(i).ptsMicros() > got.get(i - 1).ptsMicros(), "one timeline across segments");
      assertEquals(0, h.stream.stats().corrupt());
    }
  }

  @Test
  void aMissingUrlIsRetriedWithTheServersAnswerInTheEvent() throws Exception {
    try (StreamHarness h = new StreamHarness(vertx, http("/nope.mp4"), IngestOptions.defaults(), IngestEnv.system(), 0).start()) {
      StreamEvent e = h.awaitState(StreamState.RECONNECTING, seconds(15));
      assertTrue(e.error().getMessage().startsWith("http://127.0.0.1:" + server.actualPort() + "/nope.mp4: cannot open: "), e.error().getMessage());
      assertTrue(e.detail().contains("404"), e.detail());
    }
  }
}
