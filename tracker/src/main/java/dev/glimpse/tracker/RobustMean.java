package dev.glimpse.tracker;

import java.util.Arrays;

/**
 * The estimator of motion compensation ({@link ByteTracker}): a common offset measured by several values, each with
 * its own noise, some of them outliers (a track's own motion, a wrong match).
 */
final class RobustMean {

  /** How far, in standard deviations, a value may be from the weighted median and still count. */
  static final double INLIER_SIGMAS = 3;

  private RobustMean() {}

  /**
   * Weighted mean, weights 1 / σ², of the values within {@link #INLIER_SIGMAS}·σ of their weighted median, shrunk
   * towards 0 by a zero-mean prior of standard deviation {@code prior} (none when ≤ 0): the posterior mean of a
   * common offset that every value measures with its own noise.
   *
   * @param values (n ≥ 1) measurements of the offset
   * @param sigmas (n) their standard deviations, > 0
   */
  static double of(double[] values, double[] sigmas, double prior) {
    int n = values.length;
    Integer[] order = new Integer[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      order[i] = i;
      total += 1 / (sigmas[i] * sigmas[i]);
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double median = values[order[n - 1]], acc = 0;
    for (int i : order) {
      acc += 1 / (sigmas[i] * sigmas[i]);
      if (acc >= 0.5 * total) {
        median = values[i];
        break;
      }
    }
    double sw = prior > 0 ? 1 / (prior * prior) : 0, sx = 0;
    for (int i = 0; i < n; i++) {
      if (Math.abs(values[i] - median) > INLIER_SIGMAS * sigmas[i]) continue;
      double w = 1 / (sigmas[i] * sigmas[i]);
      sw += w;
      sx += w * values[i];
    }
    return sw > 0 ? sx / sw : median;
  }
}
