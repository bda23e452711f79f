package dev.glimpse.tracker;

import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Point;

/**
 * What differs between box and point tracking: the filter's axes, how a detection is measured, and the
 * similarity used for association. Everything else (the ByteTrack stages and the lifecycle) is shared.
 *
 * <p>A footprint is what similarity is computed on: {@code (x1, y1, x2, y2)} pixels for a box,
 * {@code (x, y, x, y)} for a point, so both fit a {@code double[4]}.
 */
sealed interface Geometry permits Geometry.Boxes, Geometry.Points {

  /** Footprint length for both kinds. */
  int FOOTPRINT = 4;

  KalmanFilter filter();

  /** Whether the detection is this kind's primitive and usable (a box of positive width and height). */
  boolean accepts(Detection d);

  /** The filter's measurement z (axes) of a detection. */
  void measure(Detection d, double[] z);

  /** Footprint (4) of a state or measurement whose first {@code axes} entries are positions. */
  void footprint(double[] position, double[] out);

  /** Footprint (4) of a detection. */
  void footprint(Detection d, double[] out);

  /** Similarity in [0, 1] of two footprints: IoU for boxes, {@code max(0, 1 - distance / gate)} for points. */
  double similarity(double[] a, double[] b);

  /**
   * The footprint grown by {@code buffer} times its width on the left and on the right and by {@code buffer} times
   * its height at the top and at the bottom: C-BIoU's buffered box (Yang et al., "Hard to Track Objects with
   * Irregular Motions and Similar Appearances? Make It Easier by Buffering the Matching Space", WACV 2023, §3.2).
   * A point's footprint is returned unchanged (its similarity already has a gate).
   */
  void expand(double[] footprint, double buffer, double[] out);

  /**
   * How far apart, in pixels, two footprints may be and still have similarity above 0: 0 for boxes (they must
   * overlap), the gate for points.
   */
  double reach();

  /**
   * The axes whose velocity is zeroed before predicting a track that is not TRACKED, so a lost box does not shrink
   * or grow without evidence: the height for xyah (ByteTrack), width and height for xywh (BoT-SORT); none for
   * points.
   */
  int[] frozenVelocityAxes();

  /** Builds the published primitive from a footprint: exactly one of the two results is non-null. */
  Box box(double[] footprint);

  Point point(double[] footprint);

  /**
   * Boxes in ByteTrack's xyah or BoT-SORT's xywh parametrisation.
   *
   * @param widthState true for xywh (the filter's third axis is the width), false for xyah (the aspect ratio)
   */
  record Boxes(KalmanFilter filter, boolean widthState) implements Geometry {
    private static final int[] FROZEN_XYAH = {3};
    private static final int[] FROZEN_XYWH = {2, 3};

    /** ByteTrack's xyah boxes. */
    Boxes() { this(false); }

    Boxes(boolean widthState) { this(widthState ? KalmanFilter.xywh() : KalmanFilter.xyah(), widthState); }

    @Override
    public boolean accepts(Detection d) { return d.box() != null && d.box().width() > 0 && d.box().height() > 0; }

    @Override
    public void measure(Detection d, double[] z) {
      Box b = d.box();
      z[0] = b.centerX();
      z[1] = b.centerY();
      z[2] = widthState ? b.width() : b.width() / b.height();
      z[3] = b.height();
    }

    @Override
    public void footprint(double[] xyah, double[] out) { // xywh when widthState
      double h = Math.max(0, xyah[3]);
      double w = Math.max(0, widthState ? xyah[2] : xyah[2] * h);
      out[0] = xyah[0] - 0.5 * w;
      out[1] = xyah[1] - 0.5 * h;
      out[2] = xyah[0] + 0.5 * w;
      out[3] = xyah[1] + 0.5 * h;
    }

    @Override
    public void footprint(Detection d, double[] out) {
      Box b = d.box();
      out[0] = b.x1();
      out[1] = b.y1();
      out[2] = b.x2();
      out[3] = b.y2();
    }

    @Override
    public double similarity(double[] a, double[] b) {
      double iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
      double ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
      if (iw <= 0 || ih <= 0) return 0;
      double inter = iw * ih;
      double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
      return union <= 0 ? 0 : inter / union;
    }

    @Override
    public void expand(double[] f, double buffer, double[] out) {
      double bw = buffer * (f[2] - f[0]), bh = buffer * (f[3] - f[1]);
      out[0] = f[0] - bw;
      out[1] = f[1] - bh;
      out[2] = f[2] + bw;
      out[3] = f[3] + bh;
    }

    @Override
    public double reach() { return 0; }

    @Override
    public int[] frozenVelocityAxes() { return widthState ? FROZEN_XYWH : FROZEN_XYAH; }

    @Override
    public Box box(double[] f) { return new Box(f[0], f[1], f[2], f[3]); }

    @Override
    public Point point(double[] f) { return null; }
  }

  /** Points, gated by Euclidean distance. */
  record Points(KalmanFilter filter, double gate) implements Geometry {
    Points(double noiseScale, double gate) { this(KalmanFilter.xy(noiseScale), gate); }

    @Override
    public boolean accepts(Detection d) { return d.point() != null; }

    @Override
    public void measure(Detection d, double[] z) {
      z[0] = d.point().x();
      z[1] = d.point().y();
    }

    @Override
    public void footprint(double[] xy, double[] out) {
      out[0] = out[2] = xy[0];
      out[1] = out[3] = xy[1];
    }

    @Override
    public void footprint(Detection d, double[] out) {
      out[0] = out[2] = d.point().x();
      out[1] = out[3] = d.point().y();
    }

    @Override
    public double similarity(double[] a, double[] b) {
      return Math.max(0, 1 - Math.hypot(a[0] - b[0], a[1] - b[1]) / gate);
    }

    private static final int[] NONE = {};

    @Override
    public void expand(double[] f, double buffer, double[] out) { System.arraycopy(f, 0, out, 0, FOOTPRINT); }

    @Override
    public double reach() { return gate; }

    @Override
    public int[] frozenVelocityAxes() { return NONE; }

    @Override
    public Box box(double[] f) { return null; }

    @Override
    public Point point(double[] f) { return new Point(f[0], f[1]); }
  }
}
