package dev.glimpse.csa;

import dev.glimpse.tensor.Tensor;
import dev.glimpse.tensor.Weights;
import java.lang.foreign.Arena;

/**
 * One attention layer's weights, by transformers' {@code DeepseekV4Attention} parameter names (deepseek-spec.md §3-§4),
 * as f32 in a shared arena (the kernels' worker threads read them). Loading is two-step so that every problem of
 * every layer is reported at once: {@link #request} asks {@link Weights} for each name and shape (problems are
 * collected there), the caller runs {@link Weights#finish}, then {@link Request#toF32} converts.
 * Legend: d width, H heads, D head dim, d_q q latent, g groups, d_g group width, m rate, H_I / D_I indexer.
 *
 * @param qAProj    q_a_proj.weight (d_q, d)
 * @param qANorm    q_a_norm.weight (d_q)
 * @param qBProj    q_b_proj.weight (H·D, d_q)
 * @param kvProj    kv_proj.weight (D, d)
 * @param kvNorm    kv_norm.weight (D)
 * @param oAProj    o_a_proj.weight (g·d_g, H·D/g), group j = rows j·d_g … (j+1)·d_g−1
 * @param oBProj    o_b_proj.weight (d, g·d_g)
 * @param sinks     sinks (H), one logit per head with no value
 * @param compressor compressor.* (CSA and HCA layers), else null
 * @param indexer   compressor.indexer.* (CSA layers), else null
 */
public record AttentionWeights(Tensor qAProj, Tensor qANorm, Tensor qBProj, Tensor kvProj, Tensor kvNorm,
    Tensor oAProj, Tensor oBProj, float[] sinks, CompressorWeights compressor, IndexerWeights indexer) {

  /**
   * A compressor's weights: kv_proj and gate_proj (c·w, d), position_bias (m, c·w), kv_norm (w); c = 2 for the
   * overlapping CSA layout, 1 for HCA; w = D (or D_I for the indexer).
   */
  public record CompressorWeights(Tensor kvProj, Tensor gateProj, float[] positionBias, Tensor kvNorm) {}

  /** The lightning indexer: its compressor (w = D_I), q_b_proj (H_I·D_I, d_q), scorer.weights_proj (H_I, d). */
  public record IndexerWeights(CompressorWeights compressor, Tensor qBProj, Tensor weightsProj) {}

  /**
   * Requests every tensor of one layer under {@code prefix} (e.g. {@code "lm.layers.1.self_attn."}) with its
   * expected shape; problems go to {@code w}. Call {@link Weights#finish} before {@link Request#toF32}.
   */
  public static Request request(Weights w, String prefix, AttentionConfig c, LayerType type) {
    int d = c.hiddenSize(), hd = c.heads() * c.headDim(), dq = c.qLoraRank(), g = c.oGroups();
    Tensor[] main = {
        w.require(prefix + "q_a_proj.weight", dq, d), w.require(prefix + "q_a_norm.weight", dq),
        w.require(prefix + "q_b_proj.weight", hd, dq),
        w.require(prefix + "kv_proj.weight", c.headDim(), d), w.require(prefix + "kv_norm.weight", c.headDim()),
        w.require(prefix + "o_a_proj.weight", g * c.oLoraRank(), hd / g),
        w.require(prefix + "o_b_proj.weight", d, g * c.oLoraRank()),
        w.require(prefix + "sinks", c.heads())};
    Tensor[] comp = null, idx = null;
    if (type != LayerType.SLIDING) {
      comp = requestCompressor(w, prefix + "compressor.", d, c.compressRate(type), c.headDim(), type == LayerType.CSA);
    }
    if (type == LayerType.CSA) {
      String p = prefix + "compressor.indexer.";
      Tensor[] k = requestCompressor(w, p, d, c.compressRateCsa(), c.indexHeadDim(), true);
      idx = new Tensor[] {k[0], k[1], k[2], k[3],
          w.require(p + "q_b_proj.weight", c.indexHeads() * c.indexHeadDim(), dq),
          w.require(p + "scorer.weights_proj.weight", c.indexHeads(), d)};
    }
    return new Request(prefix, main, comp, idx);
  }

  private static Tensor[] requestCompressor(Weights w, String p, int d, int m, int dim, boolean overlap) {
    int cw = (overlap ? 2 : 1) * dim;
    return new Tensor[] {w.require(p + "kv_proj.weight", cw, d), w.require(p + "gate_proj.weight", cw, d),
        w.require(p + "position_bias", m, cw), w.require(p + "kv_norm.weight", dim)};
  }

  /** The tensors of one layer, requested and not yet converted. */
  public static final class Request {
    private final String prefix;
    private final Tensor[] main, comp, idx;

    private Request(String prefix, Tensor[] main, Tensor[] comp, Tensor[] idx) {
      this.prefix = prefix;
      this.main = main;
      this.comp = comp;
      this.idx = idx;
    }

    /** Copies every tensor to f32 in {@code shared}; only after {@link Weights#finish} returned normally. */
    public AttentionWeights toF32(Arena shared) {
      for (Tensor[] ts : new Tensor[][] {main, comp, idx}) {
        if (ts == null) continue;
        for (Tensor t : ts) {
          if (t == null) throw new IllegalStateException(prefix + ": weights have problems; call Weights.finish() first");
        }
      }
      CompressorWeights cw = comp == null ? null : compressor(comp, shared);
      IndexerWeights iw = idx == null ? null
          : new IndexerWeights(compressor(idx, shared), idx[4].toF32(shared), idx[5].toF32(shared));
      return new AttentionWeights(main[0].toF32(shared), main[1].toF32(shared), main[2].toF32(shared),
          main[3].toF32(shared), main[4].toF32(shared), main[5].toF32(shared), main[6].toF32(shared),
          main[7].toFloats(), cw, iw);
    }

    private static CompressorWeights compressor(Tensor[] t, Arena shared) {
      return new CompressorWeights(t[0].toF32(shared), t[1].toF32(shared), t[2].toFloats(), t[3].toF32(shared));
    }
  }
}
