package dev.glimpse.encoder;

import dev.glimpse.tensor.Kernels;

/**
 * docs/model.md §3.4: each merge×merge block of final-normed patches concatenated channel-major (index
 * ch·9 + ki·3 + kj, the order of F.unfold), then fc2(GELU_erf(fc1(u))) and the 2-D sin-cos at width d.
 * Legend: n = n_h·n_w merged tokens, C width, U = C·merge², A hidden, d LM width.
 */
public final class Aligner {
  private final Kernels kernels;
  private final EncoderConfig cfg;
  private final EncoderWeights w;

  public Aligner(Kernels kernels, EncoderConfig cfg, EncoderWeights w) {
    this.kernels = kernels;
    this.cfg = cfg;
    this.w = w;
  }

  /** x [Hp·Wp, C] → merged rows [n_h·n_w, d], row-major over the merged grid. */
  public float[] forward(float[] x, int hp, int wp, Probe probe) {
    int k = cfg.merge(), c = cfg.width(), nh = hp / k, nw = wp / k, n = nh * nw, u = c * k * k;
    int a = cfg.alignerHidden(), d = cfg.dModel();
    float[] unfolded = new float[n * u];                                   // [n, U]
    for (int r = 0; r < nh; r++) {
      for (int cc = 0; cc < nw; cc++) {
        int o = (r * nw + cc) * u;
        for (int ki = 0; ki < k; ki++) {
          for (int kj = 0; kj < k; kj++) {
            int src = ((r * k + ki) * wp + cc * k + kj) * c;
            for (int ch = 0; ch < c; ch++) unfolded[o + ch * k * k + ki * k + kj] = x[src + ch];
          }
        }
      }
    }
    float[] hidden = new float[n * a];                                     // [n, A]
    kernels.matmul(hidden, unfolded, n, u, w.fc1, w.fc1Bias);
    kernels.gelu(hidden, hidden.length);
    float[] z = new float[n * d];                                          // [n, d]
    kernels.matmul(z, hidden, n, a, w.fc2, w.fc2Bias);
    float[] pos = SinCos2d.table(nh, nw, d);
    for (int i = 0; i < z.length; i++) z[i] += pos[i];
    probe.record("aligner.out", z, n, d);
    return z;
  }
}
