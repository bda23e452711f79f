package dev.glimpse.sim.render;

import dev.glimpse.sim.scene.Room;
import java.util.SplittableRandom;

/**
 * Fills every pixel with the ground plane (below the horizon) and the ceiling or sky (above it), with depth.
 * With no camera roll, each image row meets the ground at one depth and the hit point moves linearly along the
 * row, so the pass costs a few multiply-adds per pixel.
 */
public final class Background {
  private static final int N = 256, MASK = N - 1;
  private static final int PAINT = 0xD6D4CC; // road markings
  private final float[] noise = new float[N * N]; // (256, 256) smooth value noise in [0, 1]
  private final float[] ray = new float[3], ray2 = new float[3];
  private final int[] palette = new int[257];

  public Background() {
    SplittableRandom rng = new SplittableRandom(0x5EED); // texture content, identical for every scene
    float[] coarse = new float[16 * 16];
    for (int i = 0; i < coarse.length; i++) coarse[i] = (float) rng.nextDouble();
    for (int y = 0; y < N; y++) {
      for (int x = 0; x < N; x++) {
        float gx = x / 16f, gy = y / 16f;
        int x0 = (int) gx, y0 = (int) gy;
        float fx = smooth(gx - x0), fy = smooth(gy - y0);
        float a = coarse[(y0 & 15) * 16 + (x0 & 15)], b = coarse[(y0 & 15) * 16 + ((x0 + 1) & 15)];
        float c = coarse[((y0 + 1) & 15) * 16 + (x0 & 15)], d = coarse[((y0 + 1) & 15) * 16 + ((x0 + 1) & 15)];
        float low = a + (b - a) * fx, high = c + (d - c) * fx;
        noise[y * N + x] = 0.6f * (low + (high - low) * fy) + 0.4f * (float) rng.nextDouble();
      }
    }
  }

  /** Draws the background of {@code room} seen by the rasterizer's camera, lit by {@code light}. */
  public void draw(Rasterizer r, Room room, Lighting light) {
    Camera cam = r.camera();
    int w = r.width, h = r.height;
    // lit ground colours for pattern values 0..255 (index 256 = road paint), built once per frame
    float groundLight = light.ambient + light.diffuse * Math.max(0, light.sunElevationSin()) + light.sky;
    for (int i = 0; i < 256; i++) palette[i] = light.scaleTint(lerp(room.groundRgb2, room.groundRgb, i / 255f), groundLight);
    palette[256] = light.scaleTint(PAINT, groundLight);
    float ceilLight = 0.9f;
    int ceilLamp = light.scaleTint(Lighting.scale(room.ceilingRgb, 1.25f), ceilLight);
    int ceilGrid = light.scaleTint(Lighting.scale(room.ceilingRgb, 0.75f), ceilLight);
    int ceilPanel = light.scaleTint(Lighting.scale(room.ceilingRgb, 0.95f), ceilLight);
    for (int y = 0; y < h; y++) {
      cam.ray(0.5f, y + 0.5f, ray);
      cam.ray(w - 0.5f, y + 0.5f, ray2);
      float dy = ray[1];
      int row = y * w;
      float stepX = (ray2[0] - ray[0]) / Math.max(1, w - 1), stepZ = (ray2[2] - ray[2]) / Math.max(1, w - 1);
      if (dy < -1e-5f) {
        float t = -cam.py / dy; // camera-space depth of this row's ground hit
        float gx = cam.px + t * ray[0], gz = cam.pz + t * ray[2];
        groundRow(r.color, row, w, room.ground, gx, gz, t * stepX, t * stepZ, 1f / (1f + t / 10f));
        java.util.Arrays.fill(r.invDepth, row, row + w, 1f / t);
      } else if (!room.outdoor && dy > 1e-5f) {
        float t = (room.wallHeight - cam.py) / dy;
        float gx = cam.px + t * ray[0], gz = cam.pz + t * ray[2], sx = t * stepX, sz = t * stepZ;
        for (int x = 0; x < w; x++, gx += sx, gz += sz) {
          float u = (gx + 1024f) / 0.6f, v = (gz + 1024f) / 0.6f;
          int iu = (int) u, iv = (int) v;
          r.color[row + x] = iu % 4 == 1 && iv % 4 == 1 ? ceilLamp : (u - iu < 0.04f || v - iv < 0.04f) ? ceilGrid : ceilPanel;
        }
        java.util.Arrays.fill(r.invDepth, row, row + w, 1f / t);
      } else {
        // sky: gradient from the horizon colour to the zenith colour with elevation
        float len = (float) Math.sqrt(ray[0] * ray[0] + dy * dy + ray[2] * ray[2]);
        float e = Math.max(0, Math.min(1, dy / len * 2.5f));
        java.util.Arrays.fill(r.color, row, row + w, lerp(room.horizonRgb, room.skyRgb, e));
        java.util.Arrays.fill(r.invDepth, row, row + w, 1e-6f);
      }
    }
  }

  /**
   * One row of ground: world hit (gx, gz) moving by (sx, sz) per pixel; pattern contrast fades with distance
   * (a cheap stand-in for mip-mapping).
   */
  private void groundRow(int[] color, int row, int w, Room.Ground g, float gx, float gz, float sx, float sz, float contrast) {
    float c255 = 255f * contrast, base = 127.5f * (1 - contrast);
    for (int x = 0; x < w; x++, gx += sx, gz += sz) {
      float v = ground(g, gx, gz);
      color[row + x] = v < 0 ? palette[256] : palette[Math.min(255, (int) (base + c255 * Math.min(1f, v)))];
    }
  }

  /** Ground pattern value in [0, 1] (0 = second tone, 1 = base tone) at world (x, z); negative = paint. */
  private float ground(Room.Ground g, float x, float z) {
    switch (g) {
      case TILES: {
        float u = (x + 1024f) / 0.5f, v = (z + 1024f) / 0.5f;
        int iu = (int) u, iv = (int) v;
        if (u - iu < 0.05f || v - iv < 0.05f) return 0.1f;
        return 0.75f + 0.25f * noise[((iv * 7) & MASK) * N + ((iu * 13) & MASK)];
      }
      case WOOD: {
        float v = (z + 1024f) / 0.14f;
        int plank = (int) v;
        float u = (x + 1024f + (plank * 0.53f) % 1.2f) / 1.2f;
        if (v - plank < 0.06f || u - (int) u < 0.01f) return 0.05f;
        float grain = noise[((int) (v * 24f) & MASK) * N + ((int) (u * 6f) & MASK)];
        return 0.35f + 0.35f * noise[((plank * 31) & MASK) * N + ((int) u * 17 & MASK)] + 0.3f * grain;
      }
      case ASPHALT: {
        float u = (x + 1024f) / 2.6f;
        if (u - (int) u < 0.04f && ((int) ((z + 1024f) / 5f) & 1) == 0) return -1f; // painted parking lines
        return sample(x * 9f, z * 9f) * 0.6f + sample(x * 40f, z * 40f) * 0.4f;
      }
      case GRASS:
        return sample(x * 3f, z * 3f) * 0.5f + sample(x * 30f, z * 30f) * 0.5f;
      case CARPET:
        return 0.3f + 0.4f * sample(x * 50f, z * 50f) + 0.3f * sample(x * 2f, z * 2f);
      case CONCRETE:
      default: {
        float u = (x + 1024f) / 3f, v = (z + 1024f) / 3f;
        if (u - (int) u < 0.006f || v - (int) v < 0.006f) return 0.0f;
        return 0.4f * sample(x * 1.5f, z * 1.5f) + 0.6f * sample(x * 20f, z * 20f);
      }
    }
  }

  private float sample(float x, float z) {
    return noise[(((int) (z + 65536f)) & MASK) * N + (((int) (x + 65536f)) & MASK)];
  }

  private static float smooth(float t) { return t * t * (3 - 2 * t); }

  /** Per-channel a + (b − a)·t, t may exceed 1 (brighter than b, clamped). */
  static int lerp(int a, int b, float t) {
    int ar = (a >> 16) & 255, ag = (a >> 8) & 255, ab = a & 255;
    int r = Lighting.clamp(ar + (((b >> 16) & 255) - ar) * t);
    int g = Lighting.clamp(ag + (((b >> 8) & 255) - ag) * t);
    int bl = Lighting.clamp(ab + ((b & 255) - ab) * t);
    return (r << 16) | (g << 8) | bl;
  }
}
