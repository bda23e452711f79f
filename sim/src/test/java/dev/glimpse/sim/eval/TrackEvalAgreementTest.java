package dev.glimpse.sim.eval;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * MotMetrics against numbers TrackEval computed on the same fixture files. The expected numbers live in
 * {@code src/test/resources/eval/fixtures/trackeval-reference.json}, written by
 * {@code src/test/resources/eval/run_trackeval.sh /path/to/TrackEval > .../fixtures/trackeval-reference.json}
 * (python3 with numpy and scipy). Without that file the test is skipped.
 */
class TrackEvalAgreementTest {

  private static final double TOL = 1e-9;

  @Test
  void everyFixtureMatchesTrackEval() throws Exception {
    Path fixtures = HandDerivedMetricsTest.fixture("");
    Path reference = fixtures.resolve("trackeval-reference.json");
    assumeTrue(Files.exists(reference), "no " + reference + ": run sim/src/test/resources/eval/run_trackeval.sh "
        + "/path/to/TrackEval > sim/src/test/resources/eval/fixtures/trackeval-reference.json (needs python3 with "
        + "numpy and scipy), then rerun this test");
    JsonNode root = new ObjectMapper().readTree(reference.toFile());
    List<String> sequences = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.startsWith("_")) sequences.add(name);
    }
    assertFalse(sequences.isEmpty(), "the reference names no sequence");
    try (var dirs = Files.list(fixtures)) {
      assertEquals(sequences.stream().sorted().toList(),
          dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList(),
          "every fixture has reference numbers; rerun run_trackeval.sh after adding one");
    }

    List<Executable> checks = new ArrayList<>();
    for (String seq : sequences) {
      JsonNode e = root.get(seq);
      MotResult r = HandDerivedMetricsTest.evaluateFixture(seq);
      Map<String, double[]> pairs = Map.ofEntries(
          Map.entry("HOTA", new double[] {e.get("HOTA").asDouble(), r.hota()}),
          Map.entry("DetA", new double[] {e.get("DetA").asDouble(), r.deta()}),
          Map.entry("AssA", new double[] {e.get("AssA").asDouble(), r.assa()}),
          Map.entry("LocA", new double[] {e.get("LocA").asDouble(), r.loca()}),
          Map.entry("MOTA", new double[] {e.get("MOTA").asDouble(), r.mota()}),
          Map.entry("MOTP", new double[] {e.get("MOTP").asDouble(), r.motp()}),
          Map.entry("IDF1", new double[] {e.get("IDF1").asDouble(), r.idf1()}),
          Map.entry("IDP", new double[] {e.get("IDP").asDouble(), r.idp()}),
          Map.entry("IDR", new double[] {e.get("IDR").asDouble(), r.idr()}),
          Map.entry("IDSW", new double[] {e.get("IDSW").asDouble(), r.idsw()}),
          Map.entry("FP", new double[] {e.get("FP").asDouble(), r.fp()}),
          Map.entry("FN", new double[] {e.get("FN").asDouble(), r.fn()}),
          Map.entry("Frag", new double[] {e.get("Frag").asDouble(), r.frag()}));
      pairs.forEach((metric, v) -> checks.add(() -> assertEquals(v[0], v[1], TOL, seq + " " + metric)));
    }
    assertAll(checks);
  }
}
