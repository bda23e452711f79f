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

  LayerState(RawWindow window, Compressor.State main, Compressor.State indexer) {
    this.window = window;
    this.main = main;
    this.indexer = indexer;
  }

  /** Tokens seen so far = the absolute position of the next token. */
  public long position() { return window.count(); }

  /** Number of compressed entries held (0 for sliding layers). */
  public int entries() { return main == null ? 0 : main.entries.size(); }

  /** A copy of the compressed entries, (n, D); empty for sliding layers. */
  public float[] compressedKv() { return main == null ? new float[0] : main.entries.copyRows(); }

  /** A copy of the indexer keys, (n, D_I); empty unless CSA. */
  public float[] indexerKeys() { return indexer == null ? new float[0] : indexer.entries.copyRows(); }

  /** An independent deep copy. */
  public LayerState copy() {
    return new LayerState(window.copy(), main == null ? null : main.copy(), indexer == null ? null : indexer.copy());
  }
}
