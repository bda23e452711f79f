package dev.glimpse.sim.render;

import java.util.Arrays;

/**
 * Scanline-free triangle rasterizer with an inverse-depth buffer and an object-id buffer.
 * Buffers are (H·W) row-major; {@code invDepth} holds 1/z of the nearest surface (0 = nothing drawn),
 * {@code id} the labelled object id of that surface (0 = unlabelled: ground, walls, clutter).
 * Flat shading per triangle: ambient + Lambert towards the sun + a sky term, two-sided.
 */
public final class Rasterizer {
  static final float NEAR = 0.05f;

  public final int width, height;
  public final int[] color;      // (H·W) 0xRRGGBB
  public final float[] invDepth; // (H·W) 1/z, 0 = empty
  public final int[] id;         // (H·W) labelled object id, 0 = none
  private final Camera cam;
  private final Lighting light = new Lighting();
  private float[] camVerts = new float[3 * 512]; // (V, 3) camera-space vertices of the part being drawn
  private final float[] clip = new float[5 * 5 * 2]; // polygon after near clipping, (≤5 verts, x y z u v)
  private final float[] scr = new float[5 * 5];      // projected polygon: sx sy invz u/z v/z

  // per-triangle state shared by the scan loop (avoids allocation)
  private int triRgb;
  private byte triPattern;
  private int triId;
  private int mode; // 0 = draw, 1 = silhouette count, 2 = shadow decal
  private int[] stamp;
  private int mark, counted;
  private float shadowFactor;

  public Rasterizer(Camera cam) {
    this.cam = cam;
    this.width = cam.width;
    this.height = cam.height;
    color = new int[width * height];
    invDepth = new float[width * height];
    id = new int[width * height];
  }

  public Camera camera() { return cam; }

  public Lighting lighting() { return light; }

  /** Resets the ids (colour and depth are overwritten by the background pass, which covers every pixel). */
  public void clear() {
    Arrays.fill(id, 0);
  }

  /** Draws a model at a pose; pixels it wins are labelled {@code objectId} (0 = unlabelled). */
  public void draw(Model model, Pose pose, int objectId) {
    mode = 0;
    triId = objectId;
    emit(model, pose);
  }

  /**
   * Counts the pixels the model would cover on its own (its silhouette inside the image), ignoring every other
   * surface. {@code stamp} is a (H·W) scratch buffer; {@code mark} must differ from any value already in it.
   */
  public int silhouette(Model model, Pose pose, int[] stamp, int mark) {
    mode = 1;
    this.stamp = stamp;
    this.mark = mark;
    counted = 0;
    emit(model, pose);
    return counted;
  }

  /** Darkens ground pixels under a flat polygon at height y (a soft contact shadow). */
  public void shadow(float cx, float cz, float rx, float rz, float yaw, float factor) {
    mode = 2;
    shadowFactor = factor;
    int n = 12;
    float cy = 0.004f, s = (float) StrictMath.sin(yaw), c = (float) StrictMath.cos(yaw);
    float[] ring = new float[3 * n];
    for (int i = 0; i < n; i++) {
      double a = 2 * Math.PI * i / n;
      float lx = rx * (float) StrictMath.cos(a), lz = rz * (float) StrictMath.sin(a);
      cam.toCamera(cx + lx * c + lz * s, cy, cz - lx * s + lz * c, ring, 3 * i);
    }
    float[] centre = new float[3];
    cam.toCamera(cx, cy, cz, centre, 0);
    for (int i = 0; i < n; i++) {
      int j = (i + 1) % n;
      triangle(centre, 0, ring, 3 * i, ring, 3 * j, null, 0, 0, 0);
    }
  }

  private void emit(Model model, Pose pose) {
    float sy = (float) StrictMath.sin(pose.yaw), cy = (float) StrictMath.cos(pose.yaw);
    for (Model.Part part : model.parts()) {
      Mesh m = part.mesh();
      if (camVerts.length < 3 * m.vertices) camVerts = new float[3 * m.vertices];
      float a = Model.swing(part.joint(), pose.gaitPhase, pose.gaitAmplitude);
      float sa = (float) StrictMath.sin(a), ca = (float) StrictMath.cos(a), pivot = part.pivotY();
      for (int i = 0; i < m.vertices; i++) {
        float lx = m.v[3 * i], ly = m.v[3 * i + 1], lz = m.v[3 * i + 2];
        if (a != 0) {
          float dy = ly - pivot;
          ly = pivot + dy * ca - lz * sa;
          lz = dy * sa + lz * ca;
        }
        cam.toCamera(pose.x + lx * cy + lz * sy, pose.y + ly, pose.z - lx * sy + lz * cy, camVerts, 3 * i);
      }
      for (int t = 0; t < m.triangles; t++) {
        int ia = m.tri[3 * t], ib = m.tri[3 * t + 1], ic = m.tri[3 * t + 2];
        if (mode == 0) {
          triRgb = light.shade(m.albedo[t], camVerts, 3 * ia, 3 * ib, 3 * ic, cam);
          triPattern = m.pattern[t];
        }
        triangle(camVerts, 3 * ia, camVerts, 3 * ib, camVerts, 3 * ic, m.uv, ia, ib, ic);
      }
    }
  }

  /** Clips a camera-space triangle against the near plane and rasterizes the resulting polygon. */
  private void triangle(float[] va, int oa, float[] vb, int ob, float[] vc, int oc, float[] uv, int ia, int ib, int ic) {
    float za = va[oa + 2], zb = vb[ob + 2], zc = vc[oc + 2];
    if (za < NEAR && zb < NEAR && zc < NEAR) return;
    int n = 0;
    float[][] src = {va, vb, vc};
    int[] off = {oa, ob, oc};
    int[] uvi = {ia, ib, ic};
    for (int k = 0; k < 3; k++) {
      int j = (k + 1) % 3;
      float[] p = src[k], q = src[j];
      float zp = p[off[k] + 2], zq = q[off[j] + 2];
      float up = uv == null ? 0 : uv[2 * uvi[k]], vp = uv == null ? 0 : uv[2 * uvi[k] + 1];
      float uq = uv == null ? 0 : uv[2 * uvi[j]], vq = uv == null ? 0 : uv[2 * uvi[j] + 1];
      if (zp >= NEAR) n = put(n, p[off[k]], p[off[k] + 1], zp, up, vp);
      if ((zp >= NEAR) != (zq >= NEAR)) {
        float t = (NEAR - zp) / (zq - zp);
        n = put(n, p[off[k]] + t * (q[off[j]] - p[off[k]]), p[off[k] + 1] + t * (q[off[j] + 1] - p[off[k] + 1]), NEAR,
            up + t * (uq - up), vp + t * (vq - vp));
      }
    }
    for (int k = 0; k < n; k++) {
      float x = clip[5 * k], y = clip[5 * k + 1], z = clip[5 * k + 2], iz = 1f / z;
      scr[5 * k] = cam.screenX(x, z);
      scr[5 * k + 1] = cam.screenY(y, z);
      scr[5 * k + 2] = iz;
      scr[5 * k + 3] = clip[5 * k + 3] * iz;
      scr[5 * k + 4] = clip[5 * k + 4] * iz;
    }
    for (int k = 1; k + 1 < n; k++) scan(0, k, k + 1);
  }

  private int put(int n, float x, float y, float z, float u, float v) {
    clip[5 * n] = x;
    clip[5 * n + 1] = y;
    clip[5 * n + 2] = z;
    clip[5 * n + 3] = u;
    clip[5 * n + 4] = v;
    return n + 1;
  }

  /** Rasterizes the projected triangle (a, b, c) of {@link #scr}, pixel centres at (x+0.5, y+0.5). */
  private void scan(int a, int b, int c) {
    float ax = scr[5 * a], ay = scr[5 * a + 1], bx = scr[5 * b], by = scr[5 * b + 1], cx = scr[5 * c], cy = scr[5 * c + 1];
    float area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-6f) return;
    if (area < 0) { // make counter-clockwise in screen space
      int t = b;
      b = c;
      c = t;
      bx = scr[5 * b];
      by = scr[5 * b + 1];
      cx = scr[5 * c];
      cy = scr[5 * c + 1];
      area = -area;
    }
    int x0 = Math.max(0, (int) Math.floor(Math.min(ax, Math.min(bx, cx))));
    int x1 = Math.min(width - 1, (int) Math.ceil(Math.max(ax, Math.max(bx, cx))));
    int y0 = Math.max(0, (int) Math.floor(Math.min(ay, Math.min(by, cy))));
    int y1 = Math.min(height - 1, (int) Math.ceil(Math.max(ay, Math.max(by, cy))));
    if (x0 > x1 || y0 > y1) return;
    float inv = 1f / area;
    float iza = scr[5 * a + 2], izb = scr[5 * b + 2], izc = scr[5 * c + 2];
    boolean patterned = mode == 0 && triPattern != Mesh.PLAIN;
    float ua = scr[5 * a + 3], ub = scr[5 * b + 3], uc = scr[5 * c + 3];
    float va = scr[5 * a + 4], vb = scr[5 * b + 4], vc = scr[5 * c + 4];
    // edge functions w0 = E(b,c,p), w1 = E(c,a,p), w2 = E(a,b,p) and their x steps; 1/z, u/z, v/z are affine
    // in screen space, so they step by constants too
    float e0x = -(cy - by), e1x = -(ay - cy), e2x = -(by - ay);
    float izx = (e0x * iza + e1x * izb + e2x * izc) * inv;
    float uzx = (e0x * ua + e1x * ub + e2x * uc) * inv, vzx = (e0x * va + e1x * vb + e2x * vc) * inv;
    for (int y = y0; y <= y1; y++) {
      float py = y + 0.5f, px = x0 + 0.5f;
      float w0 = (cx - bx) * (py - by) - (cy - by) * (px - bx);
      float w1 = (ax - cx) * (py - cy) - (ay - cy) * (px - cx);
      float w2 = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
      // the span of this row where all three edge functions are ≥ 0
      float lo = x0, hi = x1;
      if (e0x > 0) lo = Math.max(lo, x0 - w0 / e0x); else if (e0x < 0) hi = Math.min(hi, x0 - w0 / e0x); else if (w0 < 0) continue;
      if (e1x > 0) lo = Math.max(lo, x0 - w1 / e1x); else if (e1x < 0) hi = Math.min(hi, x0 - w1 / e1x); else if (w1 < 0) continue;
      if (e2x > 0) lo = Math.max(lo, x0 - w2 / e2x); else if (e2x < 0) hi = Math.min(hi, x0 - w2 / e2x); else if (w2 < 0) continue;
      int xs = (int) Math.ceil(lo), xe = (int) Math.floor(hi);
      if (xs > xe) continue;
      int k = xs - x0;
      float iz = (w0 * iza + w1 * izb + w2 * izc) * inv + izx * k;
      float uz = (w0 * ua + w1 * ub + w2 * uc) * inv + uzx * k, vz = (w0 * va + w1 * vb + w2 * vc) * inv + vzx * k;
      int row = y * width;
      for (int x = xs; x <= xe; x++, iz += izx, uz += uzx, vz += vzx) {
        int p = row + x;
        if (mode == 1) {
          if (stamp[p] != mark) {
            stamp[p] = mark;
            counted++;
          }
          continue;
        }
        if (iz <= invDepth[p]) continue;
        if (mode == 2) {
          color[p] = Lighting.scale(color[p], shadowFactor);
          continue;
        }
        invDepth[p] = iz;
        id[p] = triId;
        color[p] = patterned ? Lighting.scale(triRgb, Patterns.factor(triPattern, uz / iz, vz / iz)) : triRgb;
      }
    }
  }

  /** Where and how a model stands: ground position (metres), yaw (radians), gait phase and swing amplitude. */
  public static final class Pose {
    public float x, y, z, yaw, gaitPhase, gaitAmplitude;

    public Pose set(float x, float y, float z, float yaw, float gaitPhase, float gaitAmplitude) {
      this.x = x;
      this.y = y;
      this.z = z;
      this.yaw = yaw;
      this.gaitPhase = gaitPhase;
      this.gaitAmplitude = gaitAmplitude;
      return this;
    }
  }
}
