package dev.glimpse.csa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.ReferenceKernels;
import dev.glimpse.tensor.VectorKernels;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our {@link DeepseekV4Attention} against transformers 5.17's (fixture: training/transformers_fixture.py, f32):
 * per layer, one-shot prefill of all S tokens against {@code .prefill}, and prefill of P tokens then S−P single
 * token decodes against {@code .cached}; the compressed entries and indexer keys held at the end against
 * {@code .compressed_kv} / {@code .indexer_keys}. Relative error (max abs diff / max abs) ≤ 1e-4, for the reference
 * and the vector kernels.
 */
class HfAttentionConformanceTest {
  static final double TOLERANCE = 1e-4;
  static Arena arena;
  static HfFixture fixture;

  @BeforeAll
  static void open() throws Exception {
    arena = Arena.ofShared();
    fixture = new HfFixture(arena);
  }

  @AfterAll
  static void close() { arena.close(); }

  static Stream<String> kernels() { return Stream.of("reference", "vector"); }

  static Kernels make(String name) { return name.equals("reference") ? new ReferenceKernels() : new VectorKernels(4); }

  @ParameterizedTest
  @MethodSource("kernels")
  void matchesTransformers(String kernelsName) {
    try (Kernels k = make(kernelsName)) {
      StringBuilder report = new StringBuilder();
      boolean ok = true;
      for (HfFixture.Layer l : fixture.layers) {
        String pre = l.prefix();
        int d = l.cfg().hiddenSize();
        float[] x = fixture.floats(pre + ".input");                          // (S, d)
        DeepseekV4Attention att = new DeepseekV4Attention(l.cfg(), l.type(), l.weights(), k);

        LayerState oneShot = att.newState();
        float[] prefill = att.forward(oneShot, x, l.seq());
        double ePrefill = HfFixture.relErr(prefill, fixture.floats(pre + ".prefill"));

        LayerState cached = att.newState();
        float[] decode = new float[l.seq() * d];
        System.arraycopy(att.forward(cached, Arrays.copyOf(x, l.prefill() * d), l.prefill()), 0, decode, 0, l.prefill() * d);
        for (int t = l.prefill(); t < l.seq(); t++) {
          float[] y = att.forward(cached, Arrays.copyOfRange(x, t * d, (t + 1) * d), 1);
          System.arraycopy(y, 0, decode, t * d, d);
        }
        double eDecode = HfFixture.relErr(decode, fixture.floats(pre + ".cached"));

        double eComp = 0, eIdx = 0;
        if (l.type() != LayerType.SLIDING) {
          float[] want = fixture.floats(pre + ".compressed_kv");
          eComp = Math.max(HfFixture.relErr(oneShot.compressedKv(), want), HfFixture.relErr(cached.compressedKv(), want));
        }
        if (l.type() == LayerType.CSA) {
          float[] want = fixture.floats(pre + ".indexer_keys");
          eIdx = Math.max(HfFixture.relErr(oneShot.indexerKeys(), want), HfFixture.relErr(cached.indexerKeys(), want));
        }
        String line = String.format("%s %-8s %-7s prefill %.2e  decode %.2e  compressed_kv %.2e  indexer_keys %.2e%n",
            kernelsName, pre, l.type(), ePrefill, eDecode, eComp, eIdx);
        report.append(line);
        ok &= ePrefill <= TOLERANCE && eDecode <= TOLERANCE && eComp <= TOLERANCE && eIdx <= TOLERANCE;
      }
      System.out.print(report);
      assertTrue(ok, "relative error above " + TOLERANCE + ":\n" + report);
    }
  }
}
