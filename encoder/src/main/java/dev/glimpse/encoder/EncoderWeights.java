package dev.glimpse.encoder;

import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import dev.glimpse.tensor.Weights;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every vision and aligner tensor of a checkpoint, by its docs/model.md name, converted to f32 (BF16/F16 → F32)
 * in a shared arena that the kernels' worker threads may read. Loading checks every name, dtype and shape and
 * fails once with the list of all problems. Tensors of other components ({@code lm.*}) are left alone.
 * Legend: C width, K = 3·patch² (588), F SwiGLU hidden, A aligner hidden, d LM width.
 */
public final class EncoderWeights implements AutoCloseable {
  static final String HINT = "the checkpoint does not match config.json; re-export it with training/export.py";

  /** One ViT block (names under {@code vision.blocks.{i}.}). */
  public record Block(Tensor norm1, Tensor q, Tensor qBias, Tensor k, Tensor kBias, Tensor v, Tensor vBias,
      Tensor o, Tensor oBias, Tensor norm2, Tensor gate, Tensor up, Tensor down) {}

  private final Arena arena;
  final Tensor patchProj;      // (C, K)
  final Tensor patchBias;      // (C)
  final List<Block> blocks;    // q/k/v/o (C, C) + (C); gate/up (F, C); down (C, F); norms (C)
  final Tensor norm;           // (C)
  final Tensor fc1;            // (A, C·merge²)
  final Tensor fc1Bias;        // (A)
  final Tensor fc2;            // (d, A)
  final Tensor fc2Bias;        // (d)

  private EncoderWeights(Arena arena, Tensor[] t, List<Block> blocks) {
    this.arena = arena;
    this.patchProj = t[0];
    this.patchBias = t[1];
    this.norm = t[2];
    this.fc1 = t[3];
    this.fc1Bias = t[4];
    this.fc2 = t[5];
    this.fc2Bias = t[6];
    this.blocks = List.copyOf(blocks);
  }

  /** Loads {@code model.safetensors} for {@code cfg}; throws {@link LoadException} listing every problem. */
  public static EncoderWeights load(Path file, EncoderConfig cfg) throws IOException {
    try (Arena mapping = Arena.ofConfined()) {
      return load(Safetensors.open(file, mapping), cfg);
    }
  }

  /**
   * Loads from an open checkpoint (the tensors are copied out; {@code st} may be closed afterwards); throws
   * {@link LoadException} listing every problem.
   */
  public static EncoderWeights load(Safetensors st, EncoderConfig cfg) throws IOException {
    Arena shared = Arena.ofShared();
    try {
      Weights w = new Weights(st, HINT);
      int c = cfg.width(), f = cfg.mlpHidden(), p = cfg.patchSize(), mm = cfg.merge() * cfg.merge();
      Tensor[] raw = {
          w.require("vision.patch_embed.proj.weight", c, 3 * p * p), w.require("vision.patch_embed.proj.bias", c),
          w.require("vision.norm.weight", c),
          w.require("aligner.fc1.weight", cfg.alignerHidden(), c * mm), w.require("aligner.fc1.bias", cfg.alignerHidden()),
          w.require("aligner.fc2.weight", cfg.dModel(), cfg.alignerHidden()), w.require("aligner.fc2.bias", cfg.dModel())};
      List<Tensor[]> rawBlocks = new ArrayList<>();
      for (int i = 0; i < cfg.layers(); i++) {
        String b = "vision.blocks." + i + ".";
        rawBlocks.add(new Tensor[] {
            w.require(b + "norm1.weight", c),
            w.require(b + "attn.q_proj.weight", c, c), w.require(b + "attn.q_proj.bias", c),
            w.require(b + "attn.k_proj.weight", c, c), w.require(b + "attn.k_proj.bias", c),
            w.require(b + "attn.v_proj.weight", c, c), w.require(b + "attn.v_proj.bias", c),
            w.require(b + "attn.o_proj.weight", c, c), w.require(b + "attn.o_proj.bias", c),
            w.require(b + "norm2.weight", c),
            w.require(b + "mlp.gate_proj.weight", f, c), w.require(b + "mlp.up_proj.weight", f, c),
            w.require(b + "mlp.down_proj.weight", c, f)});
      }
      try {
        w.finish("vision.", "aligner."); // the language model's tensors (lm.*) are not the encoder's to judge
      } catch (Weights.WeightsException e) {
        throw new LoadException(e.getMessage(), e.problems());
      }
      Tensor[] top = new Tensor[raw.length];
      for (int i = 0; i < raw.length; i++) top[i] = raw[i].toF32(shared);
      List<Block> blocks = new ArrayList<>();
      for (Tensor[] r : rawBlocks) {
        Tensor[] x = new Tensor[r.length];
        for (int i = 0; i < r.length; i++) x[i] = r[i].toF32(shared);
        blocks.add(new Block(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12]));
      }
      return new EncoderWeights(shared, top, blocks);
    } catch (IOException | RuntimeException e) {
      shared.close();
      throw e;
    }
  }

  public List<Block> blocks() { return blocks; }

  /** vision.patch_embed.proj.weight (C, K). */
  public Tensor patchProj() { return patchProj; }

  /** vision.patch_embed.proj.bias (C). */
  public Tensor patchBias() { return patchBias; }

  /** vision.norm.weight (C). */
  public Tensor norm() { return norm; }

  /** aligner.fc1.weight (A, C·merge²). */
  public Tensor fc1() { return fc1; }

  /** aligner.fc1.bias (A). */
  public Tensor fc1Bias() { return fc1Bias; }

  /** aligner.fc2.weight (d, A). */
  public Tensor fc2() { return fc2; }

  /** aligner.fc2.bias (d). */
  public Tensor fc2Bias() { return fc2Bias; }

  /** Frees the f32 copies; the encoder must not be used afterwards. */
  @Override
  public void close() { arena.close(); }

  /** The checkpoint does not match the config: {@link #problems()} lists every missing, mis-shaped or stray tensor. */
  public static final class LoadException extends IOException {
    private final List<String> problems;

    LoadException(String message, List<String> problems) {
      super(message);
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() { return problems; }
  }
}
