package dev.glimpse.sim.render;

import java.util.Arrays;

/**
 * A triangle mesh in its own local frame (metres, y up). Each triangle has an albedo (0xRRGGBB) and a surface
 * pattern; shading is flat per triangle, two-sided (normals are flipped towards the camera when drawn).
 */
public final class Mesh {
  /** Surface patterns a triangle can carry; evaluated per pixel from its (u, v) in metres. */
  public static final byte PLAIN = 0, STRIPES = 1, SLATS = 2, PANELS = 3;

  float[] v = new float[96];      // (V, 3) xyz
  float[] uv = new float[64];     // (V, 2) surface coordinates in metres, for patterns
  int[] tri = new int[96];        // (T, 3) vertex indices
  int[] albedo = new int[32];     // (T)
  byte[] pattern = new byte[32];  // (T)
  int vertices, triangles;

  int addVertex(float x, float y, float z, float u, float w) {
    if (3 * vertices + 3 > v.length) {
      v = Arrays.copyOf(v, v.length * 2);
      uv = Arrays.copyOf(uv, uv.length * 2);
    }
    v[3 * vertices] = x;
    v[3 * vertices + 1] = y;
    v[3 * vertices + 2] = z;
    uv[2 * vertices] = u;
    uv[2 * vertices + 1] = w;
    return vertices++;
  }

  void addTriangle(int a, int b, int c, int rgb, byte pat) {
    if (3 * triangles + 3 > tri.length) {
      tri = Arrays.copyOf(tri, tri.length * 2);
      albedo = Arrays.copyOf(albedo, albedo.length * 2);
      pattern = Arrays.copyOf(pattern, pattern.length * 2);
    }
    tri[3 * triangles] = a;
    tri[3 * triangles + 1] = b;
    tri[3 * triangles + 2] = c;
    albedo[triangles] = rgb;
    pattern[triangles] = pat;
    triangles++;
  }

  public int vertexCount() { return vertices; }

  public int triangleCount() { return triangles; }

  /** Lowest y of any vertex (the model's footprint height). */
  public float minY() {
    float m = Float.POSITIVE_INFINITY;
    for (int i = 0; i < vertices; i++) m = Math.min(m, v[3 * i + 1]);
    return m;
  }

  /** Highest y of any vertex. */
  public float maxY() {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < vertices; i++) m = Math.max(m, v[3 * i + 1]);
    return m;
  }

  /** Largest horizontal distance of any vertex from the local origin (footprint radius). */
  public float radius() {
    float m = 0;
    for (int i = 0; i < vertices; i++) m = Math.max(m, (float) StrictMath.hypot(v[3 * i], v[3 * i + 2]));
    return m;
  }
}
