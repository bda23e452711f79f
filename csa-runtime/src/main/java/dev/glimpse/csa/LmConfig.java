package dev.glimpse.csa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The language model's shape (docs/model.md §6), read from the {@code lm} object of a model's {@code config.json}
 * (field names as training/config.py {@code LMConfig}). Every missing or invalid field is reported at once.
 *
 * @param attention        the attention constants shared by every layer
 * @param layerTypes       one per layer, in order
 * @param intermediateSize dense SwiGLU hidden width
 * @param vocabSize        V; image slots are carried as V + type
 */
public record LmConfig(AttentionConfig attention, List<LayerType> layerTypes, int intermediateSize, int vocabSize) {

  public LmConfig {
    layerTypes = List.copyOf(layerTypes);
    if (layerTypes.isEmpty()) throw new IllegalArgumentException("invalid lm config: no layers");
    if (intermediateSize < 1 || vocabSize < 1) {
      throw new IllegalArgumentException("invalid lm config: intermediate_size and vocab_size must be positive");
    }
  }

  public int layers() { return layerTypes.size(); }

  public int hiddenSize() { return attention.hiddenSize(); }

  private static final String[] KEYS = {"hidden_size", "num_hidden_layers", "layer_types", "num_attention_heads",
      "head_dim", "partial_rotary_factor", "q_lora_rank", "o_groups", "o_lora_rank", "sliding_window",
      "compress_rate_csa", "compress_rate_hca", "index_n_heads", "index_head_dim", "index_topk", "rope_theta",
      "compress_rope_theta", "intermediate_size", "vocab_size", "rms_norm_eps"};

  /** Reads {@code config.json}'s {@code lm} object; throws listing every missing key or invalid value. */
  public static LmConfig load(Path configJson) throws IOException {
    return of(configJson, new ObjectMapper().readTree(configJson.toFile()));
  }

  /** The same from {@code config.json}'s parsed {@code root} ({@code configJson} names it in errors). */
  public static LmConfig of(Path configJson, JsonNode root) throws IOException {
    JsonNode lm = root.path("lm");
    List<String> problems = new ArrayList<>();
    for (String k : KEYS) if (!lm.has(k)) problems.add("lm." + k + " is missing");
    if (!problems.isEmpty()) {
      throw new IOException(configJson + ": " + String.join("; ", problems)
          + " (re-export the model with training/export.py)");
    }
    List<LayerType> types = new ArrayList<>();
    for (JsonNode t : lm.get("layer_types")) {
      try {
        types.add(LayerType.ofHf(t.asText()));
      } catch (IllegalArgumentException e) {
        problems.add("lm.layer_types: " + e.getMessage());
      }
    }
    if (types.size() != lm.get("num_hidden_layers").asInt() && problems.isEmpty()) {
      problems.add("lm.layer_types has " + types.size() + " entries, num_hidden_layers is " + lm.get("num_hidden_layers"));
    }
    int hd = lm.get("head_dim").asInt();
    try {
      AttentionConfig a = new AttentionConfig(lm.get("hidden_size").asInt(), lm.get("num_attention_heads").asInt(), hd,
          (int) Math.round(lm.get("partial_rotary_factor").asDouble() * hd), lm.get("q_lora_rank").asInt(),
          lm.get("o_groups").asInt(), lm.get("o_lora_rank").asInt(), lm.get("sliding_window").asInt(),
          lm.get("compress_rate_csa").asInt(), lm.get("compress_rate_hca").asInt(), lm.get("index_n_heads").asInt(),
          lm.get("index_head_dim").asInt(), lm.get("index_topk").asInt(), lm.get("rope_theta").asDouble(),
          lm.get("compress_rope_theta").asDouble(), lm.get("rms_norm_eps").asDouble());
      if (!problems.isEmpty()) throw new IOException(configJson + ": " + String.join("; ", problems));
      return new LmConfig(a, types, lm.get("intermediate_size").asInt(), lm.get("vocab_size").asInt());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      throw new IOException(configJson + ": " + String.join("; ", problems));
    }
  }
}
