package dev.glimpse.tracker;

import java.util.Arrays;

/**
 * Linear assignment problems (LAP), solved exactly with the shortest-augmenting-path form of the Hungarian
 * method (Kuhn-Munkres with dual potentials, as in Jonker and Volgenant, Computing 38, 1987): O(r² c) for an
 * r × c matrix with r ≤ c. The one assignment solver of the project: the tracker's association and the MOT
 * metrics in {@code dev.glimpse.sim.eval} both use it.
 *
 * <p>Costs are {@code double[rows][cols]}; {@code +∞} marks a forbidden pair. NaN and {@code -∞} are rejected.
 * Ties are broken towards lower column indices, so results are deterministic.
 */
public final class Lap {

  /** Marks a row or column left without a partner. */
  public static final int UNASSIGNED = -1;

  private static final double INF = Double.POSITIVE_INFINITY;

  private Lap() {}

  /**
   * Minimum-cost assignment of {@code min(rows, cols)} pairs, the contract of scipy's
   * {@code linear_sum_assignment}.
   *
   * @param cost (rows, cols) cost matrix, rectangular; {@code +∞} for forbidden pairs
   * @return (rows) the column assigned to each row, or {@link #UNASSIGNED}
   * @throws IllegalArgumentException when no assignment of {@code min(rows, cols)} pairs avoids forbidden pairs
   */
  public static int[] solve(double[][] cost) {
    int rows = cost.length;
    int cols = rows == 0 ? 0 : cost[0].length;
    validate(cost, cols);
    int[] rowToCol = new int[rows];
    Arrays.fill(rowToCol, UNASSIGNED);
    if (rows == 0 || cols == 0) return rowToCol;
    if (rows <= cols) return shortestAugmentingPath(cost, rows, cols, false);
    int[] colToRow = shortestAugmentingPath(cost, cols, rows, true);
    for (int c = 0; c < cols; c++) if (colToRow[c] != UNASSIGNED) rowToCol[colToRow[c]] = c;
    return rowToCol;
  }

  /**
   * Minimum-cost partial assignment where a pair may only be used when its cost is at most {@code limit}, and
   * leaving a row and a column unmatched costs {@code limit} (half each). This is {@code lap.lapjv(cost,
   * extend_cost=True, cost_limit=limit)}, which ByteTrack's {@code matching.linear_assignment} calls: a pair of
   * cost {@code c} is worth {@code limit - c}, and the sum of worths is maximised.
   *
   * @param cost  (rows, cols) cost matrix
   * @param limit the largest cost a pair may have
   * @return (rows) the column assigned to each row, or {@link #UNASSIGNED}
   */
  public static int[] solveGated(double[][] cost, double limit) {
    int rows = cost.length;
    int cols = rows == 0 ? 0 : cost[0].length;
    validate(cost, cols);
    Edges edges = new Edges(rows + cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) if (cost[r][c] <= limit) edges.add(r, c, cost[r][c]);
    }
    return solveGated(rows, cols, edges, limit);
  }

  /**
   * {@link #solveGated(double[][], double)} on the allowed pairs only. The pairs split the problem into
   * independent connected components, each solved on its own, so well-separated objects cost O(1) each and no
   * (rows, cols) matrix is ever built.
   *
   * @param edges the allowed pairs, each with cost ≤ {@code limit}, each pair at most once
   */
  public static int[] solveGated(int rows, int cols, Edges edges, double limit) {
    int[] rowToCol = new int[rows];
    Arrays.fill(rowToCol, UNASSIGNED);
    int n = edges.size;
    if (n == 0) return rowToCol;

    // Union-find over rows [0, rows) and columns [rows, rows + cols); a component's root is its smallest index.
    int[] parent = new int[rows + cols];
    for (int i = 0; i < parent.length; i++) parent[i] = i;
    for (int e = 0; e < n; e++) {
      if (!(edges.cost[e] <= limit)) throw new IllegalArgumentException("edge cost above the limit: " + edges.cost[e]);
      union(parent, edges.row[e], rows + edges.col[e]);
    }
    // Number the components that have an edge, in order of their root; give each node its index inside.
    int[] compOfRoot = new int[rows + cols];
    Arrays.fill(compOfRoot, -1);
    int[] local = new int[rows + cols];
    int comps = 0;
    for (int e = 0; e < n; e++) {
      int root = find(parent, edges.row[e]);
      if (compOfRoot[root] < 0) compOfRoot[root] = comps++;
    }
    int[] rowCount = new int[comps];
    int[] colCount = new int[comps];
    int[][] compRows = new int[comps][];
    int[][] compCols = new int[comps][];
    for (int i = 0; i < rows + cols; i++) {
      int k = compOfRoot[find(parent, i)];
      if (k < 0) continue;
      local[i] = i < rows ? rowCount[k]++ : colCount[k]++;
    }
    for (int k = 0; k < comps; k++) {
      compRows[k] = new int[rowCount[k]];
      compCols[k] = new int[colCount[k]];
    }
    for (int i = 0; i < rows + cols; i++) {
      int k = compOfRoot[find(parent, i)];
      if (k < 0) continue;
      if (i < rows) compRows[k][local[i]] = i;
      else compCols[k][local[i]] = i - rows;
    }

    // (r, c + r) per component: reduced costs cost - limit ≤ 0 for allowed pairs, +inf for the others, then one
    // private "stay unmatched" column per row at 0, so every component is feasible.
    double[][][] sub = new double[comps][][];
    for (int k = 0; k < comps; k++) {
      int r = rowCount[k], c = colCount[k];
      if (r == 1 && c == 1) continue; // one edge joins them: match directly below
      sub[k] = new double[r][c + r];
      for (int i = 0; i < r; i++) {
        Arrays.fill(sub[k][i], INF);
        sub[k][i][c + i] = 0;
      }
    }
    for (int e = 0; e < n; e++) {
      int k = compOfRoot[find(parent, edges.row[e])];
      if (sub[k] == null) {
        rowToCol[edges.row[e]] = edges.col[e];
      } else {
        sub[k][local[edges.row[e]]][local[rows + edges.col[e]]] = edges.cost[e] - limit;
      }
    }
    for (int k = 0; k < comps; k++) {
      if (sub[k] == null) continue;
      int r = rowCount[k], c = colCount[k];
      int[] assigned = shortestAugmentingPath(sub[k], r, c + r, false);
      for (int i = 0; i < r; i++) if (assigned[i] < c) rowToCol[compRows[k][i]] = compCols[k][assigned[i]];
    }
    return rowToCol;
  }

  /** A growable list of allowed pairs (row, column, cost) for {@link #solveGated(int, int, Edges, double)}. */
  public static final class Edges {
    int[] row, col;
    double[] cost;
    int size;

    public Edges(int capacity) {
      int c = Math.max(4, capacity);
      row = new int[c];
      col = new int[c];
      cost = new double[c];
    }

    public void add(int r, int c, double v) {
      if (size == row.length) {
        row = Arrays.copyOf(row, 2 * size);
        col = Arrays.copyOf(col, 2 * size);
        cost = Arrays.copyOf(cost, 2 * size);
      }
      row[size] = r;
      col[size] = c;
      cost[size] = v;
      size++;
    }

    public int size() { return size; }
  }

  /**
   * The Hungarian method as successive shortest augmenting paths with potentials u (rows) and v (columns);
   * arrays are 1-based with index 0 as the virtual source. Requires {@code n ≤ m}.
   *
   * @param a          cost matrix, read as {@code a[i][j]} or, when {@code transposed}, {@code a[j][i]}
   * @param n          rows to assign (all of them are assigned)
   * @param m          columns
   * @return (n) the column of each row
   */
  private static int[] shortestAugmentingPath(double[][] a, int n, int m, boolean transposed) {
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    double[] minv = new double[m + 1];
    int[] p = new int[m + 1]; // p[j]: row matched to column j, 0 = none
    int[] way = new int[m + 1]; // way[j]: previous column on the shortest path to j
    boolean[] used = new boolean[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      Arrays.fill(minv, INF);
      Arrays.fill(used, false);
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = INF;
        int j1 = -1;
        double ui0 = u[i0];
        for (int j = 1; j <= m; j++) {
          if (used[j]) continue;
          double c = transposed ? a[j - 1][i0 - 1] : a[i0 - 1][j - 1];
          double cur = c - ui0 - v[j];
          if (cur < minv[j]) {
            minv[j] = cur;
            way[j] = j0;
          }
          if (minv[j] < delta) {
            delta = minv[j];
            j1 = j;
          }
        }
        if (j1 < 0) throw new IllegalArgumentException("no assignment avoids the forbidden (+inf) pairs");
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do { // augment along the path
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] rowToCol = new int[n];
    Arrays.fill(rowToCol, UNASSIGNED);
    for (int j = 1; j <= m; j++) if (p[j] != 0) rowToCol[p[j] - 1] = j - 1;
    return rowToCol;
  }

  private static void validate(double[][] cost, int cols) {
    for (double[] row : cost) {
      if (row.length != cols) throw new IllegalArgumentException("cost matrix rows differ in length");
      for (double v : row) {
        if (Double.isNaN(v) || v == Double.NEGATIVE_INFINITY) {
          throw new IllegalArgumentException("cost must be finite or +inf: " + v);
        }
      }
    }
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
