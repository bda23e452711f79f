package dev.glimpse.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-axis filter against a dense (8, 8) filter written the textbook way with ByteTrack's matrices
 * (kalman_filter.py @d1bf019): F = [[I, dt·I], [0, I]], H = [I 0], diagonal Q, R and P0; and with BoT-SORT's
 * xywh matrices (x and w scaled by the width, y and h by the height).
 */
class KalmanFilterTest {

  @Test
  void blockFilterEqualsDenseReference() { blockFilterEqualsDense(false); }

  @Test
  void xywhBlockFilterEqualsDenseReference() { blockFilterEqualsDense(true); }

  private static void blockFilterEqualsDense(boolean xywh) {
    Random rng = new Random(3);
    KalmanFilter kf = xywh ? KalmanFilter.xywh() : KalmanFilter.xyah();
    double third = xywh ? 60 : 0.5; // width or aspect ratio
    double[] z0 = {320, 240, third, 120};
    double[] mean = new double[8];
    double[] cov = new double[12];
    kf.initiate(z0, mean, cov);
    Dense ref = Dense.initiate(z0, xywh);
    for (int step = 0; step < 40; step++) {
      double dt = step % 7 == 3 ? 2.5 : 1.0;
      kf.predict(mean, cov, dt);
      ref.predict(dt);
      assertClose(ref, mean, cov, "predict " + step);
      if (step % 5 == 4) continue; // a missed frame
      double[] z = {320 + 4 * step + rng.nextGaussian() * 3, 240 - 2 * step + rng.nextGaussian() * 3,
          third * (1 + rng.nextGaussian() * 0.04), 120 + step + rng.nextGaussian() * 2};
      kf.update(mean, cov, z);
      ref.update(z);
      assertClose(ref, mean, cov, "update " + step);
    }
    assertEquals(4, mean[4], 0.5, "vx converges to 4 px/frame");
    assertEquals(-2, mean[5], 0.5, "vy converges to -2 px/frame");
  }

  private static void assertClose(Dense ref, double[] mean, double[] cov, String where) {
    for (int i = 0; i < 8; i++) assertEquals(ref.x[i], mean[i], 1e-9 * (1 + Math.abs(ref.x[i])), where + " mean " + i);
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        int ai = i % 4, aj = j % 4;
        double expected = ref.p[i][j];
        double got;
        if (ai != aj) {
          got = 0; // axes never couple
        } else if (i < 4 && j < 4) {
          got = cov[3 * ai];
        } else if (i >= 4 && j >= 4) {
          got = cov[3 * ai + 2];
        } else {
          got = cov[3 * ai + 1];
        }
        assertEquals(expected, got, 1e-9 * (1 + Math.abs(expected)), where + " cov " + i + "," + j);
      }
    }
  }

  /** Textbook dense Kalman filter, plain loops. */
  private static final class Dense {
    final double[] x = new double[8];
    double[][] p = new double[8][8];
    boolean xywh;

    static Dense initiate(double[] z, boolean xywh) {
      Dense d = new Dense();
      d.xywh = xywh;
      System.arraycopy(z, 0, d.x, 0, 4);
      double h = z[3], w = z[2], wp = 1.0 / 20, wv = 1.0 / 160;
      double[] std = xywh
          ? new double[] {2 * wp * w, 2 * wp * h, 2 * wp * w, 2 * wp * h,
              10 * wv * w, 10 * wv * h, 10 * wv * w, 10 * wv * h}
          : new double[] {2 * wp * h, 2 * wp * h, 1e-2, 2 * wp * h, 10 * wv * h, 10 * wv * h, 1e-5, 10 * wv * h};
      for (int i = 0; i < 8; i++) d.p[i][i] = std[i] * std[i];
      return d;
    }

    void predict(double dt) {
      double h = x[3], w = x[2], wp = 1.0 / 20, wv = 1.0 / 160;
      double[] std = xywh
          ? new double[] {wp * w, wp * h, wp * w, wp * h, wv * w, wv * h, wv * w, wv * h}
          : new double[] {wp * h, wp * h, 1e-2, wp * h, wv * h, wv * h, 1e-5, wv * h};
      double[][] f = identity();
      for (int i = 0; i < 4; i++) f[i][4 + i] = dt;
      double[] nx = new double[8];
      for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) nx[i] += f[i][j] * x[j];
      System.arraycopy(nx, 0, x, 0, 8);
      p = mul(mul(f, p), transpose(f));
      for (int i = 0; i < 8; i++) p[i][i] += std[i] * std[i] * dt;
    }

    void update(double[] z) {
      double h = x[3], w = x[2], wp = 1.0 / 20;
      double[] std = xywh ? new double[] {wp * w, wp * h, wp * w, wp * h} : new double[] {wp * h, wp * h, 1e-1, wp * h};
      // S = H P Hᵀ + R is the top-left (4, 4) block plus R; K = P Hᵀ S⁻¹ = P[:, :4] S⁻¹.
      double[][] s = new double[4][4];
      for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) s[i][j] = p[i][j] + (i == j ? std[i] * std[i] : 0);
      double[][] sInv = invert4(s);
      double[][] k = new double[8][4];
      for (int i = 0; i < 8; i++) for (int j = 0; j < 4; j++) for (int m = 0; m < 4; m++) k[i][j] += p[i][m] * sInv[m][j];
      double[] innovation = new double[4];
      for (int i = 0; i < 4; i++) innovation[i] = z[i] - x[i];
      for (int i = 0; i < 8; i++) for (int j = 0; j < 4; j++) x[i] += k[i][j] * innovation[j];
      double[][] kh = new double[8][8];
      for (int i = 0; i < 8; i++) for (int j = 0; j < 4; j++) kh[i][j] = k[i][j];
      double[][] ikh = identity();
      for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) ikh[i][j] -= kh[i][j];
      p = mul(ikh, p);
    }

    static double[][] identity() {
      double[][] m = new double[8][8];
      for (int i = 0; i < 8; i++) m[i][i] = 1;
      return m;
    }

    static double[][] mul(double[][] a, double[][] b) {
      double[][] c = new double[a.length][b[0].length];
      for (int i = 0; i < a.length; i++) for (int j = 0; j < b[0].length; j++) for (int m = 0; m < b.length; m++) c[i][j] += a[i][m] * b[m][j];
      return c;
    }

    static double[][] transpose(double[][] a) {
      double[][] t = new double[a[0].length][a.length];
      for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
      return t;
    }

    /** Gauss-Jordan inverse of a (4, 4) symmetric positive definite matrix. */
    static double[][] invert4(double[][] s) {
      int n = 4;
      double[][] a = new double[n][2 * n];
      for (int i = 0; i < n; i++) {
        System.arraycopy(s[i], 0, a[i], 0, n);
        a[i][n + i] = 1;
      }
      for (int c = 0; c < n; c++) {
        double pivot = a[c][c];
        for (int j = 0; j < 2 * n; j++) a[c][j] /= pivot;
        for (int r = 0; r < n; r++) {
          if (r == c) continue;
          double f = a[r][c];
          for (int j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
        }
      }
      double[][] inv = new double[n][n];
      for (int i = 0; i < n; i++) System.arraycopy(a[i], n, inv[i], 0, n);
      return inv;
    }
  }
}
