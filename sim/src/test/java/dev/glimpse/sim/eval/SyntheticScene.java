package dev.glimpse.sim.eval;

import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small synthetic pedestrian scene for tracker tests, until the scene simulator can feed them: ground truth from
 * a walking model, and detections perturbed from it the way a detector errs. Everything is drawn from one seeded
 * RNG, so a seed gives the same scene on every run.
 *
 * <p>Motion: people walk at 1.5–4 px/frame, now and then turning at 2–5°/frame for 10–30 frames; they enter
 * through the image edges heading inwards (a fifth of them in pairs walking at each other, so tracks cross) and
 * leave when their box is out of the image. Boxes grow towards the bottom of the image (height 80 + 0.12·y px,
 * width 0.4·height), a crude perspective. Frames are 1-based as in MOTChallenge.
 */
final class SyntheticScene {

  static final int WIDTH = 1920, HEIGHT = 1080;

  /** How the detector errs. Jitter is a standard deviation relative to the box size. */
  record Noise(double missRate, double falsePositiveRate, double jitter, double scoreMean, double scoreStd) {
    /** 10 % missed, false positives 5 % of the true boxes, 3 % box jitter, scores around 0.75. */
    static final Noise DEFAULT = new Noise(0.10, 0.05, 0.03, 0.75, 0.15);
  }

  private static final class Walker {
    final long id;
    double x, y, heading, speed, turnRate;
    int turnLeft;

    Walker(long id, double x, double y, double heading, double speed) {
      this.id = id;
      this.x = x;
      this.y = y;
      this.heading = heading;
      this.speed = speed;
    }

    Box box() {
      double h = 80 + 0.12 * y, w = 0.4 * h;
      return new Box(x - w / 2, y - h / 2, x + w / 2, y + h / 2);
    }

    boolean visible() {
      Box b = box();
      return b.x2() > 0 && b.x1() < WIDTH && b.y2() > 0 && b.y1() < HEIGHT;
    }
  }

  private SyntheticScene() {}

  /**
   * Ground truth of one sequence.
   *
   * @param population how many people the scene tries to hold at once
   */
  static MotSequence groundTruth(String name, long seed, int frames, int population) {
    Random rng = new Random(seed);
    List<Walker> walkers = new ArrayList<>();
    long[] nextId = {1};
    for (int i = 0; i < population; i++) { // start populated, away from the edges
      walkers.add(new Walker(nextId[0]++, 200 + rng.nextDouble() * (WIDTH - 400), 150 + rng.nextDouble() * (HEIGHT - 300),
          rng.nextDouble() * 2 * Math.PI, 1.5 + 2.5 * rng.nextDouble()));
    }
    List<MotRow> rows = new ArrayList<>();
    for (int f = 1; f <= frames; f++) {
      if (walkers.size() < population && rng.nextDouble() < 0.08) spawn(rng, walkers, nextId);
      for (Walker w : walkers) {
        if (w.turnLeft == 0 && rng.nextDouble() < 0.02) {
          w.turnLeft = 10 + rng.nextInt(21);
          w.turnRate = Math.toRadians(2 + 3 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
        }
        if (w.turnLeft > 0) {
          w.heading += w.turnRate;
          w.turnLeft--;
        }
        w.x += w.speed * Math.cos(w.heading);
        w.y += w.speed * Math.sin(w.heading);
      }
      walkers.removeIf(w -> !w.visible());
      for (Walker w : walkers) rows.add(MotRow.ofGroundTruth(f, w.id, w.box(), true, MotRow.PEDESTRIAN, 1));
    }
    return new MotSequence(name, frames, rows);
  }

  private static void spawn(Random rng, List<Walker> walkers, long[] nextId) {
    double speed = 1.5 + 2.5 * rng.nextDouble();
    if (rng.nextDouble() < 0.2) { // a pair walking at each other along one row: their tracks will cross
      double y = 200 + rng.nextDouble() * (HEIGHT - 400);
      walkers.add(new Walker(nextId[0]++, 1, y, 0, speed));
      walkers.add(new Walker(nextId[0]++, WIDTH - 1, y + 10, Math.PI, 1.5 + 2.5 * rng.nextDouble()));
      return;
    }
    int edge = rng.nextInt(4);
    double spread = (rng.nextDouble() - 0.5) * Math.PI / 2;
    switch (edge) {
      case 0 -> walkers.add(new Walker(nextId[0]++, 1, rng.nextDouble() * HEIGHT, spread, speed));
      case 1 -> walkers.add(new Walker(nextId[0]++, WIDTH - 1, rng.nextDouble() * HEIGHT, Math.PI + spread, speed));
      case 2 -> walkers.add(new Walker(nextId[0]++, rng.nextDouble() * WIDTH, 1, Math.PI / 2 + spread, speed));
      default -> walkers.add(new Walker(nextId[0]++, rng.nextDouble() * WIDTH, HEIGHT - 1, -Math.PI / 2 + spread, speed));
    }
  }

  /**
   * Detections per frame (index 0 = frame 1): each true box is missed with {@code missRate}, otherwise jittered
   * (centre by N(0, jitter·size), size by a factor exp(N(0, jitter))) and scored N(scoreMean, scoreStd) clipped to
   * [0.05, 0.99]; false positives, {@code falsePositiveRate} of the true boxes of the frame on average, land
   * anywhere with lower scores N(0.45, 0.15).
   */
  static List<List<Detection>> detect(MotSequence gt, Noise noise, long seed) { return detect(gt, noise, seed, null); }

  /**
   * {@link #detect(MotSequence, Noise, long)}, also telling which ground-truth id each detection came from.
   *
   * @param truth null, or an empty list that receives, per frame, the ground-truth id of each detection in order
   *              (0 for a false positive)
   */
  static List<List<Detection>> detect(MotSequence gt, Noise noise, long seed, List<List<Long>> truth) {
    Random rng = new Random(seed);
    List<List<MotRow>> byFrame = new ArrayList<>();
    for (int f = 0; f < gt.length(); f++) byFrame.add(new ArrayList<>());
    for (MotRow r : gt.rows()) byFrame.get(r.frame() - 1).add(r);
    List<List<Detection>> out = new ArrayList<>();
    for (List<MotRow> frameTruth : byFrame) {
      List<Detection> dets = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      for (MotRow r : frameTruth) {
        if (rng.nextDouble() < noise.missRate()) continue;
        ids.add(r.id());
        double w = r.width() * Math.exp(rng.nextGaussian() * noise.jitter());
        double h = r.height() * Math.exp(rng.nextGaussian() * noise.jitter());
        double cx = r.left() + r.width() / 2 + rng.nextGaussian() * noise.jitter() * r.width();
        double cy = r.top() + r.height() / 2 + rng.nextGaussian() * noise.jitter() * r.height();
        double score = clip(noise.scoreMean() + noise.scoreStd() * rng.nextGaussian());
        dets.add(Detection.ofBox("person", new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), score));
      }
      double expectedFalse = noise.falsePositiveRate() * frameTruth.size();
      int falseCount = (int) expectedFalse + (rng.nextDouble() < expectedFalse - (int) expectedFalse ? 1 : 0);
      for (int i = 0; i < falseCount; i++) {
        double h = 80 + 130 * rng.nextDouble(), w = 0.4 * h;
        double x = rng.nextDouble() * (WIDTH - w), y = rng.nextDouble() * (HEIGHT - h);
        dets.add(Detection.ofBox("person", new Box(x, y, x + w, y + h), clip(0.45 + 0.15 * rng.nextGaussian())));
        ids.add(0L);
      }
      out.add(dets);
      if (truth != null) truth.add(ids);
    }
    return out;
  }

  private static double clip(double score) { return Math.max(0.05, Math.min(0.99, score)); }
}
