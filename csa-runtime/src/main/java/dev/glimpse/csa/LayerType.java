package dev.glimpse.csa;

/** The three DeepSeek-V4 attention layer types (deepseek-spec.md §2), with transformers' {@code layer_types} names. */
public enum LayerType {
  /** Sliding-window attention over the last n_win raw rows only; RoPE base θ. */
  SLIDING("sliding_attention"),
  /** Compressed sparse attention: overlapping compressor (rate m) + lightning indexer top-k; RoPE base θ_c. */
  CSA("compressed_sparse_attention"),
  /** Heavily compressed attention: non-overlapping compressor (rate m′), all complete entries; RoPE base θ_c. */
  HCA("heavily_compressed_attention");

  private final String hfName;

  LayerType(String hfName) { this.hfName = hfName; }

  /** The name in transformers' config ({@code layer_types}). */
  public String hfName() { return hfName; }

  /** The type for a transformers {@code layer_types} entry; unknown names are an error listing the valid ones. */
  public static LayerType ofHf(String name) {
    for (LayerType t : values()) if (t.hfName.equals(name)) return t;
    throw new IllegalArgumentException("unknown layer type '" + name + "' (expected sliding_attention, "
        + "compressed_sparse_attention or heavily_compressed_attention)");
  }
}
