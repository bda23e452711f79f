package dev.glimpse.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.ingest.StreamStats;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The arithmetic the reliability verdicts rest on: the fit, the percentiles, frame accounting and the limits. */
class ReliabilityMathTest {
  @Test
  void leastSquaresRecoversALineAndItsUncertaintyGrowsWithNoise() {
    double[] x = new double[50], exact = new double[50], noisy = new double[50];
    Random rnd = new Random(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = i * 0.1;
      exact[i] = 300 + 12 * x[i];
      noisy[i] = exact[i] + rnd.nextGaussian() * 5;
    }
    LeastSquares.Fit f = LeastSquares.fit(x, exact);
    assertEquals(12, f.slope(), 1e-9);
    assertEquals(300, f.intercept(), 1e-9);
    assertEquals(0, f.slopeStdErr(), 1e-9);
    LeastSquares.Fit g = LeastSquares.fit(x, noisy);
    assertTrue(Math.abs(g.slope() - 12) < 4 * g.slopeStdErr(), g.toString());
    assertTrue(g.slopeStdErr() > 0.5 && g.slopeStdErr() < 2, g.toString()); // 5 / sqrt(sum (x - mean)^2) = 5 / 10.3
    assertThrows(IllegalArgumentException.class, () -> LeastSquares.fit(new double[] {1, 1}, new double[] {2, 3}));
  }

  @Test
  void percentilesAreMeasuredValuesByNearestRank() {
    double[] v = new double[100];
    for (int i = 0; i < v.length; i++) v[i] = 100 - i;        // 100 .. 1, unsorted on purpose
    Summary s = Summary.of(v);
    assertEquals(new Summary(100, 1, 50, 99, 100), s);
    assertEquals(new Summary(1, 7, 7, 7, 7), Summary.of(new double[] {Double.NaN, 7}));
    assertEquals(0, Summary.of(new double[0]).n());
  }

  @Test
  void aFrameThatIsNeitherPublishedNorCountedIsReported() {
    StreamStats ok = new StreamStats(100, 60, 40, 0, 3, 1, 0);
    assertNull(FaultRun.unaccounted(ok, new PipelineWatch.Counts(60, 40, 99), 0));
    assertNull(FaultRun.unaccounted(new StreamStats(100, 60, 39, 0, 3, 1, 1), new PipelineWatch.Counts(60, 39, 98), 0));
    String lost = FaultRun.unaccounted(ok, new PipelineWatch.Counts(59, 41, 99), 0);
    assertTrue(lost != null && lost.contains("100 decoded, 59 published"), lost);
    assertTrue(FaultRun.unaccounted(null, new PipelineWatch.Counts(0, 0, -1), 0) != null);
  }

  @Test
  void aRecoveryOverTheLimitOrMemoryGrowthFailsTheFaultRun() {
    FaultRun.Options o = new FaultRun.Options(2, 1, Duration.ofSeconds(1), Duration.ofSeconds(2), 64L << 20, 8,
        Duration.ofSeconds(1), Duration.ofSeconds(30));
    ResourceSample base = new ResourceSample(10, 300L << 20, 20L << 20, 512L << 20, true, 15, 24, 80);
    StreamStats stats = new StreamStats(10, 10, 0, 0, 3, 1, 0);
    PipelineWatch.Counts counts = new PipelineWatch.Counts(10, 0, 9);
    List<FaultRun.Cycle> good = List.of(new FaultRun.Cycle(FaultRun.Kind.KILL, 1, Double.NaN, 900, 1200, 1500, 2, 5),
        new FaultRun.Cycle(FaultRun.Kind.FREEZE, 1, 1100, 2000, Double.NaN, 2600, 1, 9));
    FaultRun.Outcome pass = new FaultRun.Outcome("m", o, good, List.of(base), base, base, stats, counts, 0, false, 20, null);
    assertEquals(List.of(), pass.violations());

    List<FaultRun.Cycle> slow = List.of(good.get(0), new FaultRun.Cycle(FaultRun.Kind.FREEZE, 1, 1100, 2001, Double.NaN, 2600, 1, 9));
    ResourceSample grown = new ResourceSample(20, (300L + 65) << 20, 20L << 20, 512L << 20, true, 15, 33, 80);
    List<String> v = new FaultRun.Outcome("m", o, slow, List.of(base), base, grown, stats, counts, 0, false, 20, null).violations();
    assertEquals(3, v.size(), v.toString());
    assertTrue(v.get(0).contains("FREEZE 1: recovery 2001 ms > 2000 ms"), v.toString());
    assertTrue(v.get(1).contains("RSS grew 65.0 MiB"), v.toString());
    assertTrue(v.get(2).contains("OS 24 → 33"), v.toString());
  }
}
