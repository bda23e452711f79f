package dev.glimpse.encoder;

import dev.glimpse.tensor.Kernels;

/** One pre-norm ViT block (docs/model.md §3.2). Legend: P patches, C width. */
final class EncoderBlock {
  private final Kernels kernels;
  private final int c;
  private final float eps;
  private final EncoderWeights.Block w;
  private final VisionAttention attn;
  private final Mlp mlp;

  EncoderBlock(Kernels kernels, EncoderConfig cfg, EncoderWeights.Block w, boolean global) {
    this.kernels = kernels;
    this.c = cfg.width();
    this.eps = cfg.rmsNormEps();
    this.w = w;
    this.attn = new VisionAttention(kernels, cfg, w, global);
    this.mlp = new Mlp(kernels, cfg, w);
  }

  /** In place on x [P, C]: x += Attn(RMSNorm(x; norm1)); x += SwiGLU(RMSNorm(x; norm2)). */
  void forward(float[] x, int hp, int wp, Rope2d rope) {
    int np = hp * wp;
    float[] y = new float[np * c];                                         // [P, C]
    kernels.rmsNorm(y, x, np, c, w.norm1(), eps);
    add(x, attn.forward(y, hp, wp, rope));
    kernels.rmsNorm(y, x, np, c, w.norm2(), eps);
    add(x, mlp.forward(y, np));
  }

  private static void add(float[] x, float[] r) {
    for (int i = 0; i < x.length; i++) x[i] += r[i];
  }
}
