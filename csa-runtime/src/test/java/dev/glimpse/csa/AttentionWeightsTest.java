package dev.glimpse.csa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tensor.Weights;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loading by name reports every missing, mis-shaped and unused tensor of every layer in one exception. */
class AttentionWeightsTest {
  @Test
  void reportsEveryProblemAtOnce() throws Exception {
    try (Arena arena = Arena.ofShared()) {
      HfFixture f = new HfFixture(arena);
      AttentionConfig tiny = f.layers.getFirst().cfg();
      Weights w = new Weights(f.file, "hint");
      AttentionWeights.request(w, "tiny.layer0.w.", tiny, LayerType.CSA);   // a sliding layer read as CSA
      AttentionWeights.request(w, "tiny.layer1.w.", tiny, LayerType.HCA);   // a CSA layer read as HCA
      Weights.WeightsException e = assertThrows(Weights.WeightsException.class,
          () -> w.finish("tiny.layer0.w.", "tiny.layer1.w."));
      List<String> p = e.problems();
      assertEquals(10 + 3 + 6, p.size(), String.join("\n", p));   // 10 missing, 3 mis-shaped, 6 unused
      assertTrue(p.contains("missing 'tiny.layer0.w.compressor.indexer.scorer.weights_proj.weight' (expected float [2, 64])"), e.getMessage());
      assertTrue(p.contains("'tiny.layer1.w.compressor.position_bias' is F32 [4, 64], expected float [8, 32]"), e.getMessage());
      assertTrue(p.contains("unused 'tiny.layer1.w.compressor.indexer.q_b_proj.weight'"), e.getMessage());
    }
  }

  @Test
  void rejectsInvalidConfig() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AttentionConfig(64, 4, 32, 7, 32, 2, 16, 8, 4, 8, 2, 16, 64, 1e4, 1.6e5, 1e-6));
    assertTrue(e.getMessage().contains("even"), e.getMessage());
  }
}
