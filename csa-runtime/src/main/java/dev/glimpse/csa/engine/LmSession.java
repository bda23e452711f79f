package dev.glimpse.csa.engine;

import dev.glimpse.csa.LanguageModel;

/**
 * One context's language-model state and the computation that advances it (docs/model.md §7): where the raw
 * windows, compressed entries and indexer keys of a stream live, and what feeds tokens through the layers. The CPU
 * session keeps them in Java arrays ({@link Cpu}); the CUDA backend keeps them resident in device memory. Every
 * session computes what {@link LanguageModel#forward} computes. One owner at a time (a stream's worker).
 * Legend: T tokens of a chunk, d width, V vocabulary, n aligner rows.
 */
public interface LmSession extends AutoCloseable {
  /** Tokens fed so far (the absolute position of the next token). */
  long position();

  /**
   * Feeds T tokens: {@code ids} as {@link LanguageModel#embed} reads them (image slots V + type, IMAGE slots taking
   * aligner row {@code imageRow[j]} of {@code rows} (n, d)); chunk rows spanFrom … spanTo−1 are an image span.
   * Returns the logits (V) of the last token when {@code wantLogits}, else null.
   */
  float[] feed(int[] ids, int[] imageRow, float[] rows, int spanFrom, int spanTo, boolean wantLogits);

  /** Remembers the state now; {@link #rewind} returns to it (a question asked without changing the context). */
  void mark();

  /** Returns to the state of the last {@link #mark}, forgetting every token fed since. */
  void rewind();

  /** Drops, in every layer, the compressed rows whose window ends before {@code position}. */
  void evictBefore(long position);

  /** The RoPE base P (docs/model.md §7.3). */
  long base();

  /** Moves the RoPE base by delta (a multiple of 32) in every layer; outputs do not change. */
  void rebase(long delta);

  /** Raw rows held by layer i's sliding window. */
  int rawRows(int layer);

  /** Compressed entries held by layer i (0 for sliding layers). */
  int entries(int layer);

  /** Indexer keys held by layer i (as many as entries for CSA layers, else 0). */
  int indexerKeyRows(int layer);

  /** For logs: where it runs. */
  String describe();

  @Override
  default void close() {}

  /** Makes a session for each new context of a loaded model; closed with the model. */
  @FunctionalInterface
  interface Factory extends AutoCloseable {
    /** Sessions on the CPU, computing with the model's own {@link LanguageModel}. */
    Factory CPU = Cpu::new;

    LmSession open(LanguageModel lm);

    /** For logs: where sessions run, e.g. {@code cpu}. */
    default String describe() { return "cpu"; }

    /** Frees what the factory holds for its sessions (e.g. device weights). */
    @Override
    default void close() {}
  }

  /** The CPU session: a {@link LanguageModel.State}; {@link #mark} forks it. */
  final class Cpu implements LmSession {
    private final LanguageModel lm;
    private LanguageModel.State state;
    private LanguageModel.State marked;

    public Cpu(LanguageModel lm) {
      this.lm = lm;
      this.state = lm.newState();
    }

    @Override
    public long position() { return state.position(); }

    @Override
    public float[] feed(int[] ids, int[] imageRow, float[] rows, int spanFrom, int spanTo, boolean wantLogits) {
      float[] hidden = lm.forward(state, lm.embed(ids, imageRow, rows), ids.length, spanFrom, spanTo,
          dev.glimpse.encoder.Probe.NONE);
      return wantLogits ? lm.logits(hidden, ids.length - 1) : null;
    }

    @Override
    public void mark() {
      marked = state;
      state = state.copy();
    }

    @Override
    public void rewind() {
      if (marked == null) throw new IllegalStateException("rewind without mark");
      state = marked;
      marked = null;
    }

    @Override
    public void evictBefore(long position) { state.evictBefore(position); }

    @Override
    public long base() { return state.base(); }

    @Override
    public void rebase(long delta) { state.rebase(delta); }

    @Override
    public int rawRows(int layer) { return state.layer(layer).rawRows(); }

    @Override
    public int entries(int layer) { return state.layer(layer).entries(); }

    @Override
    public int indexerKeyRows(int layer) { return state.layer(layer).indexerKeyRows(); }

    @Override
    public String describe() { return "cpu"; }

    /** The model state (tests and fixtures). */
    LanguageModel.State state() { return state; }
  }
}
