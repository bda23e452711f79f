package dev.glimpse.sim.eval;

import dev.glimpse.tracker.Lap;
import java.util.Arrays;

/**
 * HOTA (Luiten et al., "HOTA: A Higher Order Metric for Evaluating Multi-Object Tracking", IJCV 2021), computed
 * as TrackEval's {@code metrics/hota.py} does (TrackEval @12c8791):
 * <ol>
 *   <li>Global alignment: for every ground-truth id g and tracker id k, the sum over timesteps of the IoU-based
 *       soft match {@code S(i,j) / (Σ_j S(i,·) + Σ_i S(·,j) - S(i,j))}, divided by
 *       {@code count(g) + count(k) - that sum}.</li>
 *   <li>Per timestep, a Hungarian matching maximising {@code alignment(g, k) · IoU}.</li>
 *   <li>For each α in 0.05, 0.10, …, 0.95, matched pairs with IoU ≥ α are true positives; the rest of both sides
 *       are misses and false positives; LocA sums their IoU.</li>
 *   <li>AssA(α) = Σ over TPs of the pair's association IoU {@code TPA / (TPA + FNA + FPA)}, over TP(α).</li>
 *   <li>DetA = TP / (TP + FN + FP), HOTA(α) = √(DetA · AssA); the reported numbers are means over the 19 α.</li>
 * </ol>
 */
final class Hota {

  /** The 19 α thresholds, computed as {@code np.arange(0.05, 0.99, 0.05)} fills them: a0 + i·(a1 − a0). */
  static final double[] ALPHAS = alphas();

  private Hota() {}

  /** Per-α arrays (19); see TrackEval for the field names. */
  record Result(double[] hota, double[] detA, double[] assA, double[] locA, double[] detRe, double[] detPr,
                double[] assRe, double[] assPr, double[] tp, double[] fn, double[] fp) {

    static double mean(double[] v) { return Arrays.stream(v).sum() / v.length; }
  }

  static Result evaluate(EvalData d) {
    int n = ALPHAS.length;
    double[] tp = new double[n], fn = new double[n], fp = new double[n], locA = new double[n];
    double[] assA = new double[n], assRe = new double[n], assPr = new double[n];
    if (d.numTrackerDets == 0 || d.numGtDets == 0) {
      Arrays.fill(d.numTrackerDets == 0 ? fn : fp, d.numTrackerDets == 0 ? d.numGtDets : d.numTrackerDets);
      Arrays.fill(locA, 1);
      return finish(tp, fn, fp, locA, assA, assRe, assPr);
    }

    int ng = d.numGtIds, nk = d.numTrackerIds;
    double[][] potential = new double[ng][nk]; // (G, K)
    double[] gtCount = new double[ng];
    double[] trCount = new double[nk];
    for (int t = 0; t < d.timesteps; t++) {
      int[] g = d.gtIds[t], k = d.trackerIds[t];
      double[][] sim = d.similarity[t];
      double[] rowSum = new double[g.length];
      double[] colSum = new double[k.length];
      for (int i = 0; i < g.length; i++) {
        for (int j = 0; j < k.length; j++) {
          rowSum[i] += sim[i][j];
          colSum[j] += sim[i][j];
        }
      }
      for (int i = 0; i < g.length; i++) {
        for (int j = 0; j < k.length; j++) {
          double denom = colSum[j] + rowSum[i] - sim[i][j];
          if (denom > EvalData.EPS) potential[g[i]][k[j]] += sim[i][j] / denom;
        }
      }
      for (int id : g) gtCount[id]++;
      for (int id : k) trCount[id]++;
    }
    double[][] alignment = new double[ng][nk];
    for (int a = 0; a < ng; a++) {
      for (int b = 0; b < nk; b++) alignment[a][b] = potential[a][b] / (gtCount[a] + trCount[b] - potential[a][b]);
    }

    int[][][] matches = new int[n][ng][nk]; // (α, G, K) matched-pair counts
    for (int t = 0; t < d.timesteps; t++) {
      int[] g = d.gtIds[t], k = d.trackerIds[t];
      if (g.length == 0 || k.length == 0) {
        for (int a = 0; a < n; a++) {
          fp[a] += k.length;
          fn[a] += g.length;
        }
        continue;
      }
      double[][] sim = d.similarity[t];
      double[][] negScore = new double[g.length][k.length];
      for (int i = 0; i < g.length; i++) {
        for (int j = 0; j < k.length; j++) negScore[i][j] = -alignment[g[i]][k[j]] * sim[i][j];
      }
      int[] match = Lap.solve(negScore);
      for (int a = 0; a < n; a++) {
        int matched = 0;
        for (int i = 0; i < g.length; i++) {
          int j = match[i];
          if (j == Lap.UNASSIGNED || !(sim[i][j] >= ALPHAS[a] - EvalData.EPS)) continue;
          matched++;
          locA[a] += sim[i][j];
          matches[a][g[i]][k[j]]++;
        }
        tp[a] += matched;
        fn[a] += g.length - matched;
        fp[a] += k.length - matched;
      }
    }

    for (int a = 0; a < n; a++) {
      double sumA = 0, sumRe = 0, sumPr = 0;
      for (int x = 0; x < ng; x++) {
        for (int y = 0; y < nk; y++) {
          double m = matches[a][x][y];
          if (m == 0) continue;
          sumA += m * (m / Math.max(1, gtCount[x] + trCount[y] - m));
          sumRe += m * (m / Math.max(1, gtCount[x]));
          sumPr += m * (m / Math.max(1, trCount[y]));
        }
      }
      double denom = Math.max(1, tp[a]);
      assA[a] = sumA / denom;
      assRe[a] = sumRe / denom;
      assPr[a] = sumPr / denom;
      locA[a] = Math.max(1e-10, locA[a]) / Math.max(1e-10, tp[a]);
    }
    return finish(tp, fn, fp, locA, assA, assRe, assPr);
  }

  /** TrackEval's {@code _compute_final_fields}. */
  private static Result finish(double[] tp, double[] fn, double[] fp, double[] locA, double[] assA, double[] assRe,
                               double[] assPr) {
    int n = tp.length;
    double[] detRe = new double[n], detPr = new double[n], detA = new double[n], hota = new double[n];
    for (int a = 0; a < n; a++) {
      detRe[a] = tp[a] / Math.max(1, tp[a] + fn[a]);
      detPr[a] = tp[a] / Math.max(1, tp[a] + fp[a]);
      detA[a] = tp[a] / Math.max(1, tp[a] + fn[a] + fp[a]);
      hota[a] = Math.sqrt(detA[a] * assA[a]);
    }
    return new Result(hota, detA, assA, locA, detRe, detPr, assRe, assPr, tp, fn, fp);
  }

  private static double[] alphas() {
    double start = 0.05;
    double delta = (start + 0.05) - start;
    double[] a = new double[19];
    for (int i = 0; i < a.length; i++) a[i] = i == 0 ? start : i == 1 ? start + 0.05 : start + i * delta;
    return a;
  }
}
