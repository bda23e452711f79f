package dev.glimpse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.ingest.cli.IngestBenchCommand;
import dev.glimpse.ingest.cli.ProbeCommand;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code glimpse probe} and {@code glimpse bench ingest} as a user runs them. */
class CliTest {
  /** Collects output and opens a latch when a marker shows up, so tests wait on output rather than on time. */
  static final class Output extends Writer {
    private final StringBuilder text = new StringBuilder();
    private final String marker;
    final CountDownLatch seen = new CountDownLatch(1);

    Output(String marker) { this.marker = marker; }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      text.append(buf, off, len);
      if (marker != null && text.indexOf(marker) >= 0) seen.countDown();
    }

    @Override
    public void flush() { }

    @Override
    public void close() { }

    @Override
    public synchronized String toString() { return text.toString(); }
  }

  record Run(int exit, String out, String err) {}

  static Run run(Object command, Output out, String... args) {
    Output err = new Output(null);
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void probeOfAFilePrintsEventsAndASummaryAsJsonLines() {
    Path clip = TestMedia.h264Mp4(160, 120, 30);
    Run r = run(new ProbeCommand(), new Output(null), clip.toString(), "--json", "--frames", "30");
    assertEquals(0, r.exit(), r.out() + r.err());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.getFirst().contains("\"state\": \"CONNECTING\""), lines.getFirst());
    assertTrue(lines.get(1).contains("\"state\": \"STREAMING\"") && lines.get(1).contains("h264 160x120 RGB24"), lines.get(1));
    String summary = lines.getLast();
    for (String part : List.of("\"type\": \"summary\"", "\"ok\": true", "\"codec\": \"h264\"", "\"width\": 160", "\"height\": 120",
        "\"frames\": 30", "\"drops\": 0", "\"reconnects\": 0", "\"fps\": 30.0")) {
      assertTrue(summary.contains(part), part + " in " + summary);
    }
  }

  @Test
  void probeOfAnUnknownSchemeOrAMissingFileFailsWithTheReason() {
    Run scheme = run(new ProbeCommand(), new Output(null), "rstp://cam/stream");
    assertEquals(1, scheme.exit());
    assertTrue(scheme.err().contains("source 'rstp://cam/stream': unknown URL scheme 'rstp' (expected one of rtsp, rtsps, http, https, "
        + "file, v4l2, images, sim)"), scheme.err());
    Path missing = TestMedia.dir().resolve("missing.mkv");
    Run file = run(new ProbeCommand(), new Output(null), missing.toString());
    assertEquals(1, file.exit());
    assertTrue(file.out().contains("FAILED") && file.out().contains("result       failed: " + missing + ": no such file"), file.out());
    Run usage = run(new ProbeCommand(), new Output(null), "sim://", "--transport", "sctp");
    assertEquals(2, usage.exit(), "usage errors exit with 2");
    assertTrue(usage.err().contains("--transport: expected tcp or udp"), usage.err());
  }

  @Test
  void probeWithFramesKeepsReconnectingUntilTheCameraComesUp() throws Exception {
    int port = LoopbackRtspServer.freePort();
    Output out = new Output("RECONNECTING #2");
    CompletableFuture<Run> probe = CompletableFuture.supplyAsync(() -> run(new ProbeCommand(), out,
        "rtsp://127.0.0.1:" + port + "/cam", "--frames", "20", "--timeout", "40"));
    assertTrue(out.seen.await(30, TimeUnit.SECONDS), "the probe retries while nothing listens: " + out);
    try (LoopbackRtspServer ignored = LoopbackRtspServer.start("test", port)) {
      Run r = probe.get(60, TimeUnit.SECONDS);
      assertEquals(0, r.exit(), r.out() + r.err());
      assertTrue(r.out().contains("cannot open: Connection refused"), r.out());
      assertTrue(r.out().contains("result       ok: 2"), r.out()); // 20 or a few more
      assertTrue(r.out().contains("codec        mjpeg (rtsp)"), r.out());
      Matcher m = Pattern.compile("reconnects (\\d+)").matcher(r.out());
      assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 2, r.out());
    }
  }

  @Test
  void probeGivesUpAtTheTimeout() throws Exception {
    Run r = run(new ProbeCommand(), new Output(null), "rtsp://127.0.0.1:" + LoopbackRtspServer.freePort() + "/cam", "--timeout", "1.5");
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("timed out after 1.5 s with 0 of 30 frames"), r.out());
  }

  @Test
  void benchComparesIngestWithFfmpegOnTheSameFile() {
    Path clip = TestMedia.h264Mp4(160, 120, 30);
    Run r = run(new IngestBenchCommand(), new Output(null), clip.toString(), "--threads", "2", "--runs", "1", "--json");
    assertEquals(0, r.exit(), r.out() + r.err());
    for (String part : List.of("\"frames\": 30", "\"ffmpeg_frames\": 30", "\"threads\": 2", "\"ratio\": ", "\"codec\": \"h264\"")) {
      assertTrue(r.out().contains(part), part + " in " + r.out());
    }
    Run missing = run(new IngestBenchCommand(), new Output(null), TestMedia.dir().resolve("nope.mp4").toString());
    assertEquals(1, missing.exit());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }
}
