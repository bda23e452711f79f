package dev.glimpse.sim.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.sim.RenderCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code glimpse eval mot} prints TrackEval's numbers for the fixtures and scores one simulator class at a time. */
class EvalMotCommandTest {
  private static final Path FIXTURES = Path.of("src/test/resources/eval/fixtures");
  @TempDir Path tmp;

  private static String[] run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = new CommandLine(new EvalMotCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void jsonEqualsTrackEvalOnTheFixtures() throws Exception {
    JsonNode ref = new ObjectMapper().readTree(FIXTURES.resolve("trackeval-reference.json").toFile());
    for (String seq : List.of("idswitch", "fragmentation", "false_positives")) {
      Path dir = FIXTURES.resolve(seq);
      String[] r = run("--gt", dir.toString(), "--pred", dir.resolve("pred.txt").toString(), "--json");
      assertEquals("0", r[0], r[2]);
      JsonNode got = new ObjectMapper().readTree(r[1]);
      for (String[] k : new String[][] {{"hota", "HOTA"}, {"deta", "DetA"}, {"assa", "AssA"}, {"mota", "MOTA"}, {"idf1", "IDF1"}}) {
        assertEquals(ref.get(seq).get(k[1]).asDouble(), got.get(k[0]).asDouble(), 1e-6, seq + " " + k[0]);
      }
    }
  }

  @Test
  void groundTruthAgainstItselfScoresOneForAChosenClass() throws Exception {
    Path dir = tmp.resolve("scene");
    assertEquals(0, new CommandLine(new RenderCommand()).execute("--seed", "4", "--frames", "20", "--size", "252x252",
        "--out", dir.toString()));
    // the people of the ground truth, written as a tracker file
    List<MotRow> people = MotChallengeIo.readGroundTruth(dir).rows().stream()
        .filter(row -> row.classId() == dev.glimpse.sim.scene.ObjectClass.PERSON.motId())
        .map(row -> MotRow.ofTracker(row.frame(), row.id(), row.box(), 1)).toList();
    assertTrue(!people.isEmpty(), "the scene has people");
    Path pred = tmp.resolve("people.txt");
    MotChallengeIo.writeRows(pred, people, false);
    String[] r = run("--gt", dir.toString(), "--pred", pred.toString(), "--class", "person", "--json");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("\"hota\": 1.000000") && r[1].contains("\"idf1\": 1.000000"), r[1]);
  }

  @Test
  void badArgumentsAreOneLineListingEveryProblem() {
    String[] r = run("--gt", tmp.resolve("none").toString(), "--pred", tmp.resolve("none.txt").toString(), "--class", "unicorn");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--gt:") && r[2].contains("--pred:") && r[2].contains("--class: unknown class 'unicorn'"), r[2]);
  }
}
