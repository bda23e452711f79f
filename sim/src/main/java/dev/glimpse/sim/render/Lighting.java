package dev.glimpse.sim.render;

/**
 * Ambient + one directional light (the sun or a ceiling fixture) + a sky/hemisphere term, with a colour tint.
 * {@link #prepare(Camera)} must be called after the camera moves: shading works in camera space.
 */
public final class Lighting {
  float ambient = 0.45f, diffuse = 0.6f, sky = 0.12f;
  float tintR = 1, tintG = 1, tintB = 1;
  private float sunX = 0.3f, sunY = 0.8f, sunZ = 0.5f; // world, unit, pointing towards the light
  private float sunCx, sunCy, sunCz, upCx, upCy, upCz;  // the same in camera space

  /** Sets the light; {@code azimuth} about +y, {@code elevation} above the horizon, both radians. */
  public void set(float ambient, float diffuse, float sky, double azimuth, double elevation, float r, float g, float b) {
    this.ambient = ambient;
    this.diffuse = diffuse;
    this.sky = sky;
    sunX = (float) (StrictMath.cos(elevation) * StrictMath.sin(azimuth));
    sunY = (float) StrictMath.sin(elevation);
    sunZ = (float) (StrictMath.cos(elevation) * StrictMath.cos(azimuth));
    tintR = r;
    tintG = g;
    tintB = b;
  }

  /** World direction towards the light (x, z) on the ground plane, used to offset contact shadows. */
  public float sunGroundX() { return sunX; }

  public float sunGroundZ() { return sunZ; }

  public float sunElevationSin() { return sunY; }

  public void prepare(Camera c) {
    sunCx = sunX * c.rx + sunZ * c.rz;
    sunCy = sunX * c.ux + sunY * c.uy + sunZ * c.uz;
    sunCz = sunX * c.fx + sunY * c.fy + sunZ * c.fz;
    upCx = 0;
    upCy = c.uy;
    upCz = c.fy;
  }

  /** Colour of a flat triangle with camera-space vertices at v[a], v[b], v[c]. */
  int shade(int albedo, float[] v, int a, int b, int c, Camera cam) {
    float e1x = v[b] - v[a], e1y = v[b + 1] - v[a + 1], e1z = v[b + 2] - v[a + 2];
    float e2x = v[c] - v[a], e2y = v[c + 1] - v[a + 1], e2z = v[c + 2] - v[a + 2];
    float nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
    float len = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
    if (len < 1e-12f) return scaleTint(albedo, ambient);
    nx /= len;
    ny /= len;
    nz /= len;
    if (nx * v[a] + ny * v[a + 1] + nz * v[a + 2] > 0) { // face the camera (at the origin)
      nx = -nx;
      ny = -ny;
      nz = -nz;
    }
    float lambert = Math.max(0, nx * sunCx + ny * sunCy + nz * sunCz);
    float up = nx * upCx + ny * upCy + nz * upCz;
    return scaleTint(albedo, ambient + diffuse * lambert + sky * up);
  }

  /** Albedo × intensity × light tint, clamped. */
  int scaleTint(int rgb, float f) {
    int r = clamp(((rgb >> 16) & 255) * f * tintR), g = clamp(((rgb >> 8) & 255) * f * tintG), b = clamp((rgb & 255) * f * tintB);
    return (r << 16) | (g << 8) | b;
  }

  static int scale(int rgb, float f) {
    int r = clamp(((rgb >> 16) & 255) * f), g = clamp(((rgb >> 8) & 255) * f), b = clamp((rgb & 255) * f);
    return (r << 16) | (g << 8) | b;
  }

  static int clamp(float x) { return x <= 0 ? 0 : x >= 255 ? 255 : (int) (x + 0.5f); }
}
