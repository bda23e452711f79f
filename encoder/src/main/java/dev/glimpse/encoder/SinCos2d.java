package dev.glimpse.encoder;

/** The fixed 2-D sin-cos position embedding of docs/model.md §3.1 (deviation 1), training/vision.py: sincos_2d. */
public final class SinCos2d {
  private SinCos2d() {}

  /**
   * [rows·cols, dim], rows row-major: [sin(r ω) | cos(r ω) | sin(c ω) | cos(c ω)], ω_k = 10000^(−k/q), q = dim/4;
   * computed in float64 and rounded to float32 as the reference does.
   */
  public static float[] table(int rows, int cols, int dim) {
    int q = dim / 4;
    double[] omega = new double[q];
    for (int k = 0; k < q; k++) omega[k] = 1.0 / Math.pow(10000.0, (double) k / q);
    float[] out = new float[rows * cols * dim];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int o = (r * cols + c) * dim;
        for (int k = 0; k < q; k++) {
          out[o + k] = (float) Math.sin(r * omega[k]);
          out[o + q + k] = (float) Math.cos(r * omega[k]);
          out[o + 2 * q + k] = (float) Math.sin(c * omega[k]);
          out[o + 3 * q + k] = (float) Math.cos(c * omega[k]);
        }
      }
    }
    return out;
  }
}
