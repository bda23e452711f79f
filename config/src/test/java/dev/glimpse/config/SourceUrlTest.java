package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceUrlTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rtsp://cam.local:8554/front | RTSP | rtsp://cam.local:8554/front",
      "RTSP://cam.local/front | RTSP | RTSP://cam.local/front",
      "rtsps://cam.local/front | RTSPS | rtsps://cam.local/front",
      "http://10.0.0.3/live.m3u8 | HTTP | http://10.0.0.3/live.m3u8",
      "https://cdn.example.com/a/b.m3u8?token=1 | HTTPS | https://cdn.example.com/a/b.m3u8?token=1",
      "file:///data/run1.mp4 | FILE | /data/run1.mp4",
      "file://videos/run1.mkv | FILE | videos/run1.mkv",
      "videos/run1.mp4 | FILE | videos/run1.mp4",
      "/data/clip 2.mov | FILE | /data/clip 2.mov",
      "v4l2:///dev/video0 | V4L2 | /dev/video0",
      "images:///data/frames | IMAGES | /data/frames",
      "sim://seed=7 | SIM | ''"})
  void acceptsEveryKind(String text, SourceKind kind, String location) {
    SourceUrl url = SourceUrl.parse(text);
    assertEquals(kind, url.kind());
    assertEquals(location, url.location());
    assertEquals(text, url.text());
  }

  @Test
  void hlsIsRecognisedByThePlaylistPath() {
    assertTrue(SourceUrl.parse("http://h/live.m3u8").isHls());
    assertTrue(SourceUrl.parse("https://h/LIVE.M3U8?x=1").isHls());
    assertFalse(SourceUrl.parse("http://h/stream.mjpeg").isHls());
    assertFalse(SourceUrl.parse("file:///x.m3u8").isHls());
  }

  @Test
  void liveSourcesAreTheOnesThatRunAtTheirOwnPace() {
    assertTrue(SourceUrl.parse("rtsp://h/p").kind().isLive());
    assertTrue(SourceUrl.parse("v4l2:///dev/video2").kind().isLive());
    assertFalse(SourceUrl.parse("x.mp4").kind().isLive());
    assertFalse(SourceUrl.parse("sim://").kind().isLive());
  }

  @Test
  void simParametersAreValidated() {
    assertEquals(Map.of("seed", "7", "size", "756x756", "fps", "30", "frames", "300"),
        SourceUrl.parse("sim://seed=7&size=756x756&fps=30&frames=300").params());
    assertEquals(Map.of(), SourceUrl.parse("sim://").params());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rstp://cam/x | unknown URL scheme 'rstp' (expected one of rtsp, rtsps, http, https, file, v4l2, images, sim); "
          + "did you mean 'rtsp'?",
      "ftp://cam/x | unknown URL scheme 'ftp' (expected one of rtsp, rtsps, http, https, file, v4l2, images, sim)",
      "image:///d | unknown URL scheme 'image' (expected one of rtsp, rtsps, http, https, file, v4l2, images, sim); "
          + "did you mean 'images'?",
      "rtsp:/cam/x | malformed URL 'rtsp:/cam/x' (expected rtsp://...)",
      "rtsp:///x | missing or invalid host in 'rtsp:///x' (expected rtsp://HOST[:PORT]/PATH)",
      "rtsp://cam:99999/x | port must be in 1..65535, got 99999 in 'rtsp://cam:99999/x'",
      "rtsp://cam/a b | invalid URL 'rtsp://cam/a b': Illegal character in path at index 12",
      "file:// | missing path after file:// (e.g. file:///data/run1.mp4)",
      "images:// | missing folder after images:// (e.g. images:///data/frames)",
      "v4l2://video0 | expected a device such as v4l2:///dev/video0, got 'v4l2://video0'",
      "sim://sed=7 | unknown sim:// parameter 'sed' (expected seed, size, fps, frames); did you mean 'seed'?",
      "sim://seed=x | sim:// parameter seed must be a non-negative integer, got 'x'",
      "sim://size=10x10 | sim:// parameter size must be WIDTHxHEIGHT in 16..8192, e.g. 756x756, got '10x10'",
      "sim://fps=0 | sim:// parameter fps must be a number in (0, 1000), got '0'",
      "sim://seed=1&seed=2 | sim:// parameter 'seed' given twice",
      "'  ' | must not be empty"})
  void rejectsWithAReason(String text, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> SourceUrl.parse(text)).getMessage());
  }

  @Test
  void passwordsStayOutOfLogsAndErrors() {
    SourceUrl url = SourceUrl.parse("rtsp://admin:hunter2@10.0.0.9:554/h264");
    assertEquals("rtsp://admin:***@10.0.0.9:554/h264", url.toString());
    assertEquals("rtsp://admin:hunter2@10.0.0.9:554/h264", url.location());
    assertFalse(StreamConfig.of("cam", url).toString().contains("hunter2"));
    String error = assertThrows(IllegalArgumentException.class,
        () -> SourceUrl.parse("rtsp://admin:hunter2@10.0.0.9:99999/h264")).getMessage();
    assertFalse(error.contains("hunter2"), error);
  }

  @Test
  void schemesAreListedInDeclarationOrder() {
    assertEquals(List.of("rtsp", "rtsps", "http", "https", "file", "v4l2", "images", "sim"), SourceKind.schemes());
  }
}
