package dev.glimpse.tracker;

import dev.glimpse.types.Detection;
import java.util.Arrays;
import java.util.List;

/**
 * One association step of BYTE: similarity between tracks and detections, turned into a cost
 * {@code 1 - similarity} and solved by {@link Lap#solveGated} so that no pair below the step's minimum similarity
 * is ever matched. Tracks and detections of different labels are never paired.
 *
 * <p>With a buffer b > 0 both footprints are grown by b times their size on every side before the similarity is
 * taken ({@link Geometry#expand}, C-BIoU): a small box that moved more than its own width since the last frame
 * still overlaps its prediction. Thresholds apply to the buffered similarity.
 *
 * <p>Only pairs whose footprints can overlap are scored: detections are sorted by left edge and each track
 * sweeps the ones that start within its reach, so a frame costs about O((T + D) log D) rather than O(T·D) when
 * objects are spread out. The result is the same as scoring every pair.
 */
final class Association {

  private Association() {}

  /** A detection with its footprint (4) and measurement (n) computed once per frame. */
  record Candidate(Detection detection, double[] footprint, double[] z) {}

  /** {@link #match(Geometry, List, List, double, boolean, double)} without a buffer. */
  static int[] match(Geometry geometry, List<STrack> tracks, List<Candidate> candidates, double minSimilarity,
                     boolean fuseScore) {
    return match(geometry, tracks, candidates, minSimilarity, fuseScore, 0);
  }

  /**
   * @param tracks          rows, in serial order
   * @param candidates      columns, in input order
   * @param minSimilarity   pairs must reach this similarity (after score fusion)
   * @param fuseScore       multiply similarity by the detection's score (ByteTrack {@code fuse_score})
   * @param buffer          C-BIoU buffer, a fraction of each footprint's size added on every side; 0 for none
   * @return (tracks) the candidate index matched to each track, or {@link Lap#UNASSIGNED}
   */
  static int[] match(Geometry geometry, List<STrack> tracks, List<Candidate> candidates, double minSimilarity,
                     boolean fuseScore, double buffer) {
    return match(geometry, tracks, null, candidates, minSimilarity, fuseScore, buffer);
  }

  /**
   * {@link #match(Geometry, List, List, double, boolean, double)} with each track standing at the given footprint
   * instead of its own (observation recovery matches tracks by their last observation).
   *
   * @param footprints (tracks, 4) the footprint of each track; null: each track's own
   */
  static int[] match(Geometry geometry, List<STrack> tracks, double[][] footprints, List<Candidate> candidates,
                     double minSimilarity, boolean fuseScore, double buffer) {
    int rows = tracks.size();
    int cols = candidates.size();
    if (rows == 0 || cols == 0) {
      int[] none = new int[rows];
      Arrays.fill(none, Lap.UNASSIGNED);
      return none;
    }
    // Candidates by left edge; a pair can only have similarity > 0 when the candidate's left edge lies in
    // (track left − reach − widest candidate, track right + reach].
    Integer[] order = new Integer[cols];
    double[][] cfp = new double[cols][]; // (cols, 4) candidate footprints, buffered
    double widest = 0;
    for (int c = 0; c < cols; c++) {
      order[c] = c;
      cfp[c] = buffered(geometry, candidates.get(c).footprint(), buffer);
      widest = Math.max(widest, cfp[c][2] - cfp[c][0]);
    }
    Arrays.sort(order, (a, b) -> Double.compare(cfp[a][0], cfp[b][0]));
    double[] left = new double[cols]; // (cols) sorted left edges
    for (int i = 0; i < cols; i++) left[i] = cfp[order[i]][0];

    double limit = 1 - minSimilarity;
    double reach = geometry.reach();
    Lap.Edges edges = new Lap.Edges(2 * rows);
    for (int r = 0; r < rows; r++) {
      STrack t = tracks.get(r);
      double[] fp = buffered(geometry, footprints == null ? t.footprint : footprints[r], buffer);
      double hi = fp[2] + reach;
      for (int i = lowerBound(left, fp[0] - reach - widest); i < cols && left[i] <= hi; i++) {
        int c = order[i];
        Candidate cand = candidates.get(c);
        if (!t.label.equals(cand.detection().label())) continue;
        double sim = geometry.similarity(fp, cfp[c]);
        if (fuseScore) sim *= cand.detection().score();
        if (sim > 0 && 1 - sim <= limit) edges.add(r, c, 1 - sim);
      }
    }
    return Lap.solveGated(rows, cols, edges, limit);
  }

  private static double[] buffered(Geometry geometry, double[] footprint, double buffer) {
    if (buffer <= 0) return footprint;
    double[] out = new double[Geometry.FOOTPRINT];
    geometry.expand(footprint, buffer, out);
    return out;
  }

  /** First index whose value is ≥ {@code key} in an ascending array. */
  private static int lowerBound(double[] sorted, double key) {
    int lo = 0, hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
