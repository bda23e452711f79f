package dev.glimpse.csa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Weights;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The transformers fixture (training/transformers_fixture.py): per config C and layer i the weights under
 * {@code C.layer{i}.w.}, the input and transformers' outputs. Opened once per test class in a shared arena.
 */
final class HfFixture {
  static final String RESOURCE = "/fixtures/hf_attention.safetensors";

  /** One layer of one config. */
  record Layer(String config, int index, LayerType type, AttentionConfig cfg, AttentionWeights weights, int seq, int prefill) {
    String prefix() { return config + ".layer" + index; }
  }

  final Safetensors file;
  final List<Layer> layers = new ArrayList<>();

  HfFixture(Arena shared) throws IOException, URISyntaxException {
    file = Safetensors.open(Path.of(HfFixture.class.getResource(RESOURCE).toURI()), shared);
    ObjectMapper json = new ObjectMapper();
    Weights w = new Weights(file, "regenerate the fixture with training/transformers_fixture.py");
    List<String> owned = new ArrayList<>();
    record Pending(String config, int index, LayerType type, AttentionConfig cfg, int seq, int prefill,
        AttentionWeights.Request request) {}
    List<Pending> pending = new ArrayList<>();
    for (String name : file.metadata().get("configs").split(",")) {
      JsonNode c = json.readTree(file.metadata().get(name + ".lm_config"));
      AttentionConfig cfg = config(c, c.get("index_topk").asInt());
      int seq = Integer.parseInt(file.metadata().get(name + ".seq"));
      int prefill = Integer.parseInt(file.metadata().get(name + ".prefill"));
      JsonNode types = c.get("layer_types");
      for (int i = 0; i < types.size(); i++) {
        LayerType type = LayerType.ofHf(types.get(i).asText());
        String prefix = name + ".layer" + i + ".w.";
        owned.add(prefix);
        pending.add(new Pending(name, i, type, cfg, seq, prefill, AttentionWeights.request(w, prefix, cfg, type)));
      }
    }
    w.finish(owned.toArray(String[]::new));
    for (Pending p : pending) {
      layers.add(new Layer(p.config(), p.index(), p.type(), p.cfg(), p.request().toF32(shared), p.seq(), p.prefill()));
    }
  }

  /** Our AttentionConfig from the fixture's LMConfig JSON, with {@code topk} for index_topk. */
  static AttentionConfig config(JsonNode c, int topk) {
    int headDim = c.get("head_dim").asInt();
    return new AttentionConfig(c.get("hidden_size").asInt(), c.get("num_attention_heads").asInt(), headDim,
        (int) Math.round(c.get("partial_rotary_factor").asDouble() * headDim), c.get("q_lora_rank").asInt(),
        c.get("o_groups").asInt(), c.get("o_lora_rank").asInt(), c.get("sliding_window").asInt(),
        c.get("compress_rate_csa").asInt(), c.get("compress_rate_hca").asInt(), c.get("index_n_heads").asInt(),
        c.get("index_head_dim").asInt(), topk, c.get("rope_theta").asDouble(),
        c.get("compress_rope_theta").asDouble(), AttentionConfig.DEFAULT_RMS_NORM_EPS);
  }

  float[] floats(String name) { return file.tensors().get(name).toFloats(); }

  /** max |got − want| / max |want|. */
  static double relErr(float[] got, float[] want) {
    if (got.length != want.length) throw new AssertionError("length " + got.length + " vs " + want.length);
    double num = 0, den = 0;
    for (int i = 0; i < want.length; i++) {
      num = Math.max(num, Math.abs(got[i] - want[i]));
      den = Math.max(den, Math.abs(want[i]));
    }
    return num / den;
  }
}
