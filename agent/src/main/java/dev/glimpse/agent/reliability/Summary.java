package dev.glimpse.agent.reliability;

import java.util.Arrays;
import java.util.Locale;

/**
 * min / median / p99 / max of a set of measurements, by nearest rank (the k-th smallest with k = ⌈q·n⌉), so
 * every number reported is one that was measured. With 100 values, p99 is the second largest.
 *
 * @param n      values
 * @param min    smallest
 * @param median ⌈n/2⌉-th smallest
 * @param p99    ⌈0.99·n⌉-th smallest
 * @param max    largest
 */
public record Summary(int n, double min, double median, double p99, double max) {
  /** Summarises {@code values}; NaN values (not measured) are left out. */
  public static Summary of(double[] values) {
    double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    return new Summary(v.length, v[0], rank(v, 0.5), rank(v, 0.99), v[v.length - 1]);
  }

  private static double rank(double[] sorted, double q) {
    int k = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, k - 1)];
  }

  /** "n  min  median  p99  max" as a fixed-width table row (whole numbers). */
  public String row() {
    return n == 0 ? String.format(Locale.ROOT, "%4d %7s %7s %7s %7s", n, "-", "-", "-", "-")
        : String.format(Locale.ROOT, "%4d %7.0f %7.0f %7.0f %7.0f", n, min, median, p99, max);
  }
}
