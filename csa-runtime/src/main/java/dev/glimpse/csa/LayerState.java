package dev.glimpse.csa;

/**
 * Everything one attention layer keeps between calls (deepseek-spec.md §8, docs/model.md §7.1): the raw window
 * ring, and for CSA/HCA the compressor state (buffered tokens of the open window, the previous window's (Ca, Za),
 * the compressed entries) and for CSA the indexer's state (the same, keys of width D_I). The next token's absolute
 * position is the number of tokens seen. {@link #copy} forks the state (e.g. to ask a question without changing the
 * context). Create it with {@link DeepseekV4Attention#newState()}.
 * Legend: n entries, D head dim, D_I indexer dim.
 */
public final class LayerState {
  final RawWindow window;            // last n_win kv rows (n_win, D)
  final Compressor.State main;       // entries (n, D), or null for sliding layers
  final Compressor.State indexer;    // indexer keys (n, D_I), or null unless CSA
  long base;                         // P: RoPE positions are relative to it (docs/model.md §7.3)

  LayerState(RawWindow window, Compressor.State main, Compressor.State indexer) {
    this.window = window;
    this.main = main;
    this.indexer = indexer;
  }

  /** Tokens seen so far = the absolute position of the next token. */
  public long position() { return window.count(); }

  /** Raw kv rows held by the sliding window (at most n_win). */
  public int rawRows() { return (int) (window.count() - window.first()); }

  /** Indexer keys held (as many as entries for CSA layers, else 0). */
  public int indexerKeyRows() { return indexer == null ? 0 : indexer.entries.size(); }

  /** Number of compressed entries held (0 for sliding layers). */
  public int entries() { return main == null ? 0 : main.entries.size(); }

  /** A copy of the compressed entries, (n, D); empty for sliding layers. */
  public float[] compressedKv() { return main == null ? new float[0] : main.entries.copyRows(); }

  /** A copy of the indexer keys, (n, D_I); empty unless CSA. */
  public float[] indexerKeys() { return indexer == null ? new float[0] : indexer.entries.copyRows(); }

  /** An independent deep copy. */
  public LayerState copy() {
    LayerState c = new LayerState(window.copy(), main == null ? null : main.copy(), indexer == null ? null : indexer.copy());
    c.base = base;
    return c;
  }

  /** The RoPE base P: stored rows are rotated at (position − P). */
  public long base() { return base; }

  /*
   * Drops the compressed entries (and indexer keys) whose window ends before absolute position {@code position}:
   * a row belongs to the frame holding its last source token, so evicting frames older than {@code position}
   * drops exactly their rows (docs/model.md §7.3). The raw window is untouched (it only holds recent tokens).
   */
  void evictWindowsBefore(long window) {
    if (main == null) return;
    main.evictBefore(window);
    if (indexer != null) indexer.evictBefore(window);
  }
}
