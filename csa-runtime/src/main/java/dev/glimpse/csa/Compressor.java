package dev.glimpse.csa;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Tensor;

/**
 * The KV compressor (deepseek-spec.md §4.1-§4.2, docs/model.md §6.4): gated pooling of the tokens of a window into
 * one entry, per channel softmax over the slots, then RMSNorm and RoPE at the window's first position.
 * <ul>
 *   <li>HCA (non-overlapping): entry w pools the m′ tokens w·m′ … w·m′+m′−1; one series C, Z of width D.</li>
 *   <li>CSA (overlapping, width 2m, stride m): every token gives two series [Ca | Cb], [Za | Zb]; entry w pools
 *       slots 0..m−1 = (Ca, Za) of the previous window and slots m..2m−1 = (Cb, Zb) of its own window
 *       (entry 0 has no previous slots: weight 0, as transformers' gate −∞).</li>
 * </ul>
 * The lightning indexer's keys come from a second overlapping compressor of width D_I over the same windows.
 * Stateless: the incremental part lives in {@link State}, so prefill of a chunk and token-by-token decode feed the
 * same tokens through the same {@link #feed} and emit the same entries.
 * Legend: T tokens, d width, m rate, c series (2 overlapping, 1 not), w compressor width (D or D_I).
 */
final class Compressor {
  final int m;                   // tokens per entry (stride)
  final int dim;                 // w, entry width
  final boolean overlap;         // CSA layout
  private final int series;      // c
  private final Tensor kvProj;   // (c·w, d)
  private final Tensor gateProj; // (c·w, d)
  private final float[] positionBias; // (m, c·w), added to Z of token j at row j mod m
  private final Tensor norm;     // (w)
  private final Rope rope;
  private final float eps;
  private final Kernels kernels;

  Compressor(AttentionWeights.CompressorWeights w, int m, int dim, boolean overlap, Rope rope, float eps, Kernels kernels) {
    this.m = m;
    this.dim = dim;
    this.overlap = overlap;
    this.series = overlap ? 2 : 1;
    this.kvProj = w.kvProj();
    this.gateProj = w.gateProj();
    this.positionBias = w.positionBias();
    this.norm = w.kvNorm();
    this.rope = rope;
    this.eps = eps;
    this.kernels = kernels;
  }

  /** C and Z (bias added) of T new tokens at positions pos0 … pos0+T−1: each (T, c·w). */
  record Projected(float[] kv, float[] gate) {}

  Projected project(float[] x, int t, int d, long pos0) {
    int cw = series * dim;
    float[] kv = new float[t * cw], gate = new float[t * cw];
    kernels.matmul(kv, x, t, d, kvProj, null);
    kernels.matmul(gate, x, t, d, gateProj, null);
    for (int j = 0; j < t; j++) {
      int slot = (int) ((pos0 + j) % m);
      kernels.axpy(1f, positionBias, slot * cw, gate, j * cw, cw);
    }
    return new Projected(kv, gate);
  }

  /**
   * Buffers row j of {@code p} as the token at absolute {@code pos}; when it completes its window (pos mod m =
   * m−1) emits entry w = pos / m into {@code s.entries} and, for CSA, keeps the window's (Ca, Za) as the next
   * entry's previous slots.
   */
  void feed(State s, Projected p, int j, long pos, long base) {
    int cw = series * dim;
    int slot = (int) (pos % m);
    System.arraycopy(p.kv(), j * cw, s.kv, slot * cw, cw);
    System.arraycopy(p.gate(), j * cw, s.gate, slot * cw, cw);
    if (slot != m - 1) return;
    long w = pos / m;
    s.entries.add(pool(s, w * m - base), 0);
    s.emitted++;
    if (overlap) {
      for (int i = 0; i < m; i++) {
        System.arraycopy(s.kv, i * cw, s.prevKv, i * dim, dim);     // Ca
        System.arraycopy(s.gate, i * cw, s.prevGate, i * dim, dim); // Za
      }
      s.hasPrev = true;
    }
    assert s.emitted == w + 1 : "entry " + w + " emitted as #" + s.emitted;
  }

  /**
   * One entry from the buffered window: per channel softmax over slots, weighted sum, RMSNorm, RoPE at the window's
   * first token (ropePos, relative to the state's base). → (w)
   */
  private float[] pool(State s, long ropePos) {
    int cw = series * dim;
    int own = overlap ? dim : 0;                      // current window uses Cb, Zb (the last w channels)
    int prev = overlap && s.hasPrev ? m : 0;
    int slots = prev + m;
    float[] g = new float[dim * slots], c = new float[dim * slots];   // (w, slots), transposed for the softmax
    for (int ch = 0; ch < dim; ch++) {
      for (int i = 0; i < prev; i++) {
        g[ch * slots + i] = s.prevGate[i * dim + ch];
        c[ch * slots + i] = s.prevKv[i * dim + ch];
      }
      for (int i = 0; i < m; i++) {
        g[ch * slots + prev + i] = s.gate[i * cw + own + ch];
        c[ch * slots + prev + i] = s.kv[i * cw + own + ch];
      }
    }
    float[] out = new float[dim];
    for (int ch = 0; ch < dim; ch++) {
      kernels.softmax(g, ch * slots, slots);
      out[ch] = kernels.dot(g, ch * slots, c, ch * slots, slots);
    }
    kernels.rmsNorm(out, out, 1, dim, norm, eps);
    rope.rotate(out, 0, dim, ropePos, false);
    return out;
  }

  State newState() { return new State(this); }

  /** The compressor's incremental state: < m buffered tokens, the previous window's (Ca, Za), all entries. */
  static final class State {
    final float[] kv, gate;           // (m, c·w) the current window's rows, slot = pos mod m
    final float[] prevKv, prevGate;   // (m, w) previous window's Ca / Za (CSA only)
    boolean hasPrev;
    final RowStore entries;           // (n, w) the entries still held: windows emitted−n … emitted−1
    long emitted;                     // entries emitted since position 0 (evicted ones included)

    private State(Compressor c) {
      kv = new float[c.m * c.series * c.dim];
      gate = new float[c.m * c.series * c.dim];
      prevKv = new float[c.overlap ? c.m * c.dim : 0];
      prevGate = new float[c.overlap ? c.m * c.dim : 0];
      entries = new RowStore(c.dim);
    }

    private State(State o) {
      kv = o.kv.clone();
      gate = o.gate.clone();
      prevKv = o.prevKv.clone();
      prevGate = o.prevGate.clone();
      hasPrev = o.hasPrev;
      entries = o.entries.copy();
      emitted = o.emitted;
    }

    State copy() { return new State(this); }

    /** Window index of the first entry held. */
    long firstWindow() { return emitted - entries.size(); }

    /** Drops the entries of windows below {@code window}. */
    void evictBefore(long window) { entries.dropFirst((int) Math.max(0, Math.min(entries.size(), window - firstWindow()))); }
  }
}
