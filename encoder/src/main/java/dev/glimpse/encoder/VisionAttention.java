package dev.glimpse.encoder;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Tensor;

/**
 * docs/model.md §3.2-§3.3: multi-head self-attention with q/k/v/o biases and DeepSeek-ViT 2-D RoPE, either global
 * (all patches) or inside non-overlapping window×window patch windows.
 * Legend: P patches (row-major over Hp×Wp), C = H·D width, H heads, D = 64 head dim.
 */
final class VisionAttention {
  private final Kernels kernels;
  private final int c;
  private final int heads;
  private final int d;
  private final int window;
  private final boolean global;
  private final EncoderWeights.Block w;

  VisionAttention(Kernels kernels, EncoderConfig cfg, EncoderWeights.Block w, boolean global) {
    this.kernels = kernels;
    this.c = cfg.width();
    this.heads = cfg.heads();
    this.d = cfg.headDim();
    this.window = cfg.window();
    this.global = global;
    this.w = w;
  }

  /** y [P, C] (normed) → attention output [P, C] (after o_proj). */
  float[] forward(float[] y, int hp, int wp, Rope2d rope) {
    int np = hp * wp;
    float[] q = project(y, np, w.q(), w.qBias());                          // [P, C]
    float[] k = project(y, np, w.k(), w.kBias());                          // [P, C]
    float[] v = project(y, np, w.v(), w.vBias());                          // [P, C]
    rope.apply(q, np, heads, d);
    rope.apply(k, np, heads, d);
    float[] o = new float[np * c];                                         // [P, C]
    if (global) {
      attendGlobal(q, k, v, o, np);
    } else {
      int[] idx = new int[window * window];
      for (int a = 0; a < hp / window; a++) {
        for (int b = 0; b < wp / window; b++) {
          int n = 0;
          for (int r = a * window; r < (a + 1) * window; r++) {
            for (int cc = b * window; cc < (b + 1) * window; cc++) idx[n++] = r * wp + cc;
          }
          attend(q, k, v, o, idx);
        }
      }
    }
    return project(o, np, w.o(), w.oBias());
  }

  private float[] project(float[] x, int np, Tensor weight, Tensor bias) {
    float[] out = new float[np * c];
    kernels.matmul(out, x, np, c, weight, bias);
    return out;
  }

  /** Global attention: every patch attends to all, per head through the kernels' fused attention. */
  private void attendGlobal(float[] q, float[] k, float[] v, float[] o, int np) {
    float scale = (float) (1.0 / Math.sqrt(d));
    for (int h = 0; h < heads; h++) kernels.attention(o, q, k, v, np, c, h * d, d, scale);
  }

  /** Softmax attention among the patches {@code idx} (one window, or all): o[idx] = softmax(q kᵀ/√D) v per head. */
  private void attend(float[] q, float[] k, float[] v, float[] o, int[] idx) {
    int n = idx.length;
    float scale = (float) (1.0 / Math.sqrt(d));
    float[] s = new float[n];                                              // [n] scores of one query
    for (int h = 0; h < heads; h++) {
      int ho = h * d;
      for (int i = 0; i < n; i++) {
        int qo = idx[i] * c + ho;
        for (int j = 0; j < n; j++) s[j] = kernels.dot(q, qo, k, idx[j] * c + ho, d) * scale;
        kernels.softmax(s, 0, n);
        for (int j = 0; j < n; j++) kernels.axpy(s[j], v, idx[j] * c + ho, o, qo, d);
      }
    }
  }
}
