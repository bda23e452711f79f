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
   * Raw dot products of every query head of a chunk with the keys held before it: (T·H_I, n0), one threaded matmul
   * instead of T·H_I·n0 dots (the bulk of the work once a context holds many frames). Null when n0 ≤ k (no
   * selection needed until the chunk adds keys).
   */
  float[] prescore(float[] q, int t, RowStore keyRows) {
    int n0 = keyRows.size();
    if (n0 + t / keys.m + 1 <= topk || n0 == 0) return null;
    float[] out = new float[t * heads * n0];
    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
      Tensor k = Tensor.ofFloats(arena, "indexer keys", java.util.Arrays.copyOf(keyRows.data(), n0 * dim), n0, dim);
      kernels.matmul(out, q, t * heads, dim, k, null);
    }
    return out;
  }

  /**
   * The entries query j attends: scores against every key in {@code keyRows} (n, D_I) (all of them are visible:
   * the state holds only complete windows) and the top k of them, ascending. {@code pre} (from {@link #prescore},
   * over the first n0 keys) supplies the dots with the keys held before the chunk.
   */
  int[] select(float[] q, float[] w, int j, RowStore keyRows, float[] pre, int t) {
    int n = keyRows.size();
    if (n <= topk) {                      // all visible entries (DS4 early exit); scores not needed
      int[] all = new int[n];
      for (int s = 0; s < n; s++) all[s] = s;
      return all;
    }
    float[] scores = new float[n];
    float scale = (float) (1.0 / Math.sqrt(dim));
    float[] k = keyRows.data();
    int n0 = pre == null ? 0 : pre.length / (t * heads);
    for (int h = 0; h < heads; h++) {
      float wh = w[j * heads + h];
      int row = (j * heads + h) * n0;
      for (int s = 0; s < n0; s++) scores[s] += Math.max(pre[row + s], 0f) * scale * wh;
    }
    for (int s = n0; s < n; s++) {
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
   * O(n): the k-th largest value by quickselect, then every index above it and, among those equal to it, the latest
   * ones. {@link #topKBySort} is the plain specification (tests compare them).
   */
  static int[] topK(float[] scores, int n, int k) {
    if (n <= k) {
      int[] all = new int[n];
      for (int s = 0; s < n; s++) all[s] = s;
      return all;
    }
    float[] tmp = java.util.Arrays.copyOf(scores, n);
    float v = kthLargest(tmp, k);
    int above = 0;
    for (int s = 0; s < n; s++) if (scores[s] > v) above++;
    int ties = k - above;                                   // how many entries equal to v to take, latest first
    int[] picked = new int[k];
    int c = k;
    for (int s = n - 1; s >= 0; s--) {
      float x = scores[s];
      if (x > v || (x == v && ties-- > 0)) picked[--c] = s;
    }
    return picked;                                          // filled from the end while walking down: ascending
  }

  /** The k-th largest value (1-based) of a[0..n); reorders a. */
  private static float kthLargest(float[] a, int k) {
    int lo = 0, hi = a.length - 1, want = k - 1;            // index of the answer in descending order
    while (lo < hi) {
      float pivot = a[(lo + hi) >>> 1];
      int i = lo, j = hi;
      while (i <= j) {
        while (a[i] > pivot) i++;
        while (a[j] < pivot) j--;
        if (i <= j) {
          float t = a[i];
          a[i++] = a[j];
          a[j--] = t;
        }
      }
      if (want <= j) hi = j;
      else if (want >= i) lo = i;
      else return a[want];
    }
    return a[want];
  }

  /** The specification of {@link #topK}: sort all indices by (score descending, index descending), keep k. */
  static int[] topKBySort(float[] scores, int n, int k) {
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
