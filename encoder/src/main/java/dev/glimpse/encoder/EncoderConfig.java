package dev.glimpse.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The vision side of a model's {@code config.json} (docs/model.md §2-§3): ViT sizes, aligner, and the image grid
 * rules. Immutable and validated on construction.
 *
 * @param patchSize      pixels per patch side (14)
 * @param width          C, the ViT residual width (192)
 * @param layers         number of ViT blocks (6)
 * @param heads          H, attention heads (3); {@code heads · headDim == width}
 * @param headDim        D, per-head width; 64 because 2-D RoPE rotates 16 row + 16 column pairs (§3.3)
 * @param mlpHidden      SwiGLU hidden width (512)
 * @param window         window side in patches for windowed blocks (6)
 * @param globalLayers   indices of blocks with global attention ({2, 5}); the others are windowed
 * @param ropeTheta      2-D RoPE base (10000)
 * @param merge          aligner merges merge×merge patches (3)
 * @param alignerHidden  aligner fc1 width (512)
 * @param rmsNormEps     RMSNorm epsilon (1e-6)
 * @param dModel         d, the LM width the aligner projects to (256)
 * @param maxMergedTokens largest merged grid (384); also the rule-1 bound of §2.1
 * @param minGridUnits   smallest grid (in 84-px units) of rule 2 in §2.1 (80); the largest is maxMergedTokens/4
 * @param padGray        canvas value around resized content (127)
 */
public record EncoderConfig(int patchSize, int width, int layers, int heads, int headDim, int mlpHidden, int window,
    int[] globalLayers, double ropeTheta, int merge, int alignerHidden, float rmsNormEps, int dModel,
    int maxMergedTokens, int minGridUnits, int padGray) {

  public EncoderConfig {
    globalLayers = globalLayers.clone();
    List<String> bad = new ArrayList<>();
    if (patchSize < 1 || width < 1 || layers < 1 || heads < 1 || mlpHidden < 1 || merge < 1 || alignerHidden < 1) {
      bad.add("sizes must be positive");
    }
    if (heads * headDim != width) bad.add("heads · head_dim (" + heads + "·" + headDim + ") must equal width " + width);
    if (headDim != 64) bad.add("head_dim must be 64 (2-D RoPE, docs/model.md §3.3), got " + headDim);
    if (width % 4 != 0) bad.add("width must be divisible by 4 (2-D sin-cos), got " + width);
    if (dModel < 4 || dModel % 4 != 0) bad.add("lm.hidden_size must be a positive multiple of 4, got " + dModel);
    if (window < 1 || (2 * merge) % window != 0 && window % (2 * merge) != 0) {
      bad.add("window (" + window + ") and the 2·merge patches of a grid unit must divide one another");
    }
    for (int g : globalLayers) if (g < 0 || g >= layers) bad.add("global layer " + g + " outside 0.." + (layers - 1));
    if (!(rmsNormEps > 0)) bad.add("rms_norm_eps must be > 0");
    if (maxMergedTokens < 4 || minGridUnits < 1 || minGridUnits > maxMergedTokens / 4) {
      bad.add("need 1 <= min_grid_units <= max_merged_tokens/4");
    }
    if (!bad.isEmpty()) throw new IllegalArgumentException("invalid encoder config: " + String.join("; ", bad));
  }

  /** The config of glimpse-tiny (models/glimpse-tiny/config.json). */
  public static final EncoderConfig GLIMPSE_TINY =
      new EncoderConfig(14, 192, 6, 3, 64, 512, 6, new int[] {2, 5}, 10000.0, 3, 512, 1e-6f, 256, 384, 80, 127);

  /** Pixels per grid unit: 2 merged tokens of merge·patchSize (84). */
  public int gridUnit() { return 2 * merge * patchSize; }

  /** Pixels per merged token side (42). */
  public int mergedPx() { return merge * patchSize; }

  /** Whether block {@code i} attends globally (else inside windows). */
  public boolean isGlobal(int i) {
    for (int g : globalLayers) if (g == i) return true;
    return false;
  }

  @Override
  public int[] globalLayers() { return globalLayers.clone(); }

  /** Reads {@code config.json} of a model directory (keys {@code vision.*}, {@code lm.hidden_size}, grid keys). */
  public static EncoderConfig load(Path configJson) throws IOException {
    return of(configJson, new ObjectMapper().readTree(configJson.toFile()));
  }

  /** The same from {@code config.json}'s parsed {@code root} ({@code configJson} names it in errors). */
  public static EncoderConfig of(Path configJson, JsonNode root) throws IOException {
    JsonNode v = root.path("vision");
    List<String> missing = new ArrayList<>();
    String[] keys = {"patch_size", "width", "layers", "heads", "head_dim", "mlp_hidden", "window", "global_layers",
        "rope_theta", "merge", "aligner_hidden", "rms_norm_eps"};
    for (String k : keys) if (!v.has(k)) missing.add("vision." + k);
    if (!root.path("lm").has("hidden_size")) missing.add("lm.hidden_size");
    if (!missing.isEmpty()) throw new IOException(configJson + ": missing " + String.join(", ", missing));
    JsonNode gl = v.get("global_layers");
    int[] global = new int[gl.size()];
    for (int i = 0; i < global.length; i++) global[i] = gl.get(i).asInt();
    try {
      return new EncoderConfig(v.get("patch_size").asInt(), v.get("width").asInt(), v.get("layers").asInt(),
          v.get("heads").asInt(), v.get("head_dim").asInt(), v.get("mlp_hidden").asInt(), v.get("window").asInt(),
          global, v.get("rope_theta").asDouble(), v.get("merge").asInt(), v.get("aligner_hidden").asInt(),
          (float) v.get("rms_norm_eps").asDouble(), root.get("lm").get("hidden_size").asInt(),
          root.path("max_merged_tokens").asInt(384), root.path("min_grid_units").asInt(80),
          root.path("image").path("pad_gray").asInt(127));
    } catch (IllegalArgumentException e) {
      throw new IOException(configJson + ": " + e.getMessage(), e);
    }
  }
}
