package dev.glimpse.agent.cli;

import static dev.glimpse.agent.eval.EvalTestData.obj;
import static dev.glimpse.agent.eval.EvalTestData.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.eval.EvalReport;
import dev.glimpse.agent.eval.EvalTestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code glimpse eval model} on the smoke model: answers are those of {@code glimpse query}, the report is written,
 * and {@code --compare} passes against itself and fails (exit 1) when the reference's numbers disagree.
 */
class EvalModelCommandTest {
  static final String SMOKE = EvalTestData.SMOKE_MODEL.toString();
  @TempDir Path tmp;
  Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = GlimpseCli.newCommandLine();
    StringWriter out = new StringWriter(), err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeEach
  void manifest() throws Exception {
    dir = EvalTestData.write(tmp.resolve("m"), 168, 168, 11, List.of(
        List.of(query("box all objects", "box", "objects", List.of(obj(new int[] {10, 10, 90, 120},
            new int[] {50, 60}, "robot", 0.0)), List.of()),
            query("count cone", "count", "cone", List.of(), List.of())),
        List.of(query("point to all red person", "point", "red person", List.of(obj(new int[] {0, 0, 168, 168},
            new int[] {84, 84}, "person", 0.2)), List.of()))));
  }

  @Test
  void answersAreThoseOfGlimpseQueryAndTheReportIsWritten() throws Exception {
    Result r = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--threads", "1", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(3, j.get("metrics").get("n_queries").asInt(), r.out());
    EvalReport report = EvalReport.read(dir.resolve("java.json"));
    assertEquals(3, report.answers().size());
    assertEquals(1, report.answers().get(2).scene());
    for (int k : new int[] {0, 2}) {
      EvalReport.AnswerRecord a = report.answers().get(k);
      Result q = run("query", "--model", SMOKE, "--threads", "1", "--image",
          dir.resolve("images/%04d.png".formatted(a.scene())).toString(), "--text", a.query(), "--json");
      assertEquals(0, q.code(), q.err());
      assertEquals(new ObjectMapper().readTree(q.out()).get("answer").asText(), a.answer(), a.query());
    }
  }

  @Test
  void compareAgainstItselfPassesAndAgainstOtherNumbersFails() throws Exception {
    Path first = tmp.resolve("first.json");
    assertEquals(0, run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--threads", "1", "--out",
        first.toString()).code());
    Result same = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--threads", "1", "--compare",
        first.toString());
    assertEquals(0, same.code(), same.out() + same.err());
    assertTrue(same.out().contains("answers: 3 compared, 0 differ textually"), same.out());
    assertTrue(same.out().contains("PASS: largest headline difference 0.00 points"), same.out());

    ObjectNode other = (ObjectNode) new ObjectMapper().readTree(first.toFile());
    ObjectNode m = (ObjectNode) other.get("metrics");
    m.put("absent_empty", m.get("absent_empty").asDouble() == 1.0 ? 0.99 : 1.0);
    Path ref = tmp.resolve("ref.json");
    new ObjectMapper().writeValue(ref.toFile(), other);
    Result diff = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--threads", "1", "--compare",
        ref.toString(), "--json");
    assertEquals(1, diff.code(), diff.out() + diff.err());
    JsonNode c = new ObjectMapper().readTree(diff.out()).get("compare");
    assertEquals(false, c.get("pass").asBoolean());
    assertTrue(c.get("max_diff_points").asDouble() >= 1.0 - 1e-9, c.toString());
    assertEquals("absent_empty", c.get("scoring_mismatch").get(0).asText(), "the reference's answers give other numbers");

    // A finished run re-scored without the engine: the same numbers, and the same verdicts.
    Result recorded = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--answers",
        first.toString(), "--compare", first.toString());
    assertEquals(0, recorded.code(), recorded.out() + recorded.err());
    assertTrue(recorded.out().contains("answers: 3 compared, 0 differ textually"), recorded.out());
    Result recordedDiff = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--answers",
        first.toString(), "--compare", ref.toString());
    assertEquals(1, recordedDiff.code(), recordedDiff.out() + recordedDiff.err());
  }

  @Test
  void badInputsAreUsageErrors() throws Exception {
    Path ref = tmp.resolve("short.json");
    Files.writeString(ref, "{\"metrics\": {}, \"answers\": []}");
    Result r = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--compare", ref.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("metrics.box_recall: expected a number"), r.err());

    Path wrong = tmp.resolve("wrong.json");
    String metrics = "\"metrics\": {\"syntax_valid\": 1, \"box_recall\": 1, \"box_precision\": 1, \"point_hit_rate\": 1, "
        + "\"point_precision\": 1, \"count_exact\": 1, \"absent_empty\": 1, \"n_queries\": 3}";
    String answer = "{\"scene\": %d, \"query\": \"%s\", \"answer\": \"\", \"tokens\": []}";
    Files.writeString(wrong, "{" + metrics + ", \"answers\": [" + answer.formatted(0, "box all objects") + ", "
        + answer.formatted(0, "count person") + ", " + answer.formatted(1, "point to all red person") + "]}");
    Result other = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--compare", wrong.toString());
    assertEquals(2, other.code());
    assertTrue(other.err().contains("was not made from this manifest: its answer 1 is to scene 0 'count person', "
        + "the manifest's query 1 is scene 0 'count cone'"), other.err());
    Result otherAnswers = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--answers",
        wrong.toString());
    assertEquals(2, otherAnswers.code());
    assertTrue(otherAnswers.err().contains("--answers: " + wrong + " was not made from this manifest"),
        otherAnswers.err());

    String json = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"), json.replaceFirst("\"rgb_sha256\" : \"[0-9a-f]+\"",
        "\"rgb_sha256\" : \"" + "0".repeat(64) + "\""));
    Result pixels = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--threads", "1");
    assertEquals(2, pixels.code());
    assertTrue(pixels.err().contains("0000.png decodes to other pixels than the manifest's rgb_sha256"), pixels.err());

    Files.writeString(dir.resolve("manifest.json"), json.replace("\"text\" : \"count cone\"", "\"text\" : \"count cones\""));
    Result words = run("eval", "model", "--model", SMOKE, "--manifest", dir.toString(), "--threads", "1");
    assertEquals(2, words.code());
    assertTrue(words.err().contains("1 queries the model cannot ask as written: scene 0: unknown target 'cones'"),
        words.err());
  }
}
