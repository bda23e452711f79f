package dev.glimpse.sim.render;

/** Appends primitive solids to a {@link Mesh}. All sizes in metres; y is up; solids are closed. */
public final class MeshBuilder {
  private final Mesh mesh = new Mesh();

  public Mesh build() { return mesh; }

  /** A quad a-b-c-d (any winding) with surface coordinates spanning (0,0)..(uLen,vLen). */
  public MeshBuilder quad(float[] a, float[] b, float[] c, float[] d, float uLen, float vLen, int rgb, byte pat) {
    int ia = mesh.addVertex(a[0], a[1], a[2], 0, 0);
    int ib = mesh.addVertex(b[0], b[1], b[2], uLen, 0);
    int ic = mesh.addVertex(c[0], c[1], c[2], uLen, vLen);
    int id = mesh.addVertex(d[0], d[1], d[2], 0, vLen);
    mesh.addTriangle(ia, ib, ic, rgb, pat);
    mesh.addTriangle(ia, ic, id, rgb, pat);
    return this;
  }

  /** An axis-aligned box centred at (cx, cy, cz) with full sizes (sx, sy, sz). */
  public MeshBuilder box(float cx, float cy, float cz, float sx, float sy, float sz, int rgb, byte pat) {
    float x0 = cx - sx / 2, x1 = cx + sx / 2, y0 = cy - sy / 2, y1 = cy + sy / 2, z0 = cz - sz / 2, z1 = cz + sz / 2;
    quad(p(x0, y0, z0), p(x1, y0, z0), p(x1, y1, z0), p(x0, y1, z0), sx, sy, rgb, pat); // -z face
    quad(p(x1, y0, z1), p(x0, y0, z1), p(x0, y1, z1), p(x1, y1, z1), sx, sy, rgb, pat); // +z
    quad(p(x0, y0, z1), p(x0, y0, z0), p(x0, y1, z0), p(x0, y1, z1), sz, sy, rgb, pat); // -x
    quad(p(x1, y0, z0), p(x1, y0, z1), p(x1, y1, z1), p(x1, y1, z0), sz, sy, rgb, pat); // +x
    quad(p(x0, y1, z0), p(x1, y1, z0), p(x1, y1, z1), p(x0, y1, z1), sx, sz, rgb, pat); // top
    quad(p(x0, y0, z1), p(x1, y0, z1), p(x1, y0, z0), p(x0, y0, z0), sx, sz, rgb, pat); // bottom
    return this;
  }

  /** A frustum (cylinder when r0 == r1, cone when r1 == 0) on the y axis at (cx, cz) from y0 to y1. */
  public MeshBuilder frustum(float cx, float y0, float cz, float r0, float y1, float r1, int segments, int rgb,
                             boolean caps) {
    int[] bottom = new int[segments], top = new int[segments];
    float circumference = (float) (Math.PI * (r0 + r1));
    for (int i = 0; i < segments; i++) {
      double a = 2 * Math.PI * i / segments;
      float c = (float) StrictMath.cos(a), s = (float) StrictMath.sin(a), u = circumference * i / segments;
      bottom[i] = mesh.addVertex(cx + r0 * c, y0, cz + r0 * s, u, 0);
      top[i] = mesh.addVertex(cx + r1 * c, y1, cz + r1 * s, u, y1 - y0);
    }
    for (int i = 0; i < segments; i++) {
      int j = (i + 1) % segments;
      mesh.addTriangle(bottom[i], bottom[j], top[j], rgb, Mesh.PLAIN);
      if (r1 > 0) mesh.addTriangle(bottom[i], top[j], top[i], rgb, Mesh.PLAIN);
    }
    if (caps) {
      int cb = mesh.addVertex(cx, y0, cz, 0, 0);
      for (int i = 0; i < segments; i++) mesh.addTriangle(cb, bottom[(i + 1) % segments], bottom[i], rgb, Mesh.PLAIN);
      if (r1 > 0) {
        int ct = mesh.addVertex(cx, y1, cz, 0, 0);
        for (int i = 0; i < segments; i++) mesh.addTriangle(ct, top[i], top[(i + 1) % segments], rgb, Mesh.PLAIN);
      }
    }
    return this;
  }

  /** A horizontal cylinder along x (a wheel), centred at (cx, cy, cz). */
  public MeshBuilder wheel(float cx, float cy, float cz, float r, float width, int segments, int rgb) {
    int[] a = new int[segments], b = new int[segments];
    for (int i = 0; i < segments; i++) {
      double t = 2 * Math.PI * i / segments;
      float y = cy + r * (float) StrictMath.cos(t), z = cz + r * (float) StrictMath.sin(t);
      a[i] = mesh.addVertex(cx - width / 2, y, z, 0, 0);
      b[i] = mesh.addVertex(cx + width / 2, y, z, 0, 0);
    }
    int ca = mesh.addVertex(cx - width / 2, cy, cz, 0, 0), cb = mesh.addVertex(cx + width / 2, cy, cz, 0, 0);
    for (int i = 0; i < segments; i++) {
      int j = (i + 1) % segments;
      mesh.addTriangle(a[i], a[j], b[j], rgb, Mesh.PLAIN);
      mesh.addTriangle(a[i], b[j], b[i], rgb, Mesh.PLAIN);
      mesh.addTriangle(ca, a[j], a[i], rgb, Mesh.PLAIN);
      mesh.addTriangle(cb, b[i], b[j], rgb, Mesh.PLAIN);
    }
    return this;
  }

  /** A UV sphere (ellipsoid when the radii differ) centred at (cx, cy, cz). */
  public MeshBuilder ellipsoid(float cx, float cy, float cz, float rx, float ry, float rz, int rings, int segments,
                               int rgb, byte pat) {
    int[][] idx = new int[rings + 1][segments];
    for (int r = 0; r <= rings; r++) {
      double phi = Math.PI * r / rings;
      float sy = (float) StrictMath.cos(phi), sr = (float) StrictMath.sin(phi);
      for (int s = 0; s < segments; s++) {
        double th = 2 * Math.PI * s / segments;
        idx[r][s] = mesh.addVertex(cx + rx * sr * (float) StrictMath.cos(th), cy + ry * sy, cz + rz * sr * (float) StrictMath.sin(th),
            (float) (th * rx), (float) (phi * ry));
      }
    }
    for (int r = 0; r < rings; r++) {
      for (int s = 0; s < segments; s++) {
        int t = (s + 1) % segments;
        if (r > 0) mesh.addTriangle(idx[r][s], idx[r][t], idx[r + 1][t], rgb, pat);
        if (r < rings - 1) mesh.addTriangle(idx[r][s], idx[r + 1][t], idx[r + 1][s], rgb, pat);
      }
    }
    return this;
  }

  static float[] p(float x, float y, float z) { return new float[] {x, y, z}; }
}
