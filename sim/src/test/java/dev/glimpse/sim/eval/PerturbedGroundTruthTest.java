package dev.glimpse.sim.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tracker.MultiLabelTracker;
import dev.glimpse.tracker.Tracker;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Stamp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tracker on ground truth perturbed the way a detector errs ({@link SyntheticScene.Noise#DEFAULT}: 10 %
 * missed, 5 % false positives, 3 % box jitter, scores N(0.75, 0.15)), scored with MotMetrics: three seeded
 * 300-frame scenes of about 20 walking people, a fixed camera. {@code SimulatorTrackingTest} runs the same check on
 * the scene simulator's moving-camera scenes.
 *
 * <p>Measured (8 seeds, tracker/README.md): HOTA 0.892, IDF1 0.964 at 3 % jitter with the defaults
 * ({@code TrackerConfig.BYTETRACK}: 0.826, 0.930; most of the difference is publishing a track through one missed
 * detection). HOTA is bounded by localisation: at 5 % jitter it falls to 0.837 while IDF1 stays 0.961.
 */
class PerturbedGroundTruthTest {

  static final int FRAMES = 300;
  static final int POPULATION = 20;
  static final long[] SEEDS = {1, 2, 3};

  /** Runs a tracker over per-frame detections of the synthetic scene's 1920×1080 frames at 30 fps. */
  static MotSequence track(Tracker tracker, MotSequence gt, List<List<Detection>> detections) {
    return track(tracker, gt, detections, SyntheticScene.WIDTH, SyntheticScene.HEIGHT);
  }

  /** Runs a tracker over per-frame detections of {@code width}×{@code height} frames at 30 fps; MOTChallenge output. */
  static MotSequence track(Tracker tracker, MotSequence gt, List<List<Detection>> detections, int width, int height) {
    tracker.reset();
    List<MotRow> rows = new ArrayList<>();
    for (int f = 0; f < detections.size(); f++) {
      Detections frame = new Detections("synthetic", f, Stamp.ofNanos(Math.round(f * 1e9 / 30)), "camera",
          width, height, detections.get(f));
      rows.addAll(MotChallengeIo.rowsOf(f + 1, tracker.update(frame)));
    }
    return new MotSequence(gt.name(), gt.length(), rows);
  }

  static MotResult run(TrackerConfig config, SyntheticScene.Noise noise, long seed) {
    MotSequence gt = SyntheticScene.groundTruth("synthetic-" + seed, seed, FRAMES, POPULATION);
    List<List<Detection>> dets = SyntheticScene.detect(gt, noise, 1000 + seed);
    return MotMetrics.evaluate(gt, track(new MultiLabelTracker(config), gt, dets));
  }

  @Test
  void byteTrackKeepsHotaAndIdf1HighOnPerturbedGroundTruth() {
    for (long seed : SEEDS) {
      MotResult r = run(TrackerConfig.DEFAULTS, SyntheticScene.Noise.DEFAULT, seed);
      System.out.println("perturbed GT seed " + seed + ": " + r.summary());
      assertTrue(r.hota() >= 0.80, "seed " + seed + " HOTA: " + r.summary());
      assertTrue(r.idf1() >= 0.85, "seed " + seed + " IDF1: " + r.summary());
    }
  }

  /**
   * Regenerates the {@code synthetic} fixture (tracker output on a perturbed scene) that
   * {@link TrackEvalAgreementTest} compares with TrackEval: run with
   * {@code -Dtest=PerturbedGroundTruthTest -Dglimpse.eval.writeFixture=sim/src/test/resources/eval/fixtures/synthetic},
   * then rerun run_trackeval.sh. Skipped otherwise.
   */
  @Test
  void writesTheSyntheticFixtureWhenAsked() throws java.io.IOException {
    String target = System.getProperty("glimpse.eval.writeFixture");
    org.junit.jupiter.api.Assumptions.assumeTrue(target != null, "set -Dglimpse.eval.writeFixture=<dir> to write");
    // A harder detector than the default (5 % jitter, scores around 0.6) so the output has partial overlaps,
    // fragments and false positives; values rounded to 0.01 to keep the files small.
    MotSequence gt = round(SyntheticScene.groundTruth("synthetic", 42, 100, 12));
    MotSequence pred = round(track(new MultiLabelTracker(TrackerConfig.DEFAULTS), gt,
        SyntheticScene.detect(gt, new SyntheticScene.Noise(0.10, 0.05, 0.05, 0.6, 0.2), 4242)));
    java.nio.file.Path dir = java.nio.file.Path.of(target);
    MotChallengeIo.writeGroundTruth(dir, gt, new SeqInfo("synthetic", "img1", 30, gt.length(), SyntheticScene.WIDTH,
        SyntheticScene.HEIGHT, ".jpg"));
    MotChallengeIo.writeRows(dir.resolve("pred.txt"), pred.rows(), false);
  }

  private static MotSequence round(MotSequence s) {
    List<MotRow> rows = new ArrayList<>();
    for (MotRow r : s.rows()) {
      rows.add(new MotRow(r.frame(), r.id(), r2(r.left()), r2(r.top()), r2(r.width()), r2(r.height()), r2(r.conf()),
          r.x(), r.y(), r.z()));
    }
    return new MotSequence(s.name(), s.length(), rows);
  }

  private static double r2(double v) { return Math.round(v * 100) / 100.0; }
}
