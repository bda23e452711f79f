package dev.glimpse.sim.eval;

import dev.glimpse.tracker.Lap;

/**
 * Identity metrics (Ristani et al., "Performance Measures and a Data Set for Multi-Target, Multi-Camera
 * Tracking", ECCV workshops 2016), computed as TrackEval's {@code metrics/identity.py} does (TrackEval @12c8791):
 * one global one-to-one matching between ground-truth and tracker ids that minimises IDFN + IDFP, where a pair
 * (g, k) is credited with the timesteps in which their boxes overlap with IoU ≥ 0.5. The matrix is
 * (G + K, G + K): real pairs, plus one "unmatched" column per ground truth (costs its whole length as IDFN) and
 * one "unmatched" row per tracker id (costs its whole length as IDFP).
 */
final class Identity {

  static final double THRESHOLD = 0.5;
  private static final double FORBIDDEN = 1e10; // TrackEval's value for dummy pairs that may not be used

  private Identity() {}

  record Result(long idtp, long idfn, long idfp) {
    double idr() { return idtp / Math.max(1.0, idtp + idfn); }

    double idp() { return idtp / Math.max(1.0, idtp + idfp); }

    double idf1() { return idtp / Math.max(1.0, idtp + 0.5 * idfp + 0.5 * idfn); }
  }

  static Result evaluate(EvalData d) {
    if (d.numTrackerDets == 0) return new Result(0, d.numGtDets, 0);
    if (d.numGtDets == 0) return new Result(0, 0, d.numTrackerDets);

    int ng = d.numGtIds, nk = d.numTrackerIds, n = ng + nk;
    double[][] potential = new double[ng][nk]; // (G, K) timesteps with IoU ≥ 0.5
    double[] gtCount = new double[ng];
    double[] trCount = new double[nk];
    for (int t = 0; t < d.timesteps; t++) {
      int[] g = d.gtIds[t], k = d.trackerIds[t];
      double[][] sim = d.similarity[t];
      for (int i = 0; i < g.length; i++) {
        for (int j = 0; j < k.length; j++) if (sim[i][j] >= THRESHOLD) potential[g[i]][k[j]]++;
      }
      for (int id : g) gtCount[id]++;
      for (int id : k) trCount[id]++;
    }

    double[][] fnMat = new double[n][n];
    double[][] fpMat = new double[n][n];
    for (int r = ng; r < n; r++) for (int c = 0; c < nk; c++) fpMat[r][c] = FORBIDDEN;
    for (int r = 0; r < ng; r++) for (int c = nk; c < n; c++) fnMat[r][c] = FORBIDDEN;
    for (int a = 0; a < ng; a++) {
      for (int c = 0; c < nk; c++) fnMat[a][c] = gtCount[a];
      fnMat[a][nk + a] = gtCount[a];
    }
    for (int b = 0; b < nk; b++) {
      for (int r = 0; r < ng; r++) fpMat[r][b] = trCount[b];
      fpMat[b + ng][b] = trCount[b];
    }
    for (int a = 0; a < ng; a++) {
      for (int b = 0; b < nk; b++) {
        fnMat[a][b] -= potential[a][b];
        fpMat[a][b] -= potential[a][b];
      }
    }
    double[][] cost = new double[n][n];
    for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) cost[r][c] = fnMat[r][c] + fpMat[r][c];
    int[] match = Lap.solve(cost);
    double idfn = 0, idfp = 0, gtTotal = 0;
    for (int r = 0; r < n; r++) {
      idfn += fnMat[r][match[r]];
      idfp += fpMat[r][match[r]];
    }
    for (double c : gtCount) gtTotal += c;
    return new Result((long) (gtTotal - idfn), (long) idfn, (long) idfp);
  }
}
