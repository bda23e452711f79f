package dev.glimpse.csa;

/**
 * Attention shapes and constants of one language model (deepseek-spec.md §1, docs/model.md §6.2), validated on
 * construction. Field names follow transformers' {@code DeepseekV4Config}.
 *
 * @param hiddenSize        d, residual width
 * @param heads             H, query heads (one shared K=V latent)
 * @param headDim           D, head dim = K=V latent dim
 * @param ropeDims          r = partial_rotary_factor·D, RoPE dims at the tail of every head (and of indexer heads)
 * @param qLoraRank         d_q, query low-rank latent width
 * @param oGroups           g, groups of the grouped output projection
 * @param oLoraRank         d_g, output width per group
 * @param slidingWindow     n_win, raw keys per query, the query itself included. Larger windows see more exact
 *                          recent context but cost n_win·D floats per layer and n_win dots per head and token.
 * @param compressRateCsa   m, tokens per CSA entry (entries overlap: each pools 2m tokens)
 * @param compressRateHca   m′, tokens per HCA entry
 * @param indexHeads        H_I, lightning-indexer heads
 * @param indexHeadDim      D_I, indexer head dim (and indexer key width)
 * @param indexTopk         k, CSA entries attended per query. Raising k attends more of the past at a cost linear
 *                          in k; once k ≥ the visible entries the indexer no longer matters.
 * @param ropeTheta         θ, RoPE base of sliding layers
 * @param compressRopeTheta θ_c, RoPE base of CSA/HCA layers (no YaRN: docs/model.md §6.2)
 * @param rmsNormEps        eps of every RMSNorm and of the per-head UnitRMS
 */
public record AttentionConfig(int hiddenSize, int heads, int headDim, int ropeDims, int qLoraRank, int oGroups,
    int oLoraRank, int slidingWindow, int compressRateCsa, int compressRateHca, int indexHeads, int indexHeadDim,
    int indexTopk, double ropeTheta, double compressRopeTheta, double rmsNormEps) {

  /** transformers' default {@code rms_norm_eps}. */
  public static final double DEFAULT_RMS_NORM_EPS = 1e-6;

  public AttentionConfig {
    require(hiddenSize > 0 && heads > 0 && headDim > 0 && qLoraRank > 0 && oGroups > 0 && oLoraRank > 0,
        "hidden_size, heads, head_dim, q_lora_rank, o_groups and o_lora_rank must be positive");
    require(ropeDims > 0 && ropeDims % 2 == 0 && ropeDims <= headDim, "rope dims " + ropeDims
        + " must be even and in 2.." + headDim + " (partial_rotary_factor·head_dim)");
    require(ropeDims <= indexHeadDim, "rope dims " + ropeDims + " exceed index_head_dim " + indexHeadDim);
    require(heads * headDim % oGroups == 0, "H·D = " + heads * headDim + " is not divisible by o_groups " + oGroups);
    require(slidingWindow >= 1, "sliding_window must be >= 1, got " + slidingWindow);
    require(compressRateCsa >= 1 && compressRateHca >= 1, "compress rates must be >= 1");
    require(indexHeads > 0 && indexHeadDim > 0 && indexTopk > 0, "index_n_heads, index_head_dim, index_topk must be positive");
    require(ropeTheta > 1 && compressRopeTheta > 1, "RoPE bases must be > 1");
    require(rmsNormEps > 0 && rmsNormEps < 1, "rms_norm_eps must be in (0, 1), got " + rmsNormEps);
  }

  /** This config with another index_topk (k). */
  public AttentionConfig withIndexTopk(int k) {
    return new AttentionConfig(hiddenSize, heads, headDim, ropeDims, qLoraRank, oGroups, oLoraRank, slidingWindow,
        compressRateCsa, compressRateHca, indexHeads, indexHeadDim, k, ropeTheta, compressRopeTheta, rmsNormEps);
  }

  /** The compress rate of a layer type (m for CSA, m′ for HCA); sliding layers have none. */
  public int compressRate(LayerType type) {
    return switch (type) {
      case SLIDING -> throw new IllegalArgumentException("sliding layers have no compressor");
      case CSA -> compressRateCsa;
      case HCA -> compressRateHca;
    };
  }

  /** The RoPE base of a layer type: θ for sliding layers, θ_c for CSA/HCA (spec §6). */
  public double ropeBase(LayerType type) { return type == LayerType.SLIDING ? ropeTheta : compressRopeTheta; }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("invalid attention config: " + message);
  }
}
