package dev.glimpse.sim.eval;

import dev.glimpse.tracker.Lap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One sequence prepared for the metrics the way TrackEval's {@code MotChallenge2DBox.get_preprocessed_seq_data}
 * prepares it (TrackEval @12c8791), for the pedestrian class of MOT17:
 * <ol>
 *   <li>IoU between every ground-truth and tracker box of a timestep ({@code _calculate_box_ious}, xywh).</li>
 *   <li>Tracker boxes matched (Hungarian on IoU, only pairs with IoU ≥ 0.5) to ground truth of a distractor class
 *       (person on vehicle 2, static person 7, distractor 8, reflection 12) are removed.</li>
 *   <li>Ground truth that is not considered (column 7 = 0) or not a pedestrian (class 1) is removed.</li>
 *   <li>Ids are relabelled to 0..n-1 in increasing order of the original ids.</li>
 * </ol>
 * Shapes: T timesteps; per timestep g ground-truth and k tracker detections.
 */
final class EvalData {

  /** {@code np.finfo('float').eps}, which TrackEval adds to or subtracts from its thresholds. */
  static final double EPS = Math.ulp(1.0);

  private static final Set<Integer> DISTRACTOR_CLASSES = Set.of(2, 7, 8, 12);
  private static final int MAX_CLASS = 13;

  final int timesteps;
  /** (T)(g) contiguous ground-truth ids per timestep. */
  final int[][] gtIds;
  /** (T)(k) contiguous tracker ids per timestep. */
  final int[][] trackerIds;
  /** (T)(g, k) IoU of each ground-truth with each tracker box. */
  final double[][][] similarity;
  final int numGtIds, numTrackerIds, numGtDets, numTrackerDets;

  private EvalData(int timesteps, int[][] gtIds, int[][] trackerIds, double[][][] similarity, int numGtIds,
                   int numTrackerIds, int numGtDets, int numTrackerDets) {
    this.timesteps = timesteps;
    this.gtIds = gtIds;
    this.trackerIds = trackerIds;
    this.similarity = similarity;
    this.numGtIds = numGtIds;
    this.numTrackerIds = numTrackerIds;
    this.numGtDets = numGtDets;
    this.numTrackerDets = numTrackerDets;
  }

  static EvalData prepare(MotSequence gt, MotSequence tracker) {
    int steps = gt.length();
    if (tracker.length() > steps) {
      throw new IllegalArgumentException("tracker sequence " + tracker.name() + " is longer than the ground truth");
    }
    List<List<MotRow>> gtAt = byFrame(gt, steps);
    List<List<MotRow>> trAt = byFrame(tracker, steps);

    List<List<MotRow>> keptGt = new ArrayList<>(steps);
    List<List<MotRow>> keptTr = new ArrayList<>(steps);
    List<double[][]> keptSim = new ArrayList<>(steps);
    TreeSet<Long> gtIdSet = new TreeSet<>();
    TreeSet<Long> trIdSet = new TreeSet<>();
    for (int t = 0; t < steps; t++) {
      List<MotRow> g = gtAt.get(t);
      List<MotRow> k = trAt.get(t);
      checkUnique(g, "ground-truth");
      checkUnique(k, "tracker");
      for (MotRow r : k) {
        if (r.classId() > MotRow.PEDESTRIAN) {
          throw new IllegalArgumentException("tracker rows must be pedestrians (class <= 1), frame " + r.frame());
        }
      }
      double[][] sim = ious(g, k);

      // Remove tracker boxes matched to distractor ground truth.
      boolean[] dropTracker = new boolean[k.size()];
      if (!g.isEmpty() && !k.isEmpty()) {
        for (MotRow r : g) {
          if (r.classId() < 1 || r.classId() > MAX_CLASS) {
            throw new IllegalArgumentException("invalid ground-truth class " + r.classId() + " at frame " + r.frame());
          }
        }
        double[][] negScore = new double[g.size()][k.size()];
        for (int i = 0; i < g.size(); i++) {
          for (int j = 0; j < k.size(); j++) negScore[i][j] = sim[i][j] < 0.5 - EPS ? 0 : -sim[i][j];
        }
        int[] match = Lap.solve(negScore);
        for (int i = 0; i < g.size(); i++) {
          int j = match[i];
          if (j != Lap.UNASSIGNED && -negScore[i][j] > EPS && DISTRACTOR_CLASSES.contains(g.get(i).classId())) {
            dropTracker[j] = true;
          }
        }
      }
      List<Integer> gKeep = new ArrayList<>();
      for (int i = 0; i < g.size(); i++) if (g.get(i).considered() && g.get(i).classId() == MotRow.PEDESTRIAN) gKeep.add(i);
      List<Integer> kKeep = new ArrayList<>();
      for (int j = 0; j < k.size(); j++) if (!dropTracker[j]) kKeep.add(j);

      List<MotRow> gRows = new ArrayList<>();
      List<MotRow> kRows = new ArrayList<>();
      double[][] s = new double[gKeep.size()][kKeep.size()];
      for (int a = 0; a < gKeep.size(); a++) {
        gRows.add(g.get(gKeep.get(a)));
        for (int b = 0; b < kKeep.size(); b++) s[a][b] = sim[gKeep.get(a)][kKeep.get(b)];
      }
      for (int j : kKeep) kRows.add(k.get(j));
      for (MotRow r : gRows) gtIdSet.add(r.id());
      for (MotRow r : kRows) trIdSet.add(r.id());
      keptGt.add(gRows);
      keptTr.add(kRows);
      keptSim.add(s);
    }

    TreeMap<Long, Integer> gtMap = contiguous(gtIdSet);
    TreeMap<Long, Integer> trMap = contiguous(trIdSet);
    int[][] gtIds = new int[steps][];
    int[][] trIds = new int[steps][];
    int gtDets = 0, trDets = 0;
    for (int t = 0; t < steps; t++) {
      gtIds[t] = keptGt.get(t).stream().mapToInt(r -> gtMap.get(r.id())).toArray();
      trIds[t] = keptTr.get(t).stream().mapToInt(r -> trMap.get(r.id())).toArray();
      gtDets += gtIds[t].length;
      trDets += trIds[t].length;
    }
    return new EvalData(steps, gtIds, trIds, keptSim.toArray(new double[0][][]), gtMap.size(), trMap.size(), gtDets,
        trDets);
  }

  /**
   * (g, k) IoU as TrackEval computes it: boxes are (left, top, width, height); the IoU is 0 when either area or
   * the union is at most eps.
   */
  static double[][] ious(List<MotRow> g, List<MotRow> k) {
    double[][] out = new double[g.size()][k.size()];
    for (int i = 0; i < g.size(); i++) {
      MotRow a = g.get(i);
      double ax2 = a.left() + a.width(), ay2 = a.top() + a.height();
      double areaA = a.width() * a.height();
      for (int j = 0; j < k.size(); j++) {
        MotRow b = k.get(j);
        double bx2 = b.left() + b.width(), by2 = b.top() + b.height();
        double iw = Math.max(Math.min(ax2, bx2) - Math.max(a.left(), b.left()), 0);
        double ih = Math.max(Math.min(ay2, by2) - Math.max(a.top(), b.top()), 0);
        double inter = iw * ih;
        double areaB = b.width() * b.height();
        double union = areaA + areaB - inter;
        out[i][j] = areaA <= EPS || areaB <= EPS || union <= EPS ? 0 : inter / union;
      }
    }
    return out;
  }

  private static List<List<MotRow>> byFrame(MotSequence seq, int steps) {
    List<List<MotRow>> at = new ArrayList<>(steps);
    for (int t = 0; t < steps; t++) at.add(new ArrayList<>());
    for (MotRow r : seq.rows()) {
      if (r.frame() > steps) {
        throw new IllegalArgumentException(seq.name() + " has rows at frame " + r.frame() + " beyond " + steps);
      }
      at.get(r.frame() - 1).add(r);
    }
    return at;
  }

  private static void checkUnique(List<MotRow> rows, String what) {
    Set<Long> seen = new TreeSet<>();
    for (MotRow r : rows) {
      if (!seen.add(r.id())) {
        throw new IllegalArgumentException(what + " id " + r.id() + " appears twice in frame " + r.frame());
      }
    }
  }

  private static TreeMap<Long, Integer> contiguous(TreeSet<Long> ids) {
    TreeMap<Long, Integer> map = new TreeMap<>();
    for (long id : ids) map.put(id, map.size());
    return map;
  }
}
