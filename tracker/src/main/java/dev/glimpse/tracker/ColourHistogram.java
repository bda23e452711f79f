package dev.glimpse.tracker;

import dev.glimpse.types.Appearance;
import dev.glimpse.types.Box;
import dev.glimpse.types.PixelFormat;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The appearance descriptor the tracker re-identifies objects by: colour histograms of the upper and the lower half
 * of a box's inner part (a person's shirt and legs), after the stripe histograms that person re-identification
 * started from (Gray and Tao, ECCV 2008; Farenzena et al., "SDALF", CVPR 2010). No learned features, so it runs
 * beside any detector; it reads at most {@link #MAX_SAMPLES} pixels per stripe.
 *
 * <p>Per stripe, each pixel falls into one of {@link #BINS_PER_STRIPE} bins: {@value #GREY_BINS} grey levels when
 * its chroma (max − min of R, G, B) is at most {@link #CHROMA_FLOOR} of its value (or under 8), otherwise
 * {@value #HUE_BINS} hues × {@value #LEVELS} brightness levels. A stripe's histogram is normalised to sum 1 and square-rooted, so that the dot product of two
 * descriptors is the mean of the stripes' Bhattacharyya coefficients: 1 for equal colour distributions, 0 for
 * disjoint ones.
 *
 * <p>The inner part leaves out {@link #SIDE_MARGIN} of the width on each side and 5 % of the height at the top and
 * the bottom, where a box holds the most background. Boxes whose inner part inside the image is under
 * {@link #MIN_SIDE} pixels wide, or a stripe under {@link #MIN_SIDE} pixels tall, have no descriptor (too few pixels
 * to say anything).
 *
 * <p>Measured on the scene simulator's people (tracker/README.md, "Re-identification"): two detections of one person
 * at least 30 frames apart score above two of different people with probability 0.94.
 */
public final class ColourHistogram {
  static final int HUE_BINS = 12, GREY_BINS = 4, LEVELS = 2, BINS_PER_STRIPE = GREY_BINS + LEVELS * HUE_BINS;
  /** Stripe borders as fractions of the box height, top to bottom: the upper and the lower half, ends left out. */
  private static final double[] CUTS = {0.05, 0.5, 0.95};
  static final int STRIPES = CUTS.length - 1;
  /** Descriptor length. */
  public static final int LENGTH = STRIPES * BINS_PER_STRIPE;
  static final double SIDE_MARGIN = 0.15, CHROMA_FLOOR = 0.2;
  static final int MIN_SIDE = 3;
  /** At most this many pixels are read per stripe (an even grid over it). */
  static final int MAX_SAMPLES = 1024;

  private ColourHistogram() {}

  /**
   * The descriptor of {@code box} in a packed image, or null when the box's inner part inside the image is too small.
   *
   * @param pixels (height, width, channels) packed rows, read from index 0, not changed
   */
  public static Appearance of(ByteBuffer pixels, int width, int height, PixelFormat format, Box box) {
    Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(format, "format");
    if ((long) format.imageBytes(width, height) > pixels.limit()) {
      throw new IllegalArgumentException("pixel buffer holds " + pixels.limit() + " bytes, a " + width + "x" + height
          + " " + format + " image needs " + format.imageBytes(width, height));
    }
    double bw = box.width(), bh = box.height();
    int x0 = Math.max(0, (int) Math.ceil(box.x1() + SIDE_MARGIN * bw));
    int x1 = Math.min(width, (int) Math.floor(box.x2() - SIDE_MARGIN * bw)); // exclusive
    if (x1 - x0 < MIN_SIDE) return null;
    float[] v = new float[LENGTH];
    for (int k = 0; k < STRIPES; k++) {
      int ya = Math.max(0, (int) Math.round(box.y1() + CUTS[k] * bh));
      int yb = Math.min(height, (int) Math.round(box.y1() + CUTS[k + 1] * bh));
      if (yb - ya < MIN_SIDE) return null;
      stripe(pixels, width, format, x0, x1, ya, yb, v, k * BINS_PER_STRIPE);
    }
    double norm = 0;
    for (float f : v) norm += (double) f * f; // = STRIPES: each stripe's square-rooted histogram has unit length
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) v[i] *= inv;
    return new Appearance(v);
  }

  /** One stripe's square-rooted, normalised histogram into {@code out[offset, offset + BINS_PER_STRIPE)}. */
  private static void stripe(ByteBuffer pixels, int width, PixelFormat format, int x0, int x1, int y0, int y1,
                             float[] out, int offset) {
    int w = x1 - x0, h = y1 - y0;
    double step = Math.max(1, Math.sqrt((double) w * h / MAX_SAMPLES));
    int bpp = format.bytesPerPixel(), row = format.rowBytes(width);
    int[] counts = new int[BINS_PER_STRIPE];
    int n = 0;
    for (double fy = y0; fy < y1; fy += step) {
      int base = (int) fy * row;
      for (double fx = x0; fx < x1; fx += step) {
        int i = base + (int) fx * bpp;
        int r, g, b;
        switch (format) {
          case RGB24 -> { r = pixels.get(i) & 0xff; g = pixels.get(i + 1) & 0xff; b = pixels.get(i + 2) & 0xff; }
          case BGR24 -> { b = pixels.get(i) & 0xff; g = pixels.get(i + 1) & 0xff; r = pixels.get(i + 2) & 0xff; }
          default -> { r = g = b = pixels.get(i) & 0xff; }
        }
        counts[bin(r, g, b)]++;
        n++;
      }
    }
    for (int k = 0; k < BINS_PER_STRIPE; k++) out[offset + k] = (float) Math.sqrt(counts[k] / (double) n);
  }

  /** The bin of one pixel: a grey level, or a hue at one of two brightness levels. */
  static int bin(int r, int g, int b) {
    int max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b)), chroma = max - min;
    if (chroma <= CHROMA_FLOOR * max || chroma < 8) return Math.min(GREY_BINS - 1, max * GREY_BINS / 256);
    double hue; // [0, 6)
    if (max == r) hue = (g - b) / (double) chroma;
    else if (max == g) hue = 2 + (b - r) / (double) chroma;
    else hue = 4 + (r - g) / (double) chroma;
    if (hue < 0) hue += 6;
    int h = Math.min(HUE_BINS - 1, (int) (hue * HUE_BINS / 6));
    return GREY_BINS + LEVELS * h + Math.min(LEVELS - 1, max * LEVELS / 256);
  }
}
