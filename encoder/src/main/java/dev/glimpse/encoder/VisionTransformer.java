package dev.glimpse.encoder;

import dev.glimpse.tensor.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * The ViT of docs/model.md §3.1-§3.3: patch embedding + 2-D sin-cos, the blocks (windowed or global, 2-D RoPE),
 * final RMSNorm. Legend: Hp×Wp patch grid, P = Hp·Wp, C width.
 */
public final class VisionTransformer {
  private final Kernels kernels;
  private final EncoderConfig cfg;
  private final EncoderWeights w;
  private final PatchEmbed patchEmbed;
  private final List<EncoderBlock> blocks = new ArrayList<>();

  public VisionTransformer(Kernels kernels, EncoderConfig cfg, EncoderWeights w) {
    this.kernels = kernels;
    this.cfg = cfg;
    this.w = w;
    this.patchEmbed = new PatchEmbed(kernels, cfg, w);
    for (int i = 0; i < cfg.layers(); i++) blocks.add(new EncoderBlock(kernels, cfg, w.blocks().get(i), cfg.isGlobal(i)));
  }

  /** pixels [3, Gh, Gw] → final-normed patches [P, C]. */
  public float[] forward(float[] pixels, int gh, int gw, Probe probe) {
    int p = cfg.patchSize();
    if (gh % p != 0 || gw % p != 0 || (gh / p) % cfg.window() != 0 || (gw / p) % cfg.window() != 0) {
      throw new IllegalArgumentException("grid " + gw + "x" + gh + " must be a multiple of window·patch = "
          + cfg.window() * p + " px on both sides (docs/model.md §2.1 grids are)");
    }
    if (pixels.length != 3 * gh * gw) throw new IllegalArgumentException("pixels must be [3, " + gh + ", " + gw + "]");
    int hp = gh / p, wp = gw / p, np = hp * wp, c = cfg.width();
    float[] x = patchEmbed.forward(pixels, gh, gw, probe);                 // [P, C]
    Rope2d rope = new Rope2d(hp, wp, cfg.ropeTheta());
    for (int i = 0; i < blocks.size(); i++) {
      blocks.get(i).forward(x, hp, wp, rope);
      probe.record("vision.blocks." + i + ".out", x, np, c);
    }
    kernels.rmsNorm(x, x, np, c, w.norm, cfg.rmsNormEps());
    probe.record("vision.norm.out", x, np, c);
    return x;
  }
}
