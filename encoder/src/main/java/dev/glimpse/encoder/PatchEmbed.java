package dev.glimpse.encoder;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Tensor;

/**
 * docs/model.md §3.1: 14×14 patches in row-major patch order, each flattened channel-major (c, ph, pw), projected
 * by {@code vision.patch_embed.proj} and summed with the fixed 2-D sin-cos embedding.
 * Legend: P = Hp·Wp patches, K = 3·p² (588), C width.
 */
final class PatchEmbed {
  private final Kernels kernels;
  private final int p;
  private final int c;
  private final Tensor proj;   // (C, K)
  private final Tensor bias;   // (C)

  PatchEmbed(Kernels kernels, EncoderConfig cfg, EncoderWeights w) {
    this.kernels = kernels;
    this.p = cfg.patchSize();
    this.c = cfg.width();
    this.proj = w.patchProj;
    this.bias = w.patchBias;
  }

  /** pixels [3, Gh, Gw] → x [P, C]. */
  float[] forward(float[] pixels, int gh, int gw, Probe probe) {
    int hp = gh / p, wp = gw / p, np = hp * wp, k = 3 * p * p;
    float[] patches = new float[np * k];                                   // [P, K]
    for (int pr = 0; pr < hp; pr++) {
      for (int pc = 0; pc < wp; pc++) {
        int o = (pr * wp + pc) * k;
        for (int ch = 0; ch < 3; ch++) {
          for (int y = 0; y < p; y++) {
            System.arraycopy(pixels, (ch * gh + pr * p + y) * gw + pc * p, patches, o + (ch * p + y) * p, p);
          }
        }
      }
    }
    float[] x = new float[np * c];                                         // [P, C]
    kernels.matmul(x, patches, np, k, proj, bias);
    probe.record("vision.patch_embed.linear", x, np, c);
    float[] pos = SinCos2d.table(hp, wp, c);
    for (int i = 0; i < x.length; i++) x[i] += pos[i];
    probe.record("vision.patch_embed.out", x, np, c);
    return x;
  }
}
