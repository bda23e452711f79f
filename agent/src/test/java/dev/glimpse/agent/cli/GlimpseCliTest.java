package dev.glimpse.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Usage errors are one line listing every problem, with a non-zero exit; --help works on every command. */
class GlimpseCliTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    CommandLine cl = GlimpseCli.newCommandLine();
    StringWriter out = new StringWriter(), err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void everyRenderProblemIsReportedAtOnceOnOneLine() {
    Result r = run("render", "--size", "75x75", "--frames", "0", "--fps", "0", "--out", "/tmp/unused");
    assertEquals(2, r.code());
    String line = r.err().strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.startsWith("glimpse render: "), line);
    assertTrue(line.contains("--size: sides must be even") && line.contains("--frames: must be >= 1")
        && line.contains("--fps: must be in 1..240"), line);
  }

  @Test
  void unknownOptionAndMissingRequiredOption() {
    Result r = run("render", "--sead", "3");
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("--sead") || r.err().contains("--out"), r.err());
  }

  @Test
  void unknownCommandAndNoCommand() {
    Result r = run("rendr");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("rendr"), r.err());
    Result none = run();
    assertEquals(2, none.code());
    assertTrue(none.err().contains("missing command"), none.err());
  }

  @Test
  void helpOnEveryCommand() {
    Result top = run("--help");
    assertEquals(0, top.code());
    assertTrue(top.out().contains("render"), top.out());
    for (String cmd : GlimpseCli.newCommandLine().getSubcommands().keySet()) {
      if (cmd.equals("help")) continue;
      Result r = run(cmd, "--help");
      assertEquals(0, r.code(), cmd);
      assertTrue(r.out().contains("Usage: glimpse " + cmd), r.out());
    }
  }
}
