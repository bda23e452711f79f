package dev.glimpse.agent.eval;

import static dev.glimpse.agent.eval.EvalTestData.obj;
import static dev.glimpse.agent.eval.EvalTestData.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glimpse.csa.engine.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics of a hand-made manifest with known answers. Images are 999 px wide and high, so an answer's value v
 * is pixel v. Every expected number is worked out in the comments; training/evaluate.py {@code score} gives the same
 * numbers for the same queries and answers.
 */
class GroundingMetricsTest {
  @TempDir Path tmp;

  static final int[] A = {100, 100, 200, 300}, B = {400, 100, 500, 300}, D = {10, 10, 50, 50}, E = {60, 10, 100, 50};
  static final int[] SQ = {0, 0, 100, 100};

  @Test
  void handMadeManifestScoresAsEvaluatePy() throws Exception {
    List<List<com.fasterxml.jackson.databind.node.ObjectNode>> scenes = List.of(
        List.of(
            // 1: A found, the box on the ignored object is no false positive, the third box is one
            query("box all person", "box", "person", List.of(obj(A, new int[] {150, 200}, "person", 0.1),
                obj(B, new int[] {450, 200}, "person", 0.5)), List.of(obj(new int[] {700, 700, 720, 720},
                new int[] {710, 710}, "person", 0.0))),
            // 2: a point inside D hits it, the other point is a false positive
            query("point to all red cone", "point", "red cone", List.of(obj(D, new int[] {30, 30}, "cone", 0.7),
                obj(E, new int[] {80, 30}, "cone", 0.0)), List.of()),
            // 3: both points hit, the count is exact
            query("count cone", "count", "cone", List.of(obj(D, new int[] {30, 30}, "cone", 0.7),
                obj(E, new int[] {80, 30}, "cone", 0.0)), List.of()),
            // 4: absent, answered empty
            query("box all blue ball", "box", "blue ball", List.of(), List.of())),
        List.of(
            // 5: one box with IoU 1 to two identical GT boxes: Python's reverse sort matches the later one (chair)
            query("box all objects", "box", "objects", List.of(obj(SQ, new int[] {50, 50}, "robot", 0.0),
                obj(SQ, new int[] {50, 50}, "chair", 0.0)), List.of()),
            // 6: valid syntax without a count: the point hits, the count is not exact
            query("count chair", "count", "chair", List.of(obj(SQ, new int[] {50, 50}, "chair", 0.0)), List.of()),
            // 7: absent, answer cut off (invalid): counted as empty
            query("point to all red door", "point", "red door", List.of(), List.of()),
            // 8: one point equally near two GT points: the earlier GT (occlusion 0.0) is matched
            query("point to all person", "point", "person", List.of(obj(SQ, new int[] {50, 50}, "person", 0.0),
                obj(SQ, new int[] {50, 50}, "person", 0.4)), List.of())));
    List<String> answers = List.of(
        "<|ref|>person<|/ref|><|box|>[[100,100,200,300],[700,700,720,720],[600,600,650,650]]<|/box|><|eos|>",
        "<|ref|>red cone<|/ref|><|point|>[[31,29],[200,200]]<|/point|><|eos|>",
        "<|ref|>cone<|/ref|><|point|>[[30,30],[80,30]]<|/point|><|count|>2<|/count|><|eos|>",
        "<|ref|>blue ball<|/ref|><|box|>[]<|/box|><|eos|>",
        "<|ref|>objects<|/ref|><|box|>[[0,0,100,100]]<|/box|><|eos|>",
        "<|ref|>chair<|/ref|><|point|>[[50,50]]<|/point|><|eos|>",
        "<|ref|>red door<|/ref|><|point|>[[5",
        "<|ref|>person<|/ref|><|point|>[[50,50]]<|/point|><|eos|>");
    EvalManifest m = EvalManifest.read(EvalTestData.write(tmp, 999, 999, 1, scenes));
    Vocabulary v = Vocabulary.load(EvalTestData.SMOKE_MODEL.resolve("tokenizer.json"));
    AnswerSyntax syntax = new AnswerSyntax(v);
    List<GroundingMetrics.Scored> scored = new ArrayList<>();
    int k = 0;
    for (EvalManifest.Scene s : m.scenes()) {
      for (EvalManifest.Item q : s.queries()) {
        scored.add(new GroundingMetrics.Scored(q, syntax.parse(v.encode(answers.get(k++))), s.width(), s.height()));
      }
    }
    GroundingMetrics.Result r = GroundingMetrics.score(scored);
    Map<String, Double> x = r.metrics();
    assertEquals(8, r.queries());
    assertEquals(7 / 8.0, x.get("syntax_valid"), 1e-15, "answer 7 is cut off");
    assertEquals(2 / 4.0, x.get("box_recall"), 1e-15, "A (1) and the chair (5) of 4 GT boxes");
    assertEquals(2 / 3.0, x.get("box_precision"), 1e-15, "one false positive in 1; the ignored one is not");
    assertEquals(5 / 7.0, x.get("point_hit_rate"), 1e-15, "1 + 2 + 1 + 1 of 2 + 2 + 1 + 2");
    assertEquals(5 / 6.0, x.get("point_precision"), 1e-15, "the point at (200, 200) in 2");
    assertEquals(1 / 2.0, x.get("count_exact"), 1e-15, "3 exact, 6 has no count");
    assertEquals(1.0, x.get("absent_empty"), 1e-15, "4 empty, 7 invalid = empty");
    assertEquals(Map.ofEntries(Map.entry("box:chair", 1.0), Map.entry("box:robot", 0.0), Map.entry("box:person", 0.5),
        Map.entry("box:occ<0.3", 0.6667), Map.entry("box:occ0.3-0.6", 0.0), Map.entry("point:cone", 0.75),
        Map.entry("point:occ>=0.6", 1.0), Map.entry("point:occ<0.3", 0.75), Map.entry("point:chair", 1.0),
        Map.entry("point:person", 0.5), Map.entry("point:occ0.3-0.6", 0.0)), r.by());
    assertEquals(4, r.byN().get("point:cone"));
    assertEquals(3, r.byN().get("box:occ<0.3"));
  }

  @Test
  void boxMatchingIsOneToOneAndGreedyByIou() {
    // p0 overlaps g0 (IoU 7/13) and g1 (2/3), p1 is g1 (1): greedy takes (p1, g1) first, then (p0, g0); matching
    // each prediction to its best GT would give one match
    List<double[]> gt = List.of(new double[] {0, 0, 10, 10}, new double[] {5, 0, 15, 10});
    GroundingMetrics.Match m = GroundingMetrics.matchBoxes(List.of(new double[] {3, 0, 13, 10},
        new double[] {5, 0, 15, 10}), gt, List.of(), 0.5);
    assertEquals(2, m.tp());
    assertEquals(0, m.fp());
    // two predictions on one GT: one match, one false positive
    GroundingMetrics.Match dup = GroundingMetrics.matchBoxes(List.of(new double[] {0, 0, 10, 10},
        new double[] {0, 0, 10, 9}), gt.subList(0, 1), List.of(), 0.5);
    assertEquals(1, dup.tp());
    assertEquals(1, dup.fp());
    assertEquals(0.25, GroundingMetrics.iou(new double[] {0, 0, 10, 10}, new double[] {0, 0, 10, 2.5}), 1e-15);
  }

  @Test
  void pythonRounding() {
    assertEquals(0.6667, GroundingMetrics.round4(2 / 3.0));
    assertEquals(0.1235, GroundingMetrics.round4(0.12345000000000001));
    assertEquals(0.1234, GroundingMetrics.round4(0.12344999999));
    assertEquals("occ>=0.6", GroundingMetrics.occBin(1.5));
    assertEquals("occ0.3-0.6", GroundingMetrics.occBin(0.3));
  }
}
