package dev.glimpse.csa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.ReferenceKernels;
import java.lang.foreign.Arena;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The incremental state on the fixture's weights, where transformers gives no reference: top-k that binds
 * (index_topk 2 < visible entries) stays causal, so one-shot, chunked and token-by-token runs agree (docs/model.md
 * §6.5 deviation 3, deepseek-spec.md §14); the state stays bounded; a fork is independent.
 */
class IncrementalStateTest {
  static Arena arena;
  static HfFixture fixture;
  final Kernels kernels = new ReferenceKernels();

  @BeforeAll
  static void open() throws Exception {
    arena = Arena.ofShared();
    fixture = new HfFixture(arena);
  }

  @AfterAll
  static void close() { arena.close(); }

  static HfFixture.Layer layer(String config, LayerType type) {
    return fixture.layers.stream().filter(l -> l.config().equals(config) && l.type() == type).findFirst().orElseThrow();
  }

  /** Runs x (S, d) through att in the given chunk sizes (the last one repeated until S). */
  static float[] run(DeepseekV4Attention att, LayerState s, float[] x, int seq, int d, int... chunks) {
    float[] out = new float[seq * d];
    int t = 0, c = 0;
    while (t < seq) {
      int n = Math.min(chunks[Math.min(c++, chunks.length - 1)], seq - t);
      float[] y = att.forward(s, Arrays.copyOfRange(x, t * d, (t + n) * d), n);
      System.arraycopy(y, 0, out, t * d, n * d);
      t += n;
    }
    return out;
  }

  @Test
  void bindingTopKIsCausalAndChunkingDoesNotMatter() {
    HfFixture.Layer l = layer("tiny", LayerType.CSA);
    int d = l.cfg().hiddenSize(), seq = l.seq();
    float[] x = fixture.floats(l.prefix() + ".input");
    DeepseekV4Attention sparse = new DeepseekV4Attention(l.cfg().withIndexTopk(2), l.type(), l.weights(), kernels);
    float[] oneShot = run(sparse, sparse.newState(), x, seq, d, seq);
    float[] chunked = run(sparse, sparse.newState(), x, seq, d, 5, 12, 1, 7, 3);
    float[] decode = run(sparse, sparse.newState(), x, seq, d, 1);
    float[] prefix = run(sparse, sparse.newState(), x, 20, d, 20);
    // The reference kernels sum every row in the same order whatever the batch, so the runs agree bit for bit.
    assertArrayEquals(oneShot, chunked, "chunked vs one-shot");
    assertArrayEquals(oneShot, decode, "decode vs one-shot");
    assertArrayEquals(Arrays.copyOf(oneShot, 20 * d), prefix, "a prefix does not see later tokens");
    DeepseekV4Attention all = new DeepseekV4Attention(l.cfg(), l.type(), l.weights(), kernels);
    float[] dense = run(all, all.newState(), x, seq, d, seq);
    assertTrue(HfFixture.relErr(oneShot, dense) > 1e-3, "index_topk 2 must bind on 12 entries");
  }

  @Test
  void quickselectTopKEqualsTheSortSpecification() {
    java.util.Random rnd = new java.util.Random(5);
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + rnd.nextInt(400), k = 1 + rnd.nextInt(300);
      float[] s = new float[n];
      int distinct = 1 + rnd.nextInt(trial % 3 == 0 ? 4 : 1000);            // many ties in a third of the trials
      for (int i = 0; i < n; i++) s[i] = rnd.nextInt(distinct) * (rnd.nextBoolean() ? 1f : -1f) * 0.25f;
      if (trial % 7 == 0) s[rnd.nextInt(n)] = -0f;
      assertArrayEquals(Indexer.topKBySort(s, n, k), Indexer.topK(s, n, k), "trial " + trial + " n=" + n + " k=" + k);
    }
  }

  @Test
  void topKPrefersHigherScoresThenLaterEntries() {
    float[] scores = {1f, 3f, 3f, 0f, 3f, -0f, 0f};
    assertArrayEquals(new int[] {2, 4}, Indexer.topK(scores, 7, 2));
    assertArrayEquals(new int[] {1, 2, 4}, Indexer.topK(scores, 7, 3));
    assertArrayEquals(new int[] {0, 1, 2, 4}, Indexer.topK(scores, 7, 4));
    assertArrayEquals(new int[] {0, 1, 2, 4, 6}, Indexer.topK(scores, 7, 5), "+0 and −0 tie: the later entry wins");
    assertArrayEquals(new int[] {0, 1, 2}, Indexer.topK(scores, 3, 5), "fewer visible than k: all of them");
  }

  @Test
  void stateStaysBounded() {
    for (LayerType type : LayerType.values()) {
      HfFixture.Layer l = layer("glimpse", type);
      AttentionConfig c = l.cfg();
      DeepseekV4Attention att = new DeepseekV4Attention(c, type, l.weights(), kernels);
      LayerState s = att.newState();
      run(att, s, fixture.floats(l.prefix() + ".input"), l.seq(), c.hiddenSize(), 37, 1);
      assertEquals(l.seq(), s.position());
      assertEquals(c.slidingWindow() * c.headDim(), s.window.rows().length, "raw window: n_win rows");
      if (type == LayerType.SLIDING) continue;
      int m = c.compressRate(type), series = type == LayerType.CSA ? 2 : 1;
      assertEquals(l.seq() / m, s.entries(), "one entry per complete window");
      assertEquals(m * series * c.headDim(), s.main.kv.length, "compressor buffer: < m tokens");
      if (type == LayerType.CSA) assertEquals(m * 2 * c.indexHeadDim(), s.indexer.kv.length);
    }
  }

  @Test
  void forkIsIndependent() {
    HfFixture.Layer l = layer("tiny", LayerType.CSA);
    int d = l.cfg().hiddenSize();
    float[] x = fixture.floats(l.prefix() + ".input");
    DeepseekV4Attention att = new DeepseekV4Attention(l.cfg().withIndexTopk(2), l.type(), l.weights(), kernels);
    LayerState s = att.newState();
    att.forward(s, Arrays.copyOf(x, 30 * d), 30);
    LayerState fork = s.copy();
    float[] tail = Arrays.copyOfRange(x, 30 * d, 48 * d);
    float[] onFork = att.forward(fork, tail, 18);
    assertEquals(30, s.position(), "the fork advanced, the original did not");
    assertEquals(7, s.entries());
    assertArrayEquals(onFork, att.forward(s, tail, 18), "same tokens on the original give the same outputs");
  }
}
