package dev.glimpse.encoder;

/**
 * DeepSeek-ViT 2-D RoPE tables and rotation (docs/model.md §3.3, training/vision.py: rope_2d_tables,
 * apply_rope_2d): angle j < 16 = pr·f_j, angle 16+j = pc·f_j, f_j = θ^(−2j/32); rotate-half over a 64-dim head
 * (channel j pairs with j+32). Tables in float64, rounded to float32.
 * Legend: P patches, H heads, D = 64 head dim.
 */
public final class Rope2d {
  static final int HALF = 32;
  private final float[] cos;   // [P, 32]
  private final float[] sin;   // [P, 32]

  public Rope2d(int hp, int wp, double theta) {
    cos = new float[hp * wp * HALF];
    sin = new float[hp * wp * HALF];
    double[] f = new double[16];
    for (int j = 0; j < 16; j++) f[j] = Math.pow(theta, -2.0 * j / 32.0);
    for (int r = 0; r < hp; r++) {
      for (int c = 0; c < wp; c++) {
        int o = (r * wp + c) * HALF;
        for (int j = 0; j < 16; j++) {
          double a = r * f[j], b = c * f[j];
          cos[o + j] = (float) Math.cos(a);
          sin[o + j] = (float) Math.sin(a);
          cos[o + 16 + j] = (float) Math.cos(b);
          sin[o + 16 + j] = (float) Math.sin(b);
        }
      }
    }
  }

  /** The cos table [P, 32] (a copy; the CUDA encoder uploads it). */
  public float[] cosTable() { return cos.clone(); }

  /** The sin table [P, 32] (a copy). */
  public float[] sinTable() { return sin.clone(); }

  /** In place on x [P, H·D]: x'_j = x_j cos − x_{j+32} sin, x'_{j+32} = x_{j+32} cos + x_j sin, per head. */
  public void apply(float[] x, int np, int heads, int d) {
    int c = heads * d;
    for (int p = 0; p < np; p++) {
      for (int h = 0; h < heads; h++) {
        int o = p * c + h * d;
        for (int j = 0; j < HALF; j++) {
          float cs = cos[p * HALF + j], sn = sin[p * HALF + j];
          float a = x[o + j], b = x[o + j + HALF];
          x[o + j] = a * cs - b * sn;
          x[o + j + HALF] = b * cs + a * sn;
        }
      }
    }
  }
}
