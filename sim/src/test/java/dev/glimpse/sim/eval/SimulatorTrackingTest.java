package dev.glimpse.sim.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tracker.MultiLabelTracker;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Detection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tracker acceptance on the scene simulator's own ground truth: people in rendered 300-frame scenes (the
 * camera drives and turns, people walk, stop, occlude each other and leave), perturbed the way a detector errs
 * ({@link SyntheticScene.Noise#DEFAULT}: 10 % missed, 5 % false positives, box jitter, realistic scores), each box
 * with the colour histogram of the rendered pixels inside it ({@link SimulatorPeople}) for re-identification.
 * Frames are 378×378, and the tracker is told so. Each of the first three scenes with at least 300 person boxes
 * (seeds 1, 3, 4) must reach HOTA ≥ 0.80 and IDF1 ≥ 0.85 with the default configuration. Next to each scene's
 * result it prints {@link #bound} (tracker/README.md, "Moving camera").
 *
 * <p>Measured (tracker/README.md): HOTA 0.848 / 0.894 / 0.804. The detector's noise is one draw per scene; seed 4
 * depends on it (whether a person who leaves the view for 109 frames and comes back half hidden gets its id back),
 * seeds 1 and 3 much less; over ten draws the three scenes average HOTA 0.824, IDF1 0.931.
 */
class SimulatorTrackingTest {
  @Test
  void hotaAndIdf1OnPerturbedSimulatorGroundTruth() {
    int scenes = 0;
    for (long seed = 1; scenes < 3; seed++) {
      SimulatorPeople people = SimulatorPeople.render(seed);
      MotSequence gt = people.gt();
      if (gt.rows().size() < 300) continue; // scenes where people are in view for a while
      List<List<Long>> truth = new ArrayList<>();
      List<List<Detection>> dets = SyntheticScene.detect(gt, SyntheticScene.Noise.DEFAULT, 77 + seed, truth);
      MotResult res = MotMetrics.evaluate(gt, PerturbedGroundTruthTest.track(new MultiLabelTracker(TrackerConfig.DEFAULTS),
          gt, people.withAppearances(dets), SimulatorPeople.W, SimulatorPeople.H));
      MotResult best = MotMetrics.evaluate(gt, bound(gt, dets, truth, TrackerConfig.DEFAULTS.lostTrackBuffer()));
      System.out.println("simulator seed " + seed + " (" + gt.rows().size() + " person boxes): " + res.summary());
      System.out.println("  bound (detector boxes, true ids, new id after a gap over the lost buffer): " + best.summary());
      assertTrue(res.hota() >= 0.80, "seed " + seed + " HOTA: " + res.summary());
      assertTrue(res.idf1() >= 0.85, "seed " + seed + " IDF1: " + res.summary());
      scenes++;
    }
  }

  /**
   * What a tracker that publishes the detector's boxes, and only those, could at best score: every true detection
   * with its ground-truth id, except that an object absent from the ground truth for more than
   * {@code lostTrackBuffer} frames comes back with a new id (no tracker without appearance can know it again), and
   * without the frame that confirming a track costs. Missed detections stay missed and false positives are dropped.
   * A tracker beats it by localising better than the detector (filtering), by publishing predicted boxes through
   * missed detections ({@code TrackerConfig.coastFrames}), or by re-identifying objects after long gaps.
   */
  static MotSequence bound(MotSequence gt, List<List<Detection>> dets, List<List<Long>> truth, int lostTrackBuffer) {
    Map<Long, Integer> lastSeen = new HashMap<>();
    Map<Long, Integer> segment = new HashMap<>();
    Map<Integer, List<Long>> present = new HashMap<>();
    for (MotRow r : gt.rows()) present.computeIfAbsent(r.frame(), k -> new ArrayList<>()).add(r.id());
    List<MotRow> rows = new ArrayList<>();
    for (int f = 1; f <= gt.length(); f++) {
      for (long id : present.getOrDefault(f, List.of())) {
        Integer last = lastSeen.put(id, f);
        if (last == null || f - last > lostTrackBuffer + 1) segment.merge(id, 1, Integer::sum);
      }
      List<Detection> frame = dets.get(f - 1);
      for (int j = 0; j < frame.size(); j++) {
        long id = truth.get(f - 1).get(j);
        if (id > 0) rows.add(MotRow.ofTracker(f, id * 1000 + segment.get(id), frame.get(j).box(), 1));
      }
    }
    return new MotSequence(gt.name(), gt.length(), rows);
  }
}
