package dev.glimpse.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Standing queries of streams started together must not all ask on the same frame time: each stream's later asks
 * keep a phase of their own. Measured on the GPU (bench/gpu-streams.sh) before phases existed: three streams at 1 Hz
 * asked together, the engine was busy ~200 ms at once and 4-frame mailboxes dropped frames.
 */
class QueryPhaseTest {
  @Test
  void phasesAreFixedPerStreamAndQuery() {
    assertEquals(StreamPipeline.phase("cam0", "box all person"), StreamPipeline.phase("cam0", "box all person"));
    assertTrue(StreamPipeline.phase("cam0", "box all person") != StreamPipeline.phase("cam0", "point to all cone"));
  }

  @Test
  void neighbouringStreamIdsSpreadOverThePeriod() {
    int n = 32;
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = StreamPipeline.phase("cam" + i, "box all person");
      assertTrue(p[i] >= 0 && p[i] < 1, "phase in [0, 1): " + p[i]);
    }
    Arrays.sort(p);
    double widest = p[0] + 1 - p[n - 1];                 // the gap around the wrap
    for (int i = 1; i < n; i++) widest = Math.max(widest, p[i] - p[i - 1]);
    // ids differing in one character (hash codes 1 apart) still land apart: no gap near a quarter period, and the
    // phases are not bunched (a uniform spread of 32 has its widest gap ~0.13)
    assertTrue(widest < 0.25, "widest gap between 32 streams' phases: " + widest);
    assertTrue(p[n - 1] - p[0] > 0.75, "they span the period: " + p[0] + " .. " + p[n - 1]);
  }
}
