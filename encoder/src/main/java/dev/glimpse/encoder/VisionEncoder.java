package dev.glimpse.encoder;

import dev.glimpse.tensor.Kernels;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The whole vision side: RGB image → merged tokens [n_h·n_w, d] (docs/model.md §2-§3). Owns its weights.
 * Legend: n merged tokens, d LM width.
 */
public final class VisionEncoder implements FrameEncoder {
  private final Kernels kernels;
  private final EncoderConfig cfg;
  private final EncoderWeights weights;
  private final Preprocess preprocess;
  private final VisionTransformer vit;
  private final Aligner aligner;

  public VisionEncoder(Kernels kernels, EncoderConfig cfg, EncoderWeights weights) {
    this.kernels = kernels;
    this.cfg = cfg;
    this.weights = weights;
    this.preprocess = new Preprocess(cfg);
    this.vit = new VisionTransformer(kernels, cfg, weights);
    this.aligner = new Aligner(kernels, cfg, weights);
  }

  /** Loads {@code dir/config.json} and {@code dir/model.safetensors}. */
  public static VisionEncoder load(Kernels kernels, Path dir) throws IOException {
    EncoderConfig cfg = EncoderConfig.load(dir.resolve("config.json"));
    return new VisionEncoder(kernels, cfg, EncoderWeights.load(dir.resolve("model.safetensors"), cfg));
  }

  /** Merged tokens of one image and their grid. */
  public record Encoded(float[] rows, int nh, int nw, Preprocess.Placement placement) {}

  @Override
  public Encoded encode(byte[] rgb, int width, int height) { return encode(rgb, width, height, Probe.NONE); }

  /** rgb interleaved [H, W, 3] → aligner rows [n_h·n_w, d]. */
  public Encoded encode(byte[] rgb, int width, int height, Probe probe) {
    Preprocess.Pixels px = preprocess.apply(rgb, width, height);
    return encodePixels(px.values(), px.placement(), probe);
  }

  /** pixel_values [3, Gh, Gw] → aligner rows [n_h·n_w, d]. */
  public Encoded encodePixels(float[] pixels, Preprocess.Placement pl, Probe probe) {
    int gh = pl.gridH(), gw = pl.gridW(), p = cfg.patchSize();
    float[] x = vit.forward(pixels, gh, gw, probe);
    float[] rows = aligner.forward(x, gh / p, gw / p, probe);
    return new Encoded(rows, gh / cfg.mergedPx(), gw / cfg.mergedPx(), pl);
  }

  public EncoderConfig config() { return cfg; }

  public EncoderWeights weights() { return weights; }

  @Override
  public String describe() { return "cpu (" + kernels.name() + " kernels)"; }

  @Override
  public void close() { weights.close(); }
}
