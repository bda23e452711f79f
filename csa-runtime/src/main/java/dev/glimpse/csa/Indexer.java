package dev.glimpse.csa;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Tensor;
import java.util.Arrays;

/**
 * The lightning indexer of CSA layers (deepseek-spec.md §4.3, docs/model.md §6.5): its own overlapping compressor
 * of width D_I gives one key per compressed entry; queries come from the layer's q latent c_t;
 * I_t,s = Σ_h w_t,h · ReLU(qI_t,h · K_s) / √D_I with w_t = x_t·W_wᵀ / √H_I. Selection is our deviation 3: the
 * top k among the entries visible to t (all of them when ≤ k), ties towards the later entry.
 * Legend: T tokens, d width, d_q q latent, H_I heads, D_I head dim, n entries.
 */
final class Indexer {
  final Compressor keys;             // (n, D_I) keys, one per compressed entry
  private final Tensor qBProj;       // (H_I·D_I, d_q)
  private final Tensor weightsProj;  // (H_I, d)
  private final Rope rope;
  private final int heads, dim, topk;
  private final Kernels kernels;

  Indexer(AttentionWeights.IndexerWeights w, AttentionConfig cfg, Rope rope, float eps, Kernels kernels) {
    this.keys = new Compressor(w.compressor(), cfg.compressRateCsa(), cfg.indexHeadDim(), true, rope, eps, kernels);
    this.qBProj = w.qBProj();
    this.weightsProj = w.weightsProj();
    this.rope = rope;
    this.heads = cfg.indexHeads();
    this.dim = cfg.indexHeadDim();
    this.topk = cfg.indexTopk();
    this.kernels = kernels;
  }

  /** Indexer queries of T tokens from the q latent (T, d_q), RoPE (θ_c) at pos0+j → (T, H_I·D_I). */
  float[] queries(float[] qLatent, int t, int dq, long pos0) {
    float[] q = new float[t * heads * dim];
    kernels.matmul(q, qLatent, t, dq, qBProj, null);
    rope.rotateRows(q, t, heads, dim, pos0, false);
    return q;
  }

  /** Head weights w_t,h = (x_t·W_wᵀ)_h · H_I^(−1/2) of T tokens (T, d) → (T, H_I). */
  float[] headWeights(float[] x, int t, int d) {
    float[] w = new float[t * heads];
    kernels.matmul(w, x, t, d, weightsProj, null);
    float scale = (float) (1.0 / Math.sqrt(heads));
    for (int i = 0; i < w.length; i++) w[i] *= scale;
    return w;
  }

  /**
   * The entries query j attends: scores against every key in {@code keyRows} (n, D_I) (all of them are visible:
   * the state holds only complete windows) and the top k of them, ascending.
   */
  int[] select(float[] q, float[] w, int j, RowStore keyRows) {
    int n = keyRows.size();
    if (n <= topk) {                      // all visible entries (DS4 early exit); scores not needed
      int[] all = new int[n];
      for (int s = 0; s < n; s++) all[s] = s;
      return all;
    }
    float[] scores = new float[n];
    float scale = (float) (1.0 / Math.sqrt(dim));
    float[] k = keyRows.data();
    for (int s = 0; s < n; s++) {
      float sum = 0;
      for (int h = 0; h < heads; h++) {
        float dot = kernels.dot(q, (j * heads + h) * dim, k, s * dim, dim);
        sum += Math.max(dot, 0f) * scale * w[j * heads + h];
      }
      scores[s] = sum;
    }
    return topK(scores, n, topk);
  }

  /**
   * Indices of the k highest of scores[0..n) in ascending index order; equal scores prefer the later index
   * (docs/model.md §6.5), so the choice is deterministic and never depends on entries that arrive later.
   */
  static int[] topK(float[] scores, int n, int k) {
    if (n <= k) {
      int[] all = new int[n];
      for (int s = 0; s < n; s++) all[s] = s;
      return all;
    }
    Integer[] order = new Integer[n];
    for (int s = 0; s < n; s++) order[s] = s;
    Arrays.sort(order, (a, b) -> {
      if (scores[a] != scores[b]) return scores[a] > scores[b] ? -1 : 1;   // higher score first (+0 == −0)
      return Integer.compare(b, a);                                       // then the later entry
    });
    int[] picked = new int[k];
    for (int i = 0; i < k; i++) picked[i] = order[i];
    Arrays.sort(picked);
    return picked;
  }
}
