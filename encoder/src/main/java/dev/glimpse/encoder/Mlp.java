package dev.glimpse.encoder;

import dev.glimpse.tensor.Kernels;

/** SwiGLU (docs/model.md §3.2): down(silu(gate(y)) ⊙ up(y)), C → F → C, no bias. Legend: P patches, C width, F hidden. */
final class Mlp {
  private final Kernels kernels;
  private final int c;
  private final int f;
  private final EncoderWeights.Block w;

  Mlp(Kernels kernels, EncoderConfig cfg, EncoderWeights.Block w) {
    this.kernels = kernels;
    this.c = cfg.width();
    this.f = cfg.mlpHidden();
    this.w = w;
  }

  /** y [P, C] → [P, C]. */
  float[] forward(float[] y, int np) {
    float[] gate = new float[np * f];                                      // [P, F]
    float[] up = new float[np * f];                                        // [P, F]
    kernels.matmul(gate, y, np, c, w.gate(), null);
    kernels.matmul(up, y, np, c, w.up(), null);
    kernels.swiglu(gate, gate, up, np * f);
    float[] out = new float[np * c];                                       // [P, C]
    kernels.matmul(out, gate, np, f, w.down(), null);
    return out;
  }
}
