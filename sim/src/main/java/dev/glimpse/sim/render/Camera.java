package dev.glimpse.sim.render;

/**
 * A pinhole camera with no roll: position (metres, y up), yaw (radians about +y; 0 looks along +z, positive turns
 * towards +x) and pitch (radians, positive looks down), horizontal field of view, square pixels.
 * Camera space: x right, y up, z forward (depth).
 */
public final class Camera {
  public final int width, height;
  public final float focal; // pixels
  float px, py, pz;
  // basis: right r, up u, forward f (world coordinates)
  float rx, rz, ux, uy, uz, fx, fy, fz;

  public Camera(int width, int height, double hfovRadians) {
    this.width = width;
    this.height = height;
    this.focal = (float) ((width / 2.0) / StrictMath.tan(hfovRadians / 2));
  }

  /** Places the camera. */
  public void pose(double x, double y, double z, double yaw, double pitch) {
    px = (float) x;
    py = (float) y;
    pz = (float) z;
    float sy = (float) StrictMath.sin(yaw), cy = (float) StrictMath.cos(yaw), sp = (float) StrictMath.sin(pitch), cp = (float) StrictMath.cos(pitch);
    fx = sy * cp;
    fy = -sp;
    fz = cy * cp;
    rx = cy;
    rz = -sy;
    // u = f × r, with r = (rx, 0, rz)
    ux = fy * rz;
    uy = fz * rx - fx * rz;
    uz = -fy * rx;
  }

  public float x() { return px; }

  public float y() { return py; }

  public float z() { return pz; }

  /** World point → camera space, written to out[o..o+2]. */
  void toCamera(float wx, float wy, float wz, float[] out, int o) {
    float dx = wx - px, dy = wy - py, dz = wz - pz;
    out[o] = dx * rx + dz * rz;
    out[o + 1] = dx * ux + dy * uy + dz * uz;
    out[o + 2] = dx * fx + dy * fy + dz * fz;
  }

  /** Screen x of a camera-space point (pixel units, 0 = left edge). */
  float screenX(float cx, float cz) { return width * 0.5f + focal * cx / cz; }

  /** Screen y of a camera-space point (0 = top edge). */
  float screenY(float cy, float cz) { return height * 0.5f - focal * cy / cz; }

  /**
   * World direction of the ray through pixel-space (sx, sy), unnormalised with camera-space z = 1,
   * written to out[0..2].
   */
  void ray(float sx, float sy, float[] out) {
    float xn = (sx - width * 0.5f) / focal, yn = -(sy - height * 0.5f) / focal;
    out[0] = rx * xn + ux * yn + fx;
    out[1] = uy * yn + fy;
    out[2] = rz * xn + uz * yn + fz;
  }

  /** Projects a world point to pixels; returns null when it is behind the camera. */
  public double[] project(double wx, double wy, double wz) {
    float[] c = new float[3];
    toCamera((float) wx, (float) wy, (float) wz, c, 0);
    if (c[2] <= 1e-4f) return null;
    return new double[] {screenX(c[0], c[2]), screenY(c[1], c[2]), c[2]};
  }
}
