package dev.glimpse.sim.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glimpse.tracker.MultiLabelTracker;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Crafted sequences run through the tracker, with the id switches the CLEAR metric counts. */
class TrackerIdSwitchTest {

  /** Two people: A walks right along y = 300, B walks left along y = 320, and their boxes cross mid-sequence. */
  private static MotSequence crossing(int frames, int hideFrom, int hideFrames) {
    List<MotRow> rows = new ArrayList<>();
    for (int f = 1; f <= frames; f++) {
      rows.add(MotRow.ofGroundTruth(f, 1, Box.ofLtwh(200 + 5 * f, 300, 50, 120), true, MotRow.PEDESTRIAN, 1));
      if (f < hideFrom || f >= hideFrom + hideFrames) {
        rows.add(MotRow.ofGroundTruth(f, 2, Box.ofLtwh(800 - 5 * f, 320, 50, 120), true, MotRow.PEDESTRIAN, 1));
      }
    }
    return new MotSequence("crossing", frames, rows);
  }

  /** Exact detections of every ground-truth box with score 0.9. */
  private static List<List<Detection>> detectExactly(MotSequence gt) {
    List<List<Detection>> out = new ArrayList<>();
    for (int f = 0; f < gt.length(); f++) out.add(new ArrayList<>());
    for (MotRow r : gt.rows()) out.get(r.frame() - 1).add(Detection.ofBox("person", r.box(), 0.9));
    return out;
  }

  private static MotResult trackAndScore(MotSequence gt, TrackerConfig config) {
    MotSequence pred = PerturbedGroundTruthTest.track(new MultiLabelTracker(config), gt, detectExactly(gt));
    return MotMetrics.evaluate(gt, pred);
  }

  @Test
  void crossingTracksCauseNoIdSwitch() {
    MotResult r = trackAndScore(crossing(120, Integer.MAX_VALUE, 0), TrackerConfig.DEFAULTS);
    assertEquals(0, r.idsw(), r.summary());
    assertEquals(2, r.fn(), "only the first frame, before confirmation: " + r.summary());
    assertEquals(0, r.fp(), r.summary());
  }

  @Test
  void occlusionWithinTheBufferCausesNoIdSwitch() {
    // B disappears for 20 frames while it crosses A (lost buffer 30): it comes back with its id.
    MotResult r = trackAndScore(crossing(120, 50, 20), TrackerConfig.DEFAULTS);
    assertEquals(0, r.idsw(), r.summary());
    assertEquals(1, r.idf1() > 0.99 ? 1 : 0, r.summary());
  }

  @Test
  void occlusionBeyondTheBufferCausesExactlyOneIdSwitch() {
    // Same scene with a 10-frame buffer: B's track expires during the 20-frame gap and B comes back as a new id.
    MotResult r = trackAndScore(crossing(120, 50, 20), TrackerConfig.DEFAULTS.withLostTrackBuffer(10));
    assertEquals(1, r.idsw(), r.summary());
  }
}
