package dev.glimpse.agent.reliability;

/**
 * Ordinary least squares of y on x: the straight line that a drift (a leak) shows as, fitted to every sample so
 * that no single sample (a GC that just ran, an arena that was just trimmed) decides the verdict.
 */
public final class LeastSquares {
  private LeastSquares() {}

  /**
   * A fitted line y = intercept + slope · x.
   *
   * @param slope        y units per x unit
   * @param intercept    y at x = 0
   * @param slopeStdErr  standard error of the slope (residual scatter over the spread of x); NaN below 3 points
   * @param n            points fitted
   */
  public record Fit(double slope, double intercept, double slopeStdErr, int n) {}

  /** Fits y = a + b·x; needs at least 2 points with different x. */
  public static Fit fit(double[] x, double[] y) {
    if (x.length != y.length) throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
    int n = x.length;
    if (n < 2) throw new IllegalArgumentException("a line needs at least 2 points, got " + n);
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
    }
    if (sxx == 0) throw new IllegalArgumentException("all " + n + " points have the same x");
    double slope = sxy / sxx, intercept = my - slope * mx;
    double se = Double.NaN;
    if (n > 2) {
      double sse = 0;
      for (int i = 0; i < n; i++) {
        double r = y[i] - (intercept + slope * x[i]);
        sse += r * r;
      }
      se = Math.sqrt(sse / (n - 2) / sxx);
    }
    return new Fit(slope, intercept, se, n);
  }
}
