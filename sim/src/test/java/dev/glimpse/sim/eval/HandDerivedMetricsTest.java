package dev.glimpse.sim.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glimpse.types.Box;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fixture sequences (src/test/resources/eval/fixtures) and a few in-memory ones, with expected values worked
 * out by hand from the definitions in TrackEval's hota.py, clear.py and identity.py. Notation: TP/FN/FP are
 * detection counts; for HOTA, A(g,k) = TPA / (TPA + FNA + FPA) = m / (|g| + |k| − m) for a pair matched m times.
 */
class HandDerivedMetricsTest {

  static final double TOL = 1e-9;

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(HandDerivedMetricsTest.class.getResource("/eval/fixtures/" + name).toURI());
  }

  static MotResult evaluateFixture(String name) throws IOException, URISyntaxException {
    Path dir = fixture(name);
    MotSequence gt = MotChallengeIo.readGroundTruth(dir);
    return MotMetrics.evaluate(gt, MotChallengeIo.readTracker(dir.resolve("pred.txt"), gt.name(), gt.length()));
  }

  @Test
  void idSwitch() throws Exception {
    // GT A, B over 6 frames, far apart, every tracker box exact (IoU 1). A is tracked by 10 (frames 1-3) then 11
    // (frames 4-6); B by 20 throughout.
    // CLEAR: TP 12, FN 0, FP 0, IDSW 1 (A: 10 → 11). MOTA = (12 − 0 − 1) / 12 = 11/12. MOTP = 1.
    // Identity: best id pairs A↔10 (3 frames), B↔20 (6). IDTP 9, IDFN 12 − 9 = 3, IDFP 12 − 9 = 3.
    //   IDF1 = 9 / (9 + 1.5 + 1.5) = 0.75; IDP = IDR = 0.75.
    // HOTA: IoU 1 everywhere, so every α is alike. DetA = 12 / 12 = 1.
    //   A(A,10) = 3 / (6 + 3 − 3) = 0.5 (3 TPs), A(A,11) = 0.5 (3 TPs), A(B,20) = 6 / 6 = 1 (6 TPs).
    //   AssA = (3·0.5 + 3·0.5 + 6·1) / 12 = 0.75. HOTA = √(1 · 0.75) = 0.8660. LocA = 1.
    MotResult r = evaluateFixture("idswitch");
    assertEquals(12, r.tp());
    assertEquals(0, r.fn());
    assertEquals(0, r.fp());
    assertEquals(1, r.idsw());
    assertEquals(11.0 / 12, r.mota(), TOL);
    assertEquals(1, r.motp(), TOL);
    assertEquals(0.75, r.idf1(), TOL);
    assertEquals(0.75, r.idp(), TOL);
    assertEquals(0.75, r.idr(), TOL);
    assertEquals(1, r.deta(), TOL);
    assertEquals(0.75, r.assa(), TOL);
    assertEquals(Math.sqrt(0.75), r.hota(), TOL);
    assertEquals(1, r.loca(), TOL);
  }

  @Test
  void fragmentationAndIdSwitchAfterAGap() throws Exception {
    // GT 1 and 2 over 10 frames, exact boxes, both missed in frames 5-6, where a far-away false track 9 is the only
    // tracker output. GT 1 is 5 before and after the gap; GT 2 is 6 before and 7 after.
    // CLEAR: TP 16, FN 4, FP 2. IDSW 1: a switch counts against the last id ever matched (6), not only the
    //   previous frame. MOTA = (16 − 2 − 1) / 20 = 0.65. Frag = 1 + 1 = 2 (each GT resumes once).
    // Identity: 1↔5 (8), 2↔6 (4) or 2↔7 (4). IDTP 12, IDFN 20 − 12 = 8, IDFP 18 − 12 = 6.
    //   IDF1 = 12 / (12 + 3 + 4) = 12/19, IDP = 12 / 18, IDR = 12 / 20.
    // HOTA: TP 16, FN 4, FP 2: DetA = 16 / 22. A(1,5) = 8 / (10 + 8 − 8) = 0.8 (8 TPs);
    //   A(2,6) = 4 / (10 + 4 − 4) = 0.4 (4 TPs); A(2,7) = 0.4 (4 TPs). AssA = (8·0.8 + 4·0.4 + 4·0.4) / 16 = 0.6.
    //   HOTA = √(16/22 · 0.6).
    MotResult r = evaluateFixture("fragmentation");
    assertEquals(16, r.tp());
    assertEquals(4, r.fn());
    assertEquals(2, r.fp());
    assertEquals(1, r.idsw());
    assertEquals(2, r.frag());
    assertEquals(0.65, r.mota(), TOL);
    assertEquals(12.0 / 19, r.idf1(), TOL);
    assertEquals(12.0 / 18, r.idp(), TOL);
    assertEquals(0.6, r.idr(), TOL);
    assertEquals(16.0 / 22, r.deta(), TOL);
    assertEquals(0.6, r.assa(), TOL);
    assertEquals(Math.sqrt(16.0 / 22 * 0.6), r.hota(), TOL);
  }

  @Test
  void framesWithoutTrackerOutputDoNotBreakClearContinuity() {
    // TrackEval's clear.py skips a timestep with no tracker boxes before it forgets the previous matches, so a gap
    // with no tracker output at all is not a fragmentation, and the match bonus carries over the gap.
    // GT 1 over frames 1-4, tracked by 1 in frames 1 and 4 only: TP 2, FN 2, Frag 0, IDSW 0.
    List<MotRow> gt = new ArrayList<>();
    List<MotRow> pred = new ArrayList<>();
    for (int f = 1; f <= 4; f++) gt.add(MotRow.ofGroundTruth(f, 1, Box.ofLtwh(0, 0, 10, 10), true, 1, 1));
    for (int f : new int[] {1, 4}) pred.add(MotRow.ofTracker(f, 1, Box.ofLtwh(0, 0, 10, 10), 1));
    MotResult r = MotMetrics.evaluate(new MotSequence("s", 4, gt), new MotSequence("s", 4, pred));
    assertEquals(2, r.tp());
    assertEquals(2, r.fn());
    assertEquals(0, r.frag());
    assertEquals(0, r.idsw());
  }

  @Test
  void falsePositivesDuplicatesAndPreprocessing() throws Exception {
    // GT pedestrian 1 over 5 frames, tracked exactly by 1. Track 2 is a far-away false track (frames 2-4). Track 3
    // duplicates the pedestrian in frame 5. Track 4 covers a static person (class 7, a distractor): preprocessing
    // removes its boxes, so they are not false positives. GT 4 has consider flag 0: removed, so not a miss.
    // CLEAR: frame 5 keeps 1 (continuing a match beats an equal IoU). TP 5, FN 0, FP 3 + 1 = 4, IDSW 0.
    //   MOTA = (5 − 4) / 5 = 0.2. MOTP = 1.
    // Identity: 1↔1 (5). IDTP 5, IDFN 0, IDFP 9 − 5 = 4. IDF1 = 5 / (5 + 2) = 5/7, IDP = 5/9, IDR = 1.
    // HOTA: TP 5, FN 0, FP 4 at every α: DetA = 5/9. The only matched pair (1,1) has A = 5 / (5 + 5 − 5) = 1:
    //   AssA = 1. HOTA = √(5/9).
    MotResult r = evaluateFixture("false_positives");
    assertEquals(5, r.tp());
    assertEquals(0, r.fn());
    assertEquals(4, r.fp());
    assertEquals(0, r.idsw());
    assertEquals(0.2, r.mota(), TOL);
    assertEquals(5.0 / 7, r.idf1(), TOL);
    assertEquals(5.0 / 9, r.idp(), TOL);
    assertEquals(1, r.idr(), TOL);
    assertEquals(5.0 / 9, r.deta(), TOL);
    assertEquals(1, r.assa(), TOL);
    assertEquals(Math.sqrt(5.0 / 9), r.hota(), TOL);
  }

  @Test
  void localisationAcrossAlphaThresholds() throws Exception {
    // GT 1 and 2 (100×100) over 4 of 5 frames. Track 1 is shifted 20 px: IoU = 80·100 / (2·100² − 80·100) = 2/3.
    // Track 2 is shifted 40 px: IoU = 60 / 140 = 3/7 ≈ 0.43, below CLEAR's 0.5.
    // CLEAR: TP 4, FN 4, FP 4, IDSW 0, MOTA = (4 − 4) / 8 = 0, MOTP = 2/3.
    // Identity: 1↔1 (4); 2↔2 never reaches 0.5. IDTP 4, IDFN 4, IDFP 4: IDF1 = IDP = IDR = 0.5.
    // HOTA over α = 0.05 … 0.95 (19 values):
    //   α ≤ 0.40 (8 values): both pairs match: DetA 1, AssA 1, HOTA 1, LocA = (2/3 + 3/7) / 2 = 23/42.
    //   0.45 ≤ α ≤ 0.65 (5 values): only pair 1: TP 4, FN 4, FP 4: DetA 1/3, AssA 1, HOTA √(1/3), LocA 2/3.
    //   α ≥ 0.70 (6 values): nothing matches: DetA 0, AssA 0, HOTA 0, LocA 1 (TrackEval's 1e-10 / 1e-10).
    //   DetA = (8 + 5/3) / 19, AssA = 13 / 19, HOTA = (8 + 5/√3) / 19, LocA = (8·23/42 + 5·2/3 + 6) / 19.
    MotResult r = evaluateFixture("localisation");
    assertEquals(4, r.tp());
    assertEquals(4, r.fn());
    assertEquals(4, r.fp());
    assertEquals(0, r.mota(), TOL);
    assertEquals(2.0 / 3, r.motp(), TOL);
    assertEquals(0.5, r.idf1(), TOL);
    assertEquals((8 + 5.0 / 3) / 19, r.deta(), TOL);
    assertEquals(13.0 / 19, r.assa(), TOL);
    assertEquals((8 + 5 / Math.sqrt(3)) / 19, r.hota(), TOL);
    assertEquals((8 * 23.0 / 42 + 5 * 2.0 / 3 + 6) / 19, r.loca(), TOL);
  }

  @Test
  void perfectTrackingScoresOne() {
    List<MotRow> gt = new ArrayList<>();
    List<MotRow> pred = new ArrayList<>();
    for (int f = 1; f <= 20; f++) {
      for (int id = 1; id <= 3; id++) {
        Box b = Box.ofLtwh(100 * id + 3 * f, 50 * id, 40, 90);
        gt.add(MotRow.ofGroundTruth(f, id, b, true, MotRow.PEDESTRIAN, 1));
        pred.add(MotRow.ofTracker(f, 10 + id, b, 0.9));
      }
    }
    MotResult r = MotMetrics.evaluate(new MotSequence("s", 20, gt), new MotSequence("s", 20, pred));
    assertEquals(1, r.hota(), TOL);
    assertEquals(1, r.mota(), TOL);
    assertEquals(1, r.idf1(), TOL);
    assertEquals(3, r.mt());
    assertEquals(0, r.ml());
  }

  @Test
  void emptyTrackerOutputMissesEverything() {
    // TrackEval returns early: FN = all GT, MOTA 0 (not computed), HOTA 0, LocA 1, ML = number of GT ids.
    List<MotRow> gt = List.of(MotRow.ofGroundTruth(1, 1, Box.ofLtwh(0, 0, 10, 10), true, 1, 1),
        MotRow.ofGroundTruth(2, 1, Box.ofLtwh(0, 0, 10, 10), true, 1, 1));
    MotResult r = MotMetrics.evaluate(new MotSequence("s", 3, gt), new MotSequence("s", 3, List.of()));
    assertEquals(2, r.fn());
    assertEquals(0, r.mota(), TOL);
    assertEquals(0, r.hota(), TOL);
    assertEquals(1, r.loca(), TOL);
    assertEquals(1, r.ml());
    assertEquals(0, r.idf1(), TOL);
  }

  @Test
  void trackerOutputWithoutGroundTruthIsAllFalsePositives() {
    List<MotRow> pred = List.of(MotRow.ofTracker(1, 1, Box.ofLtwh(0, 0, 10, 10), 1));
    MotResult r = MotMetrics.evaluate(new MotSequence("s", 1, List.of()), new MotSequence("s", 1, pred));
    assertEquals(1, r.fp());
    assertEquals(0, r.mota(), TOL);
    assertEquals(0, r.hota(), TOL);
  }

  @Test
  void alphasAreNumpysArange() {
    assertEquals(19, Hota.ALPHAS.length);
    assertEquals(0.05, Hota.ALPHAS[0]);
    assertEquals(0.95, Hota.ALPHAS[18], 1e-12);
  }
}
