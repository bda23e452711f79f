package dev.glimpse.tracker.bench;

import dev.glimpse.tracker.ByteTracker;
import dev.glimpse.tracker.IdSource;
import dev.glimpse.tracker.MultiLabelTracker;
import dev.glimpse.tracker.Tracker;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Stamp;
import dev.glimpse.types.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Tracker throughput in frames per second on one thread: one {@link Tracker#update} per operation.
 *
 * <p>The scene: {@code objects} boxes (40–120 px wide, 2.2× as tall) moving at constant velocity (1–4 px/frame),
 * bouncing off the edges of a 1920×1080 image, detected with 2 px jitter, 5 % misses and scores uniform in
 * [0.3, 1.0], plus 5 % false positives. 600 frames are generated once; after the last the tracker is reset and
 * replayed, so the measurement includes track birth as well as steady-state tracking.
 *
 * <p>Run: {@code bin/mvn25 -B -pl tracker -am -Pbench -DskipTests verify} (see tracker/README.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TrackerBenchmark {

  private static final int FRAMES = 600;
  private static final int WIDTH = 1920, HEIGHT = 1080;

  /** Objects in the scene. */
  @Param({"10", "50", "200"})
  public int objects;

  private Detections[] oneLabel; // (FRAMES) all "person"
  private Detections[] threeLabels; // (FRAMES) person / cone / cup in turn
  private Tracker byteTracker;
  private Tracker multiLabel;
  private int nextByte, nextMulti;

  @Setup
  public void setup() {
    oneLabel = scene(objects, new String[] {"person"}, 17);
    threeLabels = scene(objects, new String[] {"person", "cone", "cup"}, 17);
    byteTracker = ByteTracker.forBoxes(TrackerConfig.DEFAULTS, IdSource.sequential());
    multiLabel = new MultiLabelTracker(TrackerConfig.DEFAULTS, IdSource.sequential());
  }

  /** ByteTracker for one label: the core algorithm. */
  @Benchmark
  public List<Track> byteTracker() {
    if (nextByte == FRAMES) {
      byteTracker.reset();
      nextByte = 0;
    }
    return byteTracker.update(oneLabel[nextByte++]);
  }

  /** MultiLabelTracker with three labels: what the agent runs. */
  @Benchmark
  public List<Track> multiLabelTracker() {
    if (nextMulti == FRAMES) {
      multiLabel.reset();
      nextMulti = 0;
    }
    return multiLabel.update(threeLabels[nextMulti++]);
  }

  static Detections[] scene(int n, String[] labels, long seed) {
    Random rng = new Random(seed);
    double[][] o = new double[n][6]; // (n, [x, y, vx, vy, w, h])
    for (double[] p : o) {
      p[4] = 40 + 80 * rng.nextDouble();
      p[5] = 2.2 * p[4];
      p[0] = p[4] / 2 + rng.nextDouble() * (WIDTH - p[4]);
      p[1] = p[5] / 2 + rng.nextDouble() * (HEIGHT - p[5]);
      double speed = 1 + 3 * rng.nextDouble(), heading = 2 * Math.PI * rng.nextDouble();
      p[2] = speed * Math.cos(heading);
      p[3] = speed * Math.sin(heading);
    }
    Detections[] frames = new Detections[FRAMES];
    for (int f = 0; f < FRAMES; f++) {
      List<Detection> dets = new ArrayList<>(n + n / 20 + 1);
      for (int i = 0; i < n; i++) {
        double[] p = o[i];
        p[0] += p[2];
        p[1] += p[3];
        if (p[0] < p[4] / 2 || p[0] > WIDTH - p[4] / 2) p[2] = -p[2];
        if (p[1] < p[5] / 2 || p[1] > HEIGHT - p[5] / 2) p[3] = -p[3];
        if (rng.nextDouble() < 0.05) continue;
        double cx = p[0] + 2 * rng.nextGaussian(), cy = p[1] + 2 * rng.nextGaussian();
        dets.add(Detection.ofBox(labels[i % labels.length],
            new Box(cx - p[4] / 2, cy - p[5] / 2, cx + p[4] / 2, cy + p[5] / 2), 0.3 + 0.7 * rng.nextDouble()));
      }
      for (int i = 0; i < n / 20; i++) {
        double x = rng.nextDouble() * (WIDTH - 60), y = rng.nextDouble() * (HEIGHT - 130);
        dets.add(Detection.ofBox(labels[i % labels.length], new Box(x, y, x + 60, y + 130), 0.3 + 0.5 * rng.nextDouble()));
      }
      frames[f] = new Detections("bench", f, Stamp.ofNanos(Math.round(f * 1e9 / 30)), "camera", WIDTH, HEIGHT, dets);
    }
    return frames;
  }
}
