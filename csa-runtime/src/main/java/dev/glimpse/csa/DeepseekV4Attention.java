package dev.glimpse.csa;

import dev.glimpse.tensor.DType;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Tensor;

/**
 * One DeepSeek-V4 attention layer (sliding, CSA or HCA) as transformers 5.17 {@code DeepseekV4Attention} computes
 * it (deepseek-spec.md §3-§6; docs/model.md §6.2-§6.5 with our visible-only top-k), incremental: {@link #forward}
 * takes the next T tokens and a {@link LayerState}, so one-shot prefill, chunked prefill and token-by-token decode
 * run the same per-token steps and give the same outputs. All arithmetic on activations goes through the injected
 * {@link Kernels} except element-wise RoPE, scaling and ReLU.
 * Legend: T tokens, d width, H heads, D head dim, r rope dims, d_q q latent, n compressed entries, S keys of a
 * query (raw + compressed), g groups, d_g group width.
 */
public final class DeepseekV4Attention {
  private final AttentionConfig cfg;
  private final LayerType type;
  private final AttentionWeights w;
  private final Kernels kernels;
  private final Rope rope;                 // θ for sliding layers, θ_c for CSA/HCA (q, kv, entries, indexer)
  private final Compressor compressor;     // null for sliding layers
  private final Indexer indexer;           // null unless CSA
  private final Tensor[] oAGroups;         // g views (d_g, H·D/g) of o_a_proj
  private final float eps, scale;

  public DeepseekV4Attention(AttentionConfig cfg, LayerType type, AttentionWeights w, Kernels kernels) {
    this.cfg = cfg;
    this.type = type;
    this.w = w;
    this.kernels = kernels;
    this.eps = (float) cfg.rmsNormEps();
    this.scale = (float) (1.0 / Math.sqrt(cfg.headDim()));
    this.rope = new Rope(cfg.ropeDims(), cfg.ropeBase(type));
    if ((type == LayerType.SLIDING) != (w.compressor() == null) || (type == LayerType.CSA) != (w.indexer() != null)) {
      throw new IllegalArgumentException("weights do not fit a " + type + " layer (compressor/indexer present or absent)");
    }
    this.compressor = type == LayerType.SLIDING ? null
        : new Compressor(w.compressor(), cfg.compressRate(type), cfg.headDim(), type == LayerType.CSA, rope, eps, kernels);
    this.indexer = type == LayerType.CSA ? new Indexer(w.indexer(), cfg, rope, eps, kernels) : null;
    int g = cfg.oGroups(), dg = cfg.oLoraRank(), in = cfg.heads() * cfg.headDim() / g;
    this.oAGroups = new Tensor[g];
    for (int j = 0; j < g; j++) {
      oAGroups[j] = new Tensor(w.oAProj().name() + "[group " + j + "]", DType.F32, new int[] {dg, in},
          w.oAProj().data().asSlice((long) j * dg * in * 4, (long) dg * in * 4));
    }
  }

  public LayerType type() { return type; }

  /** An empty state (position 0). */
  public LayerState newState() {
    return new LayerState(new RawWindow(cfg.slidingWindow(), cfg.headDim()),
        compressor == null ? null : compressor.newState(),
        indexer == null ? null : indexer.keys.newState());
  }

  /** Attention over the next T tokens with no image span; see {@link #forward(LayerState, float[], int, int, int)}. */
  public float[] forward(LayerState state, float[] x, int t) { return forward(state, x, t, 0, 0); }

  /**
   * Attention over the next T tokens x (T, d) (already input_layernorm'ed) at positions state.position() … +T−1;
   * advances the state by T tokens. Tokens spanFrom … spanTo−1 of the chunk form an image span (docs/model.md
   * §4.4, §6.3): each of them also sees the raw keys of the whole span, later ones included (spanFrom = spanTo:
   * none). Returns (T, d).
   */
  public float[] forward(LayerState state, float[] x, int t, int spanFrom, int spanTo) {
    int d = cfg.hiddenSize(), h = cfg.heads(), hd = cfg.headDim(), dq = cfg.qLoraRank();
    if (x.length < t * d) throw new IllegalArgumentException("x holds " + x.length + " floats, need T·d = " + t * d);
    if (spanFrom < 0 || spanTo > t || spanFrom > spanTo) {
      throw new IllegalArgumentException("image span [" + spanFrom + ", " + spanTo + ") is not inside the chunk of " + t);
    }
    long pos0 = state.position();
    long rel0 = pos0 - state.base;                                 // RoPE position of the first token

    // 1. Projections (spec §3): q latent c (T, d_q), queries q (T, H, D), K=V rows kv (T, D).
    float[] c = new float[t * dq];
    kernels.matmul(c, x, t, d, w.qAProj(), null);
    kernels.rmsNorm(c, c, t, dq, w.qANorm(), eps);
    float[] q = new float[t * h * hd];
    kernels.matmul(q, c, t, dq, w.qBProj(), null);
    kernels.rmsNorm(q, q, t * h, hd, null, eps);                 // per-head UnitRMS
    rope.rotateRows(q, t, h, hd, rel0, false);
    float[] kv = new float[t * hd];
    kernels.matmul(kv, x, t, d, w.kvProj(), null);
    kernels.rmsNorm(kv, kv, t, hd, w.kvNorm(), eps);
    rope.rotateRows(kv, t, 1, hd, rel0, false);

    // 2. Compressor inputs (spec §4) and indexer queries / head weights (§4.3), batched over the chunk.
    Compressor.Projected cp = compressor == null ? null : compressor.project(x, t, d, pos0);
    Compressor.Projected ip = indexer == null ? null : indexer.keys.project(x, t, d, pos0);
    float[] iq = indexer == null ? null : indexer.queries(c, t, dq, rel0);     // (T, H_I·D_I)
    float[] iw = indexer == null ? null : indexer.headWeights(x, t, d);        // (T, H_I)
    float[] pre = indexer == null ? null : indexer.prescore(iq, t, state.indexer.entries);   // (T·H_I, n0)

    // 3. Token by token, in order (the state changes with every token): append the raw row, feed the compressors
    //    (emitting entries whose window completes) and record exactly what is visible to this query: the first raw
    //    key, the picked entries, the span rows outside the window. Raw rows from before the chunk are copied
    //    first, since the pushes of this chunk overwrite them in the ring.
    RawWindow win = state.window;
    long preFirst = win.first(), preCount = win.count();
    float[] preRows = new float[(int) (preCount - preFirst) * hd];              // (raw rows held before, D)
    for (long p = preFirst; p < preCount; p++) System.arraycopy(win.rows(), win.offsetOf(p), preRows, (int) (p - preFirst) * hd, hd);
    long[] firstOf = new long[t];
    int[][] pickedOf = new int[t][], spanOf = new int[t][];
    for (int j = 0; j < t; j++) {
      long pos = pos0 + j;
      win.push(kv, j * hd);
      if (compressor != null) compressor.feed(state.main, cp, j, pos, state.base);
      if (indexer != null) indexer.keys.feed(state.indexer, ip, j, pos, state.base);
      pickedOf[j] = switch (type) {
        case SLIDING -> NONE;
        case CSA -> indexer.select(iq, iw, j, state.indexer.entries, pre, t);
        case HCA -> allOf(state.main.entries.size());
      };
      firstOf[j] = win.first();
      spanOf[j] = j >= spanFrom && j < spanTo ? spanOutsideWindow(win, pos0, spanFrom, spanTo) : NONE;
    }
    //    Then every query attends, independently (the kernels' threads share the tokens): entries are only
    //    appended during a chunk, so each token's picked indices still name its rows.
    float[] o = new float[t * h * hd];                                          // (T, H, D)
    float[] entries = state.main == null ? null : state.main.entries.data();
    Keys keys = new Keys(preRows, preFirst, kv, pos0, entries);
    kernels.parallelFor(t, j -> attend(o, q, j, keys, firstOf[j], pickedOf[j], spanOf[j]));

    // 4. Output (spec §3): de-rotate at the query position, grouped o_a, then o_b.
    rope.rotateRows(o, t, h, hd, rel0, true);
    return project(o, t);
  }

  private static final int[] NONE = new int[0];

  /** Chunk rows of the span that the raw window does not hold (older than its first row, or later than the query). */
  private static int[] spanOutsideWindow(RawWindow win, long pos0, int spanFrom, int spanTo) {
    long first = win.first(), last = win.count();                 // window holds first … last−1
    int[] out = new int[spanTo - spanFrom];
    int n = 0;
    for (int r = spanFrom; r < spanTo; r++) {
      long p = pos0 + r;
      if (p < first || p >= last) out[n++] = r;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /**
   * Drops the compressed entries (and indexer keys) whose window ends before absolute position {@code position}:
   * a row belongs to the frame holding its last source token, so evicting the frames before {@code position}
   * drops exactly their rows (docs/model.md §7.3). The raw window is untouched (it holds only recent tokens).
   */
  public void evictBefore(LayerState state, long position) {
    if (compressor != null) state.evictWindowsBefore(position / compressor.m);
  }

  /**
   * Moves the RoPE base forward by {@code delta} (a multiple of 32, docs/model.md §7.3): every stored rotated row
   * (raw window, compressed entries, indexer keys) is rotated by −delta, so scores, which depend only on position
   * differences, are unchanged while the positions fed to float32 RoPE stay small.
   */
  public void rebase(LayerState state, long delta) {
    if (delta % 32 != 0) throw new IllegalArgumentException("re-base by a multiple of 32, got " + delta);
    int hd = cfg.headDim();
    state.window.forEachHeld(off -> rope.shift(state.window.rows(), off, hd, delta));
    for (Compressor.State cs : new Compressor.State[] {state.main, state.indexer}) {
      if (cs == null) continue;
      float[] rows = cs.entries.data();
      int wdt = cs.entries.width();
      for (int i = 0; i < cs.entries.size(); i++) rope.shift(rows, i * wdt, wdt, delta);
    }
    state.base += delta;
  }

  /** Where a query's keys live: raw rows from before the chunk, the chunk's own rows, the compressed entries. */
  private record Keys(float[] preRows, long preFirst, float[] chunk, long pos0, float[] entries) {
    float[] rawArray(long pos) { return pos >= pos0 ? chunk : preRows; }

    int rawOffset(long pos, int hd) { return (int) (pos >= pos0 ? pos - pos0 : pos - preFirst) * hd; }
  }

  /**
   * One softmax over the raw window (positions first … the query's own), the span rows outside it, the picked
   * entries and the sink (spec §5), per head: o_j,h = Σ_s p_s · key_s (T, H, D) at row j.
   */
  private void attend(float[] o, float[] q, int j, Keys keys, long first, int[] picked, int[] spanRows) {
    int h = cfg.heads(), hd = cfg.headDim();
    long last = keys.pos0() + j + 1;                              // raw keys first … last−1 (query included)
    int raw = (int) (last - first), extra = spanRows.length, s = raw + extra + picked.length;
    float[] entries = keys.entries(), chunk = keys.chunk();
    float[] p = new float[s + 1];                                 // (S + 1): logits, then the sink
    for (int head = 0; head < h; head++) {
      int qo = (j * h + head) * hd;
      for (int i = 0; i < raw; i++) {
        long pos = first + i;
        p[i] = kernels.dot(q, qo, keys.rawArray(pos), keys.rawOffset(pos, hd), hd) * scale;
      }
      for (int i = 0; i < extra; i++) p[raw + i] = kernels.dot(q, qo, chunk, spanRows[i] * hd, hd) * scale;
      for (int i = 0; i < picked.length; i++) {
        p[raw + extra + i] = kernels.dot(q, qo, entries, picked[i] * hd, hd) * scale;
      }
      p[s] = w.sinks()[head];
      kernels.softmax(p, 0, s + 1);                               // sink column dropped after the softmax
      for (int i = 0; i < raw; i++) {
        long pos = first + i;
        kernels.axpy(p[i], keys.rawArray(pos), keys.rawOffset(pos, hd), o, qo, hd);
      }
      for (int i = 0; i < extra; i++) kernels.axpy(p[raw + i], chunk, spanRows[i] * hd, o, qo, hd);
      for (int i = 0; i < picked.length; i++) kernels.axpy(p[raw + extra + i], entries, picked[i] * hd, o, qo, hd);
    }
  }

  /** Grouped output projection: o (T, H·D) → g groups (T, H·D/g) · o_a[group]ᵀ → (T, g·d_g) · o_bᵀ → (T, d). */
  private float[] project(float[] o, int t) {
    int g = cfg.oGroups(), dg = cfg.oLoraRank(), hdAll = cfg.heads() * cfg.headDim(), in = hdAll / g;
    float[] part = new float[t * in], y = new float[t * dg], mid = new float[t * g * dg];
    for (int j = 0; j < g; j++) {
      for (int i = 0; i < t; i++) System.arraycopy(o, i * hdAll + j * in, part, i * in, in);
      kernels.matmul(y, part, t, in, oAGroups[j], null);
      for (int i = 0; i < t; i++) System.arraycopy(y, i * dg, mid, i * g * dg + j * dg, dg);
    }
    float[] out = new float[t * cfg.hiddenSize()];
    kernels.matmul(out, mid, t, g * dg, w.oBProj(), null);
    return out;
  }

  private static int[] allOf(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    return all;
  }
}
