package dev.glimpse.sim.eval;

import dev.glimpse.tracker.ColourHistogram;
import dev.glimpse.tracker.MultiLabelTracker;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Appearance;
import dev.glimpse.types.Detection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The tracker measurements of tracker/README.md ("Moving camera"): the scenes of {@link SimulatorTrackingTest}
 * (seeds 1–40 with at least 300 person boxes: 27 scenes; {@link SimulatorPeople}) × 4 detector draws ({@code 77 + seed + 1000·k}, k = 0..3;
 * k = 0 is the test's draw), each run through every configuration named on the command line. Detections carry the
 * {@link ColourHistogram} of their box in the rendered frame. Not a test: run by hand,
 * <pre>
 * bin/mvn25 -B -q -pl sim -am -DskipTests test-compile
 * java -cp "sim/target/test-classes:sim/target/classes:tracker/target/classes:types/target/classes" \
 *   dev.glimpse.sim.eval.TrackerSweep defaults reid:0.85:0.05:900 ...
 * </pre>
 * A configuration is {@code defaults}, {@code bytetrack}, {@code noreid} (the defaults without re-identification) or
 * {@code reid:THRESHOLD:MARGIN:BUFFER} (the defaults with those re-identification knobs). Prints, per configuration,
 * the mean over all runs, and the test's draw on the test seeds. System properties: {@code -Dseeds=1,3,4} (or
 * ranges, {@code 1-40}), {@code -Ddraws=10}, {@code -Dthreads=2}, {@code -DperScene=true} (every run's HOTA),
 * {@code -Doracle=true} (a perfect appearance: a one-hot vector of the true id, a flat one for false positives; the
 * bound of re-identification with a perfect descriptor), {@code -Dprobe=true} (only the descriptor's quality: the
 * probability that two detections of one person at least 30 frames apart are more similar than two of different
 * people, on scenes 1–12).
 */
public final class TrackerSweep {
  private static final int W = SimulatorPeople.W, H = SimulatorPeople.H, DRAWS = Integer.getInteger("draws", 4);

  private record Run(long seed, int draw, String config, MotResult result) {}

  /** Descriptor quality: AUC of same-person against different-person similarities, detections ≥ 30 frames apart. */
  static void probe() {
    java.util.Random rng = new java.util.Random(1);
    List<Double> same = new ArrayList<>(), diff = new ArrayList<>();
    for (long seed = 1; seed <= 12; seed++) {
      SimulatorPeople scene = SimulatorPeople.render(seed);
      if (scene.gt().rows().size() < 300) continue;
      List<List<Long>> truth = new ArrayList<>();
      List<List<Detection>> dets = scene.withAppearances(
          SyntheticScene.detect(scene.gt(), SyntheticScene.Noise.DEFAULT, 77 + seed, truth));
      List<long[]> keys = new ArrayList<>(); // (frame, id)
      List<Appearance> looks = new ArrayList<>();
      for (int f = 0; f < dets.size(); f++) {
        for (int j = 0; j < dets.get(f).size(); j++) {
          Appearance a = dets.get(f).get(j).appearance();
          if (truth.get(f).get(j) == 0 || a == null) continue;
          keys.add(new long[] {f, truth.get(f).get(j)});
          looks.add(a);
        }
      }
      for (int n = 0; n < 20000; n++) {
        int a = rng.nextInt(keys.size()), b = rng.nextInt(keys.size());
        if (Math.abs(keys.get(a)[0] - keys.get(b)[0]) < 30) continue;
        (keys.get(a)[1] == keys.get(b)[1] ? same : diff).add(looks.get(a).similarity(looks.get(b)));
      }
    }
    long wins = 0, total = 0;
    for (int n = 0; n < 200000; n++) {
      double s = same.get(rng.nextInt(same.size())), d = diff.get(rng.nextInt(diff.size()));
      wins += s > d ? 2 : s == d ? 1 : 0;
      total += 2;
    }
    java.util.Collections.sort(same);
    java.util.Collections.sort(diff);
    System.out.printf(Locale.ROOT, "AUC %.4f  same p10/p50 %.3f %.3f  diff p50/p90/p99 %.3f %.3f %.3f  (%d / %d pairs)%n",
        wins / (double) total, same.get(same.size() / 10), same.get(same.size() / 2), diff.get(diff.size() / 2),
        diff.get(diff.size() * 9 / 10), diff.get(diff.size() * 99 / 100), same.size(), diff.size());
  }

  public static void main(String[] args) throws Exception {
    if (Boolean.getBoolean("probe")) {
      probe();
      return;
    }
    Map<String, TrackerConfig> configs = new LinkedHashMap<>();
    for (String a : args.length == 0 ? new String[] {"defaults"} : args) configs.put(a, parse(a));
    int threads = Integer.getInteger("threads", 2);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<Run>>> futures = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    for (String t : System.getProperty("seeds", "1-40").split(",")) {
      String[] r = t.split("-");
      for (long x = Long.parseLong(r[0]); x <= Long.parseLong(r[r.length - 1]); x++) seeds.add(x);
    }
    for (long seed : seeds) {
      long s = seed;
      futures.add(pool.submit(() -> runScene(s, configs)));
    }
    List<Run> runs = new ArrayList<>();
    for (Future<List<Run>> f : futures) runs.addAll(f.get());
    pool.shutdown();
    long scenes = runs.stream().mapToLong(Run::seed).distinct().count();
    System.out.printf(Locale.ROOT, "%d scenes x %d draws%n", scenes, DRAWS);
    System.out.println("| configuration | HOTA | DetA | AssA | LocA | IDF1 | IDSW | test seeds, draw 0: HOTA |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String c : configs.keySet()) {
      List<Run> rs = runs.stream().filter(r -> r.config.equals(c)).toList();
      double hota = rs.stream().mapToDouble(r -> r.result.hota()).average().orElse(Double.NaN);
      double deta = rs.stream().mapToDouble(r -> r.result.deta()).average().orElse(Double.NaN);
      double assa = rs.stream().mapToDouble(r -> r.result.assa()).average().orElse(Double.NaN);
      double loca = rs.stream().mapToDouble(r -> r.result.loca()).average().orElse(Double.NaN);
      double idf1 = rs.stream().mapToDouble(r -> r.result.idf1()).average().orElse(Double.NaN);
      int idsw = rs.stream().mapToInt(r -> r.result.idsw()).sum();
      StringBuilder test = new StringBuilder();
      for (long t : new long[] {1, 3, 4}) {
        rs.stream().filter(r -> r.seed == t && r.draw == 0).findFirst()
            .ifPresent(r -> test.append(String.format(Locale.ROOT, "%.3f ", r.result.hota())));
      }
      System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %d | %s|%n", c, hota, deta, assa, loca,
          idf1, idsw, test);
    }
    if (Boolean.getBoolean("perScene")) {
      for (String c : configs.keySet()) {
        StringBuilder sb = new StringBuilder(c + ":");
        for (Run r : runs) if (r.config.equals(c)) sb.append(String.format(Locale.ROOT, " %d/%d %.3f", r.seed, r.draw, r.result.hota()));
        System.out.println(sb);
      }
    }
  }

  static TrackerConfig parse(String spec) {
    String[] p = spec.split(":");
    return switch (p[0]) {
      case "defaults" -> TrackerConfig.DEFAULTS;
      case "bytetrack" -> TrackerConfig.BYTETRACK;
      case "noreid" -> TrackerConfig.DEFAULTS.withReid(0, TrackerConfig.DEFAULT_REID_MARGIN, TrackerConfig.DEFAULT_REID_BUFFER);
      case "reid" -> TrackerConfig.DEFAULTS.withReid(Double.parseDouble(p[1]), Double.parseDouble(p[2]), Integer.parseInt(p[3]));
      default -> throw new IllegalArgumentException("unknown configuration " + spec);
    };
  }

  /** Each detection with a one-hot appearance of its true id (a flat one for a false positive). */
  private static List<List<Detection>> oracle(List<List<Detection>> dets, List<List<Long>> truth) {
    List<List<Detection>> out = new ArrayList<>();
    for (int f = 0; f < dets.size(); f++) {
      List<Detection> frame = new ArrayList<>();
      for (int j = 0; j < dets.get(f).size(); j++) {
        float[] v = new float[128]; // ids of a scene stay below 128
        long id = truth.get(f).get(j);
        if (id == 0) Arrays.fill(v, (float) Math.sqrt(1 / 128.0));
        else v[(int) (id % 128)] = 1;
        frame.add(dets.get(f).get(j).withAppearance(new Appearance(v)));
      }
      out.add(frame);
    }
    return out;
  }

  private static List<Run> runScene(long seed, Map<String, TrackerConfig> configs) {
    SimulatorPeople scene = SimulatorPeople.render(seed);
    List<Run> out = new ArrayList<>();
    if (scene.gt().rows().size() < 300) return out;
    for (int k = 0; k < DRAWS; k++) {
      List<List<Long>> truth = new ArrayList<>();
      List<List<Detection>> dets = SyntheticScene.detect(scene.gt(), SyntheticScene.Noise.DEFAULT, 77 + seed + 1000L * k,
          truth);
      List<List<Detection>> withLooks = Boolean.getBoolean("oracle") ? oracle(dets, truth)
          : scene.withAppearances(dets);
      for (var c : configs.entrySet()) {
        MotSequence pred = PerturbedGroundTruthTest.track(new MultiLabelTracker(c.getValue()), scene.gt(), withLooks, W, H);
        out.add(new Run(seed, k, c.getKey(), MotMetrics.evaluate(scene.gt(), pred)));
      }
    }
    return out;
  }
}
