package dev.glimpse.sim.eval;

import dev.glimpse.tracker.Lap;
import java.util.Arrays;

/**
 * CLEAR MOT (Bernardin and Stiefelhagen, "Evaluating Multiple Object Tracking Performance: The CLEAR MOT
 * Metrics", EURASIP JIVP 2008), computed as TrackEval's {@code metrics/clear.py} does (TrackEval @12c8791):
 * per timestep a Hungarian matching on {@code 1000·[same tracker id as this ground truth had in the previous
 * matched timestep] + IoU}, pairs below IoU 0.5 forbidden, so continuing a match wins over a better overlap.
 * An id switch is a ground truth matched to a tracker id other than the last one it was matched to, however long
 * ago. MOTA = (TP − FP − IDSW) / (TP + FN), MOTP = mean IoU of the TPs. As in TrackEval, a timestep with no
 * ground truth or no tracker box is skipped before the previous matches are forgotten, so it neither breaks a
 * track (Frag) nor drops the continuation bonus.
 */
final class Clear {

  static final double THRESHOLD = 0.5;

  private Clear() {}

  /** MOTA and MOTP are 0 when either side is empty, as TrackEval's early return leaves them. */
  record Result(int tp, int fn, int fp, int idsw, int mt, int pt, int ml, int frag, double mota, double motp) {}

  static Result evaluate(EvalData d) {
    if (d.numTrackerDets == 0) return new Result(0, d.numGtDets, 0, 0, 0, 0, d.numGtIds, 0, 0, 0);
    if (d.numGtDets == 0) return new Result(0, 0, d.numTrackerDets, 0, 0, 0, 0, 0, 0, 0);

    int ng = d.numGtIds;
    int[] gtCount = new int[ng];
    int[] gtMatched = new int[ng];
    int[] gtFrag = new int[ng];
    int[] prevTracker = new int[ng]; // last tracker id ever matched, -1 = none (for IDSW)
    int[] prevTimestepTracker = new int[ng]; // tracker id matched in the previous scored timestep, -1 = none
    Arrays.fill(prevTracker, -1);
    Arrays.fill(prevTimestepTracker, -1);
    int tp = 0, fn = 0, fp = 0, idsw = 0;
    double motpSum = 0;

    for (int t = 0; t < d.timesteps; t++) {
      int[] g = d.gtIds[t], k = d.trackerIds[t];
      if (g.length == 0) {
        fp += k.length;
        continue;
      }
      if (k.length == 0) {
        fn += g.length;
        for (int id : g) gtCount[id]++;
        continue;
      }
      double[][] sim = d.similarity[t];
      double[][] score = new double[g.length][k.length];
      double[][] negScore = new double[g.length][k.length];
      for (int i = 0; i < g.length; i++) {
        for (int j = 0; j < k.length; j++) {
          double s = (k[j] == prevTimestepTracker[g[i]] ? 1000 : 0) + sim[i][j];
          if (sim[i][j] < THRESHOLD - EvalData.EPS) s = 0;
          score[i][j] = s;
          negScore[i][j] = -s;
        }
      }
      int[] match = Lap.solve(negScore);

      boolean[] wasTracked = new boolean[ng];
      for (int id = 0; id < ng; id++) wasTracked[id] = prevTimestepTracker[id] >= 0;
      Arrays.fill(prevTimestepTracker, -1);
      int matched = 0;
      for (int i = 0; i < g.length; i++) {
        int j = match[i];
        if (j == Lap.UNASSIGNED || !(score[i][j] > EvalData.EPS)) continue;
        int gid = g[i], kid = k[j];
        if (prevTracker[gid] >= 0 && prevTracker[gid] != kid) idsw++;
        gtMatched[gid]++;
        prevTracker[gid] = kid;
        prevTimestepTracker[gid] = kid;
        matched++;
        motpSum += sim[i][j];
      }
      for (int id : g) gtCount[id]++;
      for (int id = 0; id < ng; id++) if (!wasTracked[id] && prevTimestepTracker[id] >= 0) gtFrag[id]++;
      tp += matched;
      fn += g.length - matched;
      fp += k.length - matched;
    }

    int mt = 0, ptOrMore = 0, frag = 0;
    for (int id = 0; id < ng; id++) {
      if (gtFrag[id] > 0) frag += gtFrag[id] - 1;
      if (gtCount[id] == 0) continue;
      double ratio = (double) gtMatched[id] / gtCount[id];
      if (ratio > 0.8) mt++;
      if (ratio >= 0.2) ptOrMore++;
    }
    int pt = ptOrMore - mt;
    double mota = (tp - fp - idsw) / Math.max(1.0, tp + fn);
    double motp = motpSum / Math.max(1.0, tp);
    return new Result(tp, fn, fp, idsw, mt, pt, ng - mt - pt, frag, mota, motp);
  }
}
