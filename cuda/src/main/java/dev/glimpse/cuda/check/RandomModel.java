package dev.glimpse.cuda.check;

import dev.glimpse.tensor.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a vision encoder with random weights and odd sizes (width 128, 2 heads, SwiGLU hidden 100, aligner hidden
 * 96, d 40, three blocks with the middle one global) as a model directory, so that the CUDA encoder is checked on
 * shapes other than glimpse-tiny's. Names as docs/model.md §10.2.
 */
final class RandomModel {
  static final int WIDTH = 128, HEADS = 2, MLP = 100, LAYERS = 3, ALIGNER = 96, D = 40;

  private RandomModel() {}

  static Path write(Path dir, long seed) throws IOException {
    Files.createDirectories(dir);
    Random rnd = new Random(seed);
    SafetensorsWriter w = new SafetensorsWriter();
    int c = WIDTH, k = 3 * 14 * 14, u = c * 9;
    w.put("vision.patch_embed.proj.weight", randn(rnd, c * k, 1 / Math.sqrt(k)), c, k);
    w.put("vision.patch_embed.proj.bias", randn(rnd, c, 0.1), c);
    for (int i = 0; i < LAYERS; i++) {
      String b = "vision.blocks." + i + ".";
      w.put(b + "norm1.weight", around1(rnd, c), c);
      for (String n : new String[] {"q", "k", "v", "o"}) {
        w.put(b + "attn." + n + "_proj.weight", randn(rnd, c * c, 1 / Math.sqrt(c)), c, c);
        w.put(b + "attn." + n + "_proj.bias", randn(rnd, c, 0.1), c);
      }
      w.put(b + "norm2.weight", around1(rnd, c), c);
      w.put(b + "mlp.gate_proj.weight", randn(rnd, MLP * c, 1 / Math.sqrt(c)), MLP, c);
      w.put(b + "mlp.up_proj.weight", randn(rnd, MLP * c, 1 / Math.sqrt(c)), MLP, c);
      w.put(b + "mlp.down_proj.weight", randn(rnd, c * MLP, 1 / Math.sqrt(MLP)), c, MLP);
    }
    w.put("vision.norm.weight", around1(rnd, c), c);
    w.put("aligner.fc1.weight", randn(rnd, ALIGNER * u, 1 / Math.sqrt(u)), ALIGNER, u);
    w.put("aligner.fc1.bias", randn(rnd, ALIGNER, 0.1), ALIGNER);
    w.put("aligner.fc2.weight", randn(rnd, D * ALIGNER, 1 / Math.sqrt(ALIGNER)), D, ALIGNER);
    w.put("aligner.fc2.bias", randn(rnd, D, 0.1), D);
    w.write(dir.resolve("model.safetensors"));
    Files.writeString(dir.resolve("config.json"), """
        {"name": "encoder-odd-random",
         "vision": {"patch_size": 14, "width": %d, "layers": %d, "heads": %d, "head_dim": 64, "mlp_hidden": %d,
                    "window": 6, "global_layers": [1], "rope_theta": 10000.0, "merge": 3, "aligner_hidden": %d,
                    "rms_norm_eps": 1e-06},
         "lm": {"hidden_size": %d}, "max_merged_tokens": 384, "min_grid_units": 80, "image": {"pad_gray": 127}}
        """.formatted(WIDTH, LAYERS, HEADS, MLP, ALIGNER, D));
    return dir;
  }

  /** n values N(0, scale²). */
  static float[] randn(Random rnd, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * scale);
    return v;
  }

  /** n values N(1, 0.1²), for norm weights. */
  static float[] around1(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (1 + 0.1 * rnd.nextGaussian());
    return v;
  }
}
