package dev.glimpse.tracker;

/**
 * Constant-velocity Kalman filter with ByteTrack's noise model (Zhang et al., "ByteTrack: Multi-Object Tracking by
 * Associating Every Detection Box", ECCV 2022, arXiv:2110.06864, §3 and Algorithm 1: the Kalman filter of
 * SORT/DeepSORT predicts each track's box; the noise constants are those of ifzhang/ByteTrack @d1bf019
 * {@code yolox/tracker/kalman_filter.py}).
 *
 * <p><b>State.</b> For {@code n} measured axes the mean is {@code double[2n]} = positions then velocities. A box
 * uses ByteTrack's xyah parametrisation ({@link #xyah()}) or BoT-SORT's xywh ({@link #xywh()}), n = 4:
 * <pre>
 *   mean = [x, y, a, h, vx, vy, va, vh]     or     [x, y, w, h, vx, vy, vw, vh]
 *   x, y  box centre, pixels     a  aspect ratio width / height     w, h  width and height, pixels
 *   v*    their rates of change per nominal frame (1 / frameRate seconds)
 * </pre>
 * A point uses n = 2: {@code [x, y, vx, vy]}. The measurement is the position part, observed directly (H = [I 0]).
 *
 * <p><b>Why the covariance is stored as 2×2 blocks.</b> ByteTrack's transition F, process noise Q, measurement
 * noise R and initial covariance P0 are all block-diagonal per axis (position and its velocity), so the full
 * (2n, 2n) covariance never couples two axes: the 8×8 filter is exactly n independent 1-D constant-velocity
 * filters. The covariance is kept as {@code double[3n]}: for axis i, {@code [3i] = Var(pos)},
 * {@code [3i+1] = Cov(pos, vel)}, {@code [3i+2] = Var(vel)}. {@code KalmanFilterTest} checks this against a
 * dense 8×8 filter.
 *
 * <p><b>Noise model.</b> Standard deviations are proportional to a per-axis scale s with weights σp = 1/20 and
 * σv = 1/160, except for xyah's aspect ratio, which uses fixed values:
 * <pre>
 *   initial      pos 2·σp·s (a: 1e-2)   vel 10·σv·s (a: 1e-5)
 *   process      pos σp·s   (a: 1e-2)   vel σv·s    (a: 1e-5)     per nominal frame; variance × dt
 *   measurement  σp·s       (a: 1e-1)
 * </pre>
 * xyah scales every axis by the height h (ByteTrack). xywh scales x and w by the width and y and h by the height
 * (BoT-SORT, Aharon et al., arXiv:2206.14651, §3.1, NirAharon/BoT-SORT @2519854 {@code kalman_filter.py}): the
 * width then has its own noise, proportional to itself, instead of an aspect ratio that ByteTrack's constants
 * hold almost fixed. Points scale both axes by a configured object size. In {@code predict} s is read from the
 * mean before the motion step; in {@code update}, from the predicted mean, as ByteTrack does. With dt = 1 the
 * filter is ByteTrack's (or BoT-SORT's) exactly; other dt (from stamps) scale the transition and the process
 * variance.
 */
public final class KalmanFilter {

  /** σp: position noise per unit of scale (ByteTrack {@code _std_weight_position}). */
  public static final double STD_WEIGHT_POSITION = 1.0 / 20;
  /** σv: velocity noise per unit of scale (ByteTrack {@code _std_weight_velocity}). */
  public static final double STD_WEIGHT_VELOCITY = 1.0 / 160;

  private final int axes;
  private final int[] scaleAxis; // (axes) axis whose mean is the scale s of this axis' noise, or -1: fixedScale
  private final double fixedScale;
  private final boolean[] scaled; // (axes) std = weight * s when true, else the fixed constants below
  private final double[] fixedInitPos, fixedInitVel, fixedProcPos, fixedProcVel, fixedMeas; // (axes)

  private KalmanFilter(int axes, int[] scaleAxis, double fixedScale, boolean[] scaled, double[] initPos,
                       double[] initVel, double[] procPos, double[] procVel, double[] meas) {
    this.axes = axes;
    this.scaleAxis = scaleAxis;
    this.fixedScale = fixedScale;
    this.scaled = scaled;
    this.fixedInitPos = initPos;
    this.fixedInitVel = initVel;
    this.fixedProcPos = procPos;
    this.fixedProcVel = procVel;
    this.fixedMeas = meas;
  }

  /** ByteTrack's box filter: axes (x, y, a, h), every scaled axis by h. */
  public static KalmanFilter xyah() {
    boolean[] scaled = {true, true, false, true};
    return new KalmanFilter(4, new int[] {3, 3, -1, 3}, Double.NaN, scaled, new double[] {0, 0, 1e-2, 0},
        new double[] {0, 0, 1e-5, 0}, new double[] {0, 0, 1e-2, 0}, new double[] {0, 0, 1e-5, 0},
        new double[] {0, 0, 1e-1, 0});
  }

  /** BoT-SORT's box filter: axes (x, y, w, h); x and w scaled by w, y and h by h. */
  public static KalmanFilter xywh() {
    double[] zero = new double[4];
    return new KalmanFilter(4, new int[] {2, 3, 2, 3}, Double.NaN, new boolean[] {true, true, true, true}, zero,
        zero, zero, zero, zero);
  }

  /** A point filter: axes (x, y), with the box noise weights scaled by a fixed object size in pixels. */
  public static KalmanFilter xy(double scalePixels) {
    if (!(scalePixels > 0)) throw new IllegalArgumentException("scale must be > 0: " + scalePixels);
    double[] zero = new double[2];
    return new KalmanFilter(2, new int[] {-1, -1}, scalePixels, new boolean[] {true, true}, zero, zero, zero, zero,
        zero);
  }

  /** n, the number of measured axes; the mean has 2n entries and the covariance 3n. */
  public int axes() { return axes; }

  /** s for the noise model of axis i: the current height or width for boxes, the fixed size for points. */
  private double scale(double[] mean, int i) { return scaleAxis[i] < 0 ? fixedScale : mean[scaleAxis[i]]; }

  /** The measurement noise standard deviation of axis i for a state with this mean (pixels for scaled axes). */
  double measurementStd(double[] mean, int i) { return std(i, STD_WEIGHT_POSITION, scale(mean, i), fixedMeas); }

  /** Every axis' scale, read before the mean changes (xywh's x reads w, which the loop would update first). */
  private double[] scales(double[] mean) {
    double[] s = new double[axes];
    for (int i = 0; i < axes; i++) s[i] = scale(mean, i);
    return s;
  }

  private double std(int axis, double weight, double s, double[] fixed) {
    return scaled[axis] ? weight * s : fixed[axis];
  }

  /**
   * Starts a track from its first measurement: position = z, velocity = 0.
   *
   * @param z    (n) measurement
   * @param mean (2n) output
   * @param cov  (3n) output, per-axis blocks
   */
  public void initiate(double[] z, double[] mean, double[] cov) {
    for (int i = 0; i < axes; i++) {
      double s = scale(z, i);
      mean[i] = z[i];
      mean[axes + i] = 0;
      double sp = std(i, 2 * STD_WEIGHT_POSITION, s, fixedInitPos);
      double sv = std(i, 10 * STD_WEIGHT_VELOCITY, s, fixedInitVel);
      cov[3 * i] = sp * sp;
      cov[3 * i + 1] = 0;
      cov[3 * i + 2] = sv * sv;
    }
  }

  /**
   * Prediction step x ← F x, P ← F P Fᵀ + Q·dt with F = [[1, dt], [0, 1]] per axis.
   *
   * @param mean (2n) in place
   * @param cov  (3n) in place
   * @param dt   elapsed time in nominal frames, ≥ 0
   */
  public void predict(double[] mean, double[] cov, double dt) {
    double[] s = scales(mean);
    for (int i = 0; i < axes; i++) {
      double sp = std(i, STD_WEIGHT_POSITION, s[i], fixedProcPos);
      double sv = std(i, STD_WEIGHT_VELOCITY, s[i], fixedProcVel);
      mean[i] += dt * mean[axes + i];
      double pp = cov[3 * i], pv = cov[3 * i + 1], vv = cov[3 * i + 2];
      cov[3 * i] = pp + 2 * dt * pv + dt * dt * vv + sp * sp * dt;
      cov[3 * i + 1] = pv + dt * vv;
      cov[3 * i + 2] = vv + sv * sv * dt;
    }
  }

  /**
   * Correction step with measurement z: K = P Hᵀ (H P Hᵀ + R)⁻¹, x ← x + K (z − H x), P ← (I − K H) P.
   *
   * @param mean (2n) in place
   * @param cov  (3n) in place
   * @param z    (n) measurement
   */
  public void update(double[] mean, double[] cov, double[] z) {
    double[] s = scales(mean);
    for (int i = 0; i < axes; i++) {
      double sr = std(i, STD_WEIGHT_POSITION, s[i], fixedMeas);
      double pp = cov[3 * i], pv = cov[3 * i + 1], vv = cov[3 * i + 2];
      double innovationVar = pp + sr * sr;
      double kp = pp / innovationVar;
      double kv = pv / innovationVar;
      double innovation = z[i] - mean[i];
      mean[i] += kp * innovation;
      mean[axes + i] += kv * innovation;
      cov[3 * i] = pp - kp * pp;
      cov[3 * i + 1] = pv - kp * pv;
      cov[3 * i + 2] = vv - kv * pv;
    }
  }
}
