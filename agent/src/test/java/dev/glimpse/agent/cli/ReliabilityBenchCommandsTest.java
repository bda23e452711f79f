package dev.glimpse.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code glimpse bench faults} for real on a short schedule (2 kills, 1 freeze of a loopback GStreamer RTSP server,
 * the smoke model on the engine), and the soak command's argument checks. The long runs are in docs/RELIABILITY.md.
 */
class ReliabilityBenchCommandsTest {
  static final Path SMOKE = Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run glimpse(String... args) {
    CommandLine cl = GlimpseCli.newCommandLine();
    StringWriter out = new StringWriter(), err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  void faultsKillsAndFreezesTheServerAndReportsEveryRecovery() throws Exception {
    Path out = tmp.resolve("faults");
    // The test JVM's heap is not pinned (it grows towards -Xmx2g as earlier tests left it), so RSS growth is not
    // what this test judges; ReliabilityMathTest checks that bound's arithmetic.
    Run r = glimpse("bench", "faults", "--kills", "2", "--freezes", "1", "--model", SMOKE.toString(), "--rss-growth", "1024",
        "--out", out.toString());
    System.out.print(r.err() + r.out());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("PASS: every recovery ≤ 2000 ms"), r.out());
    assertTrue(r.err().contains("kill -9    2/2") && r.err().contains("SIGSTOP    1/1"), r.err());
    List<String> cycles = Files.readAllLines(out.resolve("cycles.csv"));
    assertEquals(List.of("kill", "kill", "freeze"), cycles.stream().skip(1).map(l -> l.split(",")[0]).toList());
    for (String l : cycles.subList(1, cycles.size())) {
      double recovery = Double.parseDouble(l.split(",")[4]);
      assertTrue(recovery > 0 && recovery <= 2000, l);
    }
    assertTrue(Files.readString(out.resolve("cycles.csv")).startsWith("kind,cycle,at_s,detect_ms,recovery_ms"));
    assertTrue(Files.readAllLines(out.resolve("samples.csv")).size() > 3, "sampled every second");
    for (String png : List.of("recovery.png", "memory.png", "threads.png")) assertTrue(Files.size(out.resolve(png)) > 1000, png);
    assertEquals(r.out().lines().filter(l -> !l.startsWith("wrote ")).toList(), Files.readAllLines(out.resolve("summary.txt")));
  }

  @Test
  void aSoakShorterThanItsWarmUpIsAUsageError() {
    Run r = glimpse("bench", "soak", "--minutes", "0.5", "--warmup", "60", "--out", tmp.resolve("soak").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("must outlast the warm-up"), r.err());
  }
}
