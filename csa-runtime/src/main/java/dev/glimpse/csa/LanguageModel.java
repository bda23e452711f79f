package dev.glimpse.csa;

import dev.glimpse.encoder.Probe;
import dev.glimpse.tensor.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * The glimpse-tiny language model (docs/model.md §4.3, §6): embeddings (text tokens and image-block slots), plain
 * pre-norm decoder layers of DeepSeek-V4 attention + dense SwiGLU, the final norm and the LM head. Incremental:
 * {@link #forward} feeds the next chunk of tokens through a {@link State}, so a context is built one frame at a
 * time and answers are decoded one token at a time (training/stream.py is the reference).
 * Legend: T tokens of a chunk, d width, F MLP hidden, V vocabulary.
 */
public final class LanguageModel {
  private final LmConfig cfg;
  private final LmWeights w;
  private final Kernels kernels;
  private final List<DeepseekV4Attention> attention;
  private final float eps;

  public LanguageModel(LmConfig cfg, LmWeights w, Kernels kernels) {
    this.cfg = cfg;
    this.w = w;
    this.kernels = kernels;
    this.eps = (float) cfg.attention().rmsNormEps();
    List<DeepseekV4Attention> a = new ArrayList<>();
    for (int i = 0; i < cfg.layers(); i++) {
      a.add(new DeepseekV4Attention(cfg.attention(), cfg.layerTypes().get(i), w.layers.get(i).attention(), kernels));
    }
    this.attention = List.copyOf(a);
  }

  public LmConfig config() { return cfg; }

  /** The weights this model computes with (f32). */
  public LmWeights weights() { return w; }

  /** Per-layer state of one context; the next token's position is {@link #position()}. */
  public final class State {
    final List<LayerState> layers;

    private State(List<LayerState> layers) { this.layers = layers; }

    /** Tokens fed so far (the absolute position of the next token). */
    public long position() { return layers.getFirst().position(); }

    /** An independent copy (to ask a question without changing the context). */
    public State copy() {
      List<LayerState> c = new ArrayList<>();
      for (LayerState s : layers) c.add(s.copy());
      return new State(c);
    }

    /** Compressed rows held by layer i (0 for sliding layers). */
    public int entries(int layer) { return layers.get(layer).entries(); }

    /** Drops, in every layer, the compressed rows whose window ends before {@code position}. */
    public void evictBefore(long position) {
      for (int i = 0; i < layers.size(); i++) attention.get(i).evictBefore(layers.get(i), position);
    }

    /** The RoPE base P (docs/model.md §7.3). */
    public long base() { return layers.getFirst().base(); }

    /** Moves the RoPE base by delta (a multiple of 32) in every layer; outputs do not change. */
    public void rebase(long delta) {
      for (int i = 0; i < layers.size(); i++) attention.get(i).rebase(layers.get(i), delta);
    }

    /** Layer i's state (tests, fixtures). */
    public LayerState layer(int i) { return layers.get(i); }
  }

  public State newState() {
    List<LayerState> s = new ArrayList<>();
    for (DeepseekV4Attention a : attention) s.add(a.newState());
    return new State(s);
  }

  /**
   * Input embeddings (T, d) of a chunk: id &lt; V is a text token; id = V + type an image slot (START, PAD, NEWLINE,
   * END embeddings), and for IMAGE slots (type 2) the aligner row {@code imageRow[j]} of {@code rows} (n, d).
   */
  public float[] embed(int[] ids, int[] imageRow, float[] rows) {
    int d = cfg.hiddenSize(), v = cfg.vocabSize();
    float[] h = new float[ids.length * d];
    for (int j = 0; j < ids.length; j++) {
      int id = ids[j];
      if (id >= 0 && id < v) {
        System.arraycopy(w.embed, id * d, h, j * d, d);
      } else if (id >= v && id < v + 5) {
        if (id - v == 2) {
          if (rows == null || imageRow[j] < 0 || (imageRow[j] + 1) * d > rows.length) {
            throw new IllegalArgumentException("image slot " + j + " has no aligner row (row " + imageRow[j] + ")");
          }
          System.arraycopy(rows, imageRow[j] * d, h, j * d, d);
        } else {
          System.arraycopy(w.imageSlots[id - v], 0, h, j * d, d);
        }
      } else {
        throw new IllegalArgumentException("token id " + id + " at " + j + " is outside 0.." + (v + 4));
      }
    }
    return h;
  }

  /**
   * Feeds T tokens with input embeddings h (T, d) through every layer, advancing the state; chunk rows
   * spanFrom … spanTo−1 are an image span. Returns the final-normed hidden states (T, d).
   */
  public float[] forward(State state, float[] h, int t, int spanFrom, int spanTo, Probe probe) {
    int d = cfg.hiddenSize(), f = cfg.intermediateSize();
    h = h.clone();
    float[] x = new float[t * d], gate = new float[t * f], up = new float[t * f], y = new float[t * d];
    for (int i = 0; i < attention.size(); i++) {
      LmWeights.Layer lw = w.layers.get(i);
      kernels.rmsNorm(x, h, t, d, lw.inputNorm(), eps);
      float[] a = attention.get(i).forward(state.layers.get(i), x, t, spanFrom, spanTo);
      for (int k = 0; k < t * d; k++) h[k] += a[k];
      kernels.rmsNorm(x, h, t, d, lw.postNorm(), eps);
      kernels.matmul(gate, x, t, d, lw.gate(), null);
      kernels.matmul(up, x, t, d, lw.up(), null);
      kernels.swiglu(gate, gate, up, t * f);
      kernels.matmul(y, gate, t, f, lw.down(), null);
      for (int k = 0; k < t * d; k++) h[k] += y[k];
      probe.record("lm.layers." + i + ".out", h, new int[] {t, d});
    }
    float[] out = new float[t * d];
    kernels.rmsNorm(out, h, t, d, w.norm, eps);
    return out;
  }

  /** Logits (V) of row j of final-normed hidden states (·, d). */
  public float[] logits(float[] hidden, int j) {
    int d = cfg.hiddenSize();
    float[] row = new float[d];
    System.arraycopy(hidden, j * d, row, 0, d);
    float[] out = new float[cfg.vocabSize()];
    kernels.matmul(out, row, 1, d, w.lmHead, null);
    return out;
  }
}
