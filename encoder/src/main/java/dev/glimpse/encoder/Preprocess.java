package dev.glimpse.encoder;

import java.util.Arrays;

/**
 * docs/model.md §2: grid choice, aspect-preserving resize (bilinear, antialiased, as PyTorch's
 * {@code F.interpolate(mode="bilinear", antialias=True, align_corners=False)}), centred padding with gray, and
 * normalisation to {@code (v/255 − 0.5)/0.5}. Reference: training/layout.py (choose_grid, placement, preprocess)
 * and training/evaluate.py (grid_placement).
 * Legend: W×H image pixels, Gw×Gh grid pixels, cw×ch resized content.
 */
public final class Preprocess {
  private final EncoderConfig cfg;

  public Preprocess(EncoderConfig cfg) { this.cfg = cfg; }

  /** Where the resized image lies in the grid: grid_px = image_px · scale + offset. */
  public record Placement(int gridW, int gridH, double scale, int offX, int offY, int contentW, int contentH) {}

  /** pixel_values [3, Gh, Gw] (RGB, normalised) and where the image lies in them. */
  public record Pixels(float[] values, Placement placement) {}

  /** §2.1: the grid (Gw, Gh) in pixels for a W×H image. */
  public int[] chooseGrid(int width, int height) {
    int unit = cfg.gridUnit(), merged = cfg.mergedPx();
    if (width % unit == 0 && height % unit == 0 && (width / merged) * (height / merged) <= cfg.maxMergedTokens()) {
      return new int[] {width, height};                                   // rule 1: already a grid
    }
    int maxUnits = cfg.maxMergedTokens() / 4;
    double aspect = (double) width / height;
    double bestFit = -1;
    int bestW = 0, bestH = 0;
    for (int uw = 1; uw <= maxUnits; uw++) {
      for (int uh = 1; uh <= maxUnits / uw; uh++) {
        if (uw * uh < cfg.minGridUnits()) continue;
        double a = (double) uw / uh;
        double fit = Math.rint(Math.min(a / aspect, aspect / a) * 1e12) / 1e12;   // as round(fit, 12)
        boolean better = fit > bestFit
            || fit == bestFit && (uw * uh > bestW * bestH || uw * uh == bestW * bestH && uw > bestW);
        if (better) {
          bestFit = fit;
          bestW = uw;
          bestH = uh;
        }
      }
    }
    return new int[] {bestW * unit, bestH * unit};
  }

  /** §2.2: scale to fit, content size rounded half to even, centred. */
  public static Placement placement(int width, int height, int gridW, int gridH) {
    double s = Math.min((double) gridW / width, (double) gridH / height);
    int cw = (int) Math.min(gridW, Math.rint(width * s)), ch = (int) Math.min(gridH, Math.rint(height * s));
    return new Placement(gridW, gridH, s, (gridW - cw) / 2, (gridH - ch) / 2, cw, ch);
  }

  /** rgb: interleaved [H, W, 3] bytes (unsigned) → pixel_values [3, Gh, Gw] on the grid of §2.1. */
  public Pixels apply(byte[] rgb, int width, int height) {
    int[] g = chooseGrid(width, height);
    return apply(rgb, width, height, placement(width, height, g[0], g[1]));
  }

  /** As {@link #apply(byte[], int, int)} with an explicit placement. */
  public Pixels apply(byte[] rgb, int width, int height, Placement pl) {
    if (rgb.length != width * height * 3) throw new IllegalArgumentException("rgb must be [" + height + ", " + width + ", 3]");
    float[] img = planar(rgb, width, height);                              // [3, H, W] 0..255
    int cw = pl.contentW(), ch = pl.contentH(), gw = pl.gridW(), gh = pl.gridH();
    if (cw != width || ch != height) img = resize(img, width, height, cw, ch);
    float[] out = new float[3 * gh * gw];                                  // [3, Gh, Gw]
    Arrays.fill(out, normalise(cfg.padGray()));
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < ch; y++) {
        int src = (c * ch + y) * cw, dst = (c * gh + pl.offY() + y) * gw + pl.offX();
        for (int x = 0; x < cw; x++) out[dst + x] = normalise(img[src + x]);
      }
    }
    return new Pixels(out, pl);
  }

  private static float normalise(float v) { return (v / 255.0f - 0.5f) / 0.5f; }

  /** [H, W, 3] unsigned bytes → [3, H, W] floats. */
  static float[] planar(byte[] rgb, int width, int height) {
    int n = width * height;
    float[] out = new float[3 * n];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) out[c * n + i] = rgb[i * 3 + c] & 0xFF;
    }
    return out;
  }

  /**
   * Antialiased bilinear resize of planar [3, H, W] to [3, h2, w2], separable (width pass, then height pass), as
   * PyTorch's {@code _upsample_bilinear2d_aa}: triangle filter widened by the scale when downsampling.
   */
  public static float[] resize(float[] src, int width, int height, int w2, int h2) {
    Taps tx = Taps.of(width, w2), ty = Taps.of(height, h2);
    float[] mid = new float[3 * height * w2];                              // [3, H, w2]
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < height; y++) {
        int so = (c * height + y) * width, mo = (c * height + y) * w2;
        for (int x = 0; x < w2; x++) mid[mo + x] = tx.sample(src, so, 1, x);
      }
    }
    float[] out = new float[3 * h2 * w2];                                  // [3, h2, w2]
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h2; y++) {
        for (int x = 0; x < w2; x++) out[(c * h2 + y) * w2 + x] = ty.sample(mid, c * height * w2 + x, w2, y);
      }
    }
    return out;
  }

  /** Per output index: the first input index and normalised weights of its taps along one axis. */
  private record Taps(int[] start, float[][] weights) {
    // Float arithmetic where PyTorch's CPU kernel (UpSampleKernel.cpp, _compute_weights_aa) rounds to scalar_t,
    // so that tap weights agree to the last bit or two rather than to ~1e-5 on large upscales.
    static Taps of(int in, int out) {
      float scale = (float) in / out;                                      // align_corners=False, no explicit scale
      float support = scale >= 1.0f ? scale : 1.0f;                        // bilinear: interp_size/2 = 1, widened
      float invScale = scale >= 1.0f ? 1.0f / scale : 1.0f;
      int[] start = new int[out];
      float[][] weights = new float[out][];
      for (int i = 0; i < out; i++) {
        float center = (float) (scale * (i + 0.5));
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), in);
        float[] w = new float[xmax - xmin];
        float total = 0;
        for (int j = 0; j < w.length; j++) {
          float t = (float) ((j + xmin - center + 0.5) * invScale);
          w[j] = Math.max(0.0f, 1.0f - Math.abs(t));
          total += w[j];
        }
        if (total != 0) for (int j = 0; j < w.length; j++) w[j] /= total;
        weights[i] = w;
        start[i] = xmin;
      }
      return new Taps(start, weights);
    }

    /** Σ_j w_j · v[off + (start + j)·stride] for output index i. */
    float sample(float[] v, int off, int stride, int i) {
      float[] w = weights[i];
      int s = off + start[i] * stride;
      float acc = 0;
      for (int j = 0; j < w.length; j++) acc += w[j] * v[s + j * stride];
      return acc;
    }
  }
}
