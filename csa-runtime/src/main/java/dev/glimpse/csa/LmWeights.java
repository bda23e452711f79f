package dev.glimpse.csa;

import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import dev.glimpse.tensor.Weights;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every language-model tensor of a checkpoint ({@code lm.*}, docs/model.md §10.2), converted to f32 in a shared
 * arena. Loading checks every name, dtype and shape and fails once listing all problems; vision tensors are left
 * to the encoder. Legend: V vocabulary, d width, F MLP hidden.
 */
public final class LmWeights implements AutoCloseable {
  /** One decoder layer (names under {@code lm.layers.{i}.}). */
  public record Layer(Tensor inputNorm, AttentionWeights attention, Tensor postNorm, Tensor gate, Tensor up,
      Tensor down) {}

  private final Arena arena;
  final float[] embed;            // (V, d) lm.embed_tokens.weight
  final float[][] imageSlots;     // (5, d) by slot type START, PAD, IMAGE (unused: zeros), NEWLINE, END
  final List<Layer> layers;
  final Tensor norm;              // (d)
  final Tensor lmHead;            // (V, d)

  private LmWeights(Arena arena, float[] embed, float[][] imageSlots, List<Layer> layers, Tensor norm, Tensor lmHead) {
    this.arena = arena;
    this.embed = embed;
    this.imageSlots = imageSlots;
    this.layers = List.copyOf(layers);
    this.norm = norm;
    this.lmHead = lmHead;
  }

  /** Loads the {@code lm.*} tensors of {@code model.safetensors} for {@code cfg}; one error lists every problem. */
  public static LmWeights load(Path file, LmConfig cfg) throws IOException {
    try (Arena mapping = Arena.ofConfined()) {
      return load(Safetensors.open(file, mapping), cfg);
    }
  }

  /** Loads the {@code lm.*} tensors from an open checkpoint (copied out; {@code st} may be closed afterwards). */
  public static LmWeights load(Safetensors st, LmConfig cfg) throws IOException {
    Arena shared = Arena.ofShared();
    try {
      Weights w = new Weights(st,
          "the checkpoint does not match config.json; re-export it with training/export.py");
      int d = cfg.hiddenSize(), v = cfg.vocabSize(), f = cfg.intermediateSize();
      Tensor embed = w.require("lm.embed_tokens.weight", v, d);
      String[] slotNames = {"lm.image_start", "lm.image_pad", null, "lm.image_newline", "lm.image_end"};
      Tensor[] slots = new Tensor[5];
      for (int i = 0; i < 5; i++) if (slotNames[i] != null) slots[i] = w.require(slotNames[i], d);
      List<Object[]> req = new ArrayList<>();
      for (int i = 0; i < cfg.layers(); i++) {
        String p = "lm.layers." + i + ".";
        req.add(new Object[] {w.require(p + "input_layernorm.weight", d),
            AttentionWeights.request(w, p + "self_attn.", cfg.attention(), cfg.layerTypes().get(i)),
            w.require(p + "post_attention_layernorm.weight", d), w.require(p + "mlp.gate_proj.weight", f, d),
            w.require(p + "mlp.up_proj.weight", f, d), w.require(p + "mlp.down_proj.weight", d, f)});
      }
      Tensor norm = w.require("lm.norm.weight", d);
      Tensor head = w.require("lm.lm_head.weight", v, d);
      w.finish("lm.");                       // Weights.WeightsException (an IOException) lists every problem
      float[][] slotRows = new float[5][];
      for (int i = 0; i < 5; i++) slotRows[i] = slots[i] == null ? new float[d] : slots[i].toFloats();
      List<Layer> layers = new ArrayList<>();
      for (Object[] r : req) {
        layers.add(new Layer(((Tensor) r[0]).toF32(shared), ((AttentionWeights.Request) r[1]).toF32(shared),
            ((Tensor) r[2]).toF32(shared), ((Tensor) r[3]).toF32(shared), ((Tensor) r[4]).toF32(shared),
            ((Tensor) r[5]).toF32(shared)));
      }
      return new LmWeights(shared, embed.toFloats(), slotRows, layers, norm.toF32(shared), head.toF32(shared));
    } catch (IOException | RuntimeException e) {
      shared.close();
      throw e;
    }
  }

  /** lm.embed_tokens.weight (V, d). */
  public float[] embed() { return embed; }

  /** The image-slot embeddings (5, d) by type START, PAD, IMAGE (zeros), NEWLINE, END. */
  public float[][] imageSlots() { return imageSlots; }

  /** The decoder layers, in order. */
  public List<Layer> layers() { return layers; }

  /** lm.norm.weight (d). */
  public Tensor norm() { return norm; }

  /** lm.lm_head.weight (V, d). */
  public Tensor lmHead() { return lmHead; }

  @Override
  public void close() { arena.close(); }
}
