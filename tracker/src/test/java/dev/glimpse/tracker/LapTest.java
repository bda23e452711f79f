package dev.glimpse.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lap against exhaustive search on small matrices. */
class LapTest {

  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void solvesTheTextbookExample() {
    // Optimal: row0→col1 (1), row1→col0 (2), row2→col2 (2): total 5.
    double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
    assertArrayEquals(new int[] {1, 0, 2}, Lap.solve(cost));
  }

  @Test
  void matchesBruteForceOnRandomRectangularMatrices() {
    Random rng = new Random(7);
    for (int trial = 0; trial < 400; trial++) {
      int rows = 1 + rng.nextInt(6);
      int cols = 1 + rng.nextInt(6);
      double[][] cost = random(rng, rows, cols, trial % 3 == 0 ? 0.25 : 0);
      double best = bruteForceFull(cost);
      if (best == INF) {
        assertThrows(IllegalArgumentException.class, () -> Lap.solve(cost));
        continue;
      }
      int[] got = Lap.solve(cost);
      assertEquals(Math.min(rows, cols), countAssigned(got), "every row or every column is assigned");
      assertEquals(best, total(cost, got), 1e-9, "trial " + trial);
    }
  }

  @Test
  void gatedMatchesBruteForceOverPartialMatchings() {
    Random rng = new Random(11);
    for (int trial = 0; trial < 400; trial++) {
      int rows = rng.nextInt(6);
      int cols = rng.nextInt(6);
      double[][] cost = random(rng, rows, cols, 0.2);
      double limit = 0.3 + 0.5 * rng.nextDouble();
      int[] got = Lap.solveGated(cost, limit);
      double worth = 0;
      boolean[] colUsed = new boolean[cols];
      for (int r = 0; r < rows; r++) {
        if (got[r] == Lap.UNASSIGNED) continue;
        assertEquals(false, colUsed[got[r]], "a column is used once");
        colUsed[got[r]] = true;
        assertEquals(true, cost[r][got[r]] <= limit, "only pairs within the limit");
        worth += limit - cost[r][got[r]];
      }
      assertEquals(bestPartialWorth(cost, limit, 0, new boolean[cols]), worth, 1e-9, "trial " + trial);
    }
  }

  @Test
  void gatedPrefersOneGoodPairToTwoMediocreOnes() {
    // lapjv with cost_limit 0.8: {r0c0 0.1} is worth 0.7; {r0c1 0.7, r1c0 0.7} is worth 0.2.
    double[][] cost = {{0.1, 0.7}, {0.7, INF}};
    assertArrayEquals(new int[] {0, Lap.UNASSIGNED}, Lap.solveGated(cost, 0.8));
  }

  @Test
  void emptyMatricesAndNaNs() {
    assertArrayEquals(new int[0], Lap.solve(new double[0][0]));
    assertArrayEquals(new int[] {-1, -1}, Lap.solve(new double[2][0]));
    assertArrayEquals(new int[] {-1}, Lap.solveGated(new double[][] {{0.9}}, 0.5));
    assertThrows(IllegalArgumentException.class, () -> Lap.solve(new double[][] {{Double.NaN}}));
  }

  private static double[][] random(Random rng, int rows, int cols, double forbidden) {
    double[][] cost = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) cost[r][c] = rng.nextDouble() < forbidden ? INF : Math.round(rng.nextDouble() * 20) / 20.0;
    }
    return cost;
  }

  private static int countAssigned(int[] rowToCol) {
    int n = 0;
    for (int c : rowToCol) if (c != Lap.UNASSIGNED) n++;
    return n;
  }

  private static double total(double[][] cost, int[] rowToCol) {
    double s = 0;
    for (int r = 0; r < rowToCol.length; r++) if (rowToCol[r] != Lap.UNASSIGNED) s += cost[r][rowToCol[r]];
    return s;
  }

  /** Minimum over assignments of min(rows, cols) pairs. */
  private static double bruteForceFull(double[][] cost) {
    int rows = cost.length;
    int cols = cost[0].length;
    if (rows <= cols) return fullRows(cost, 0, new boolean[cols]);
    double[][] t = new double[cols][rows];
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c][r] = cost[r][c];
    return fullRows(t, 0, new boolean[rows]);
  }

  private static double fullRows(double[][] cost, int r, boolean[] used) {
    if (r == cost.length) return 0;
    double best = INF;
    for (int c = 0; c < used.length; c++) {
      if (used[c] || cost[r][c] == INF) continue;
      used[c] = true;
      best = Math.min(best, cost[r][c] + fullRows(cost, r + 1, used));
      used[c] = false;
    }
    return best;
  }

  private static double bestPartialWorth(double[][] cost, double limit, int r, boolean[] used) {
    if (r == cost.length) return 0;
    double best = bestPartialWorth(cost, limit, r + 1, used); // row r unmatched
    for (int c = 0; c < used.length; c++) {
      if (used[c] || !(cost[r][c] <= limit)) continue;
      used[c] = true;
      best = Math.max(best, limit - cost[r][c] + bestPartialWorth(cost, limit, r + 1, used));
      used[c] = false;
    }
    return best;
  }
}
