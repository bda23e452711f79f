package dev.glimpse.sim.scene;

import dev.glimpse.sim.render.Mesh;
import dev.glimpse.sim.render.MeshBuilder;
import dev.glimpse.sim.render.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * The static world: a floor region bounded by walls with doorways (indoor), or a yard in front of one building
 * facade (outdoor). Walls are unlabelled geometry; doors standing in doorways are labelled objects of the scene.
 */
public final class Room {
  /** Floor and yard surfaces. */
  public enum Ground { TILES, CONCRETE, WOOD, CARPET, ASPHALT, GRASS }

  /** A wall from (x0, z0) to (x1, z1); the room lies to its left when walking from start to end. */
  public record Wall(float x0, float z0, float x1, float z1) {
    public float length() { return (float) StrictMath.hypot(x1 - x0, z1 - z0); }

    /** Unit direction (dx, dz) along the wall. */
    public float dx() { return (x1 - x0) / length(); }

    public float dz() { return (z1 - z0) / length(); }

    /** Inward normal (towards the room): left of the direction of travel. */
    public float nx() { return -dz(); }

    public float nz() { return dx(); }
  }

  /** A gap in a wall at distance {@code s} (centre, metres from the wall's start) of width {@code w}. */
  public record Doorway(int wall, float s, float w, float h) {}

  private static final int BASEBOARD = 0x5A5650;

  public final boolean outdoor;
  public final float xMin, xMax, zMin, zMax, wallHeight;
  public final Ground ground;
  public final int groundRgb, groundRgb2, wallRgb, ceilingRgb, skyRgb, horizonRgb;
  public final List<Wall> walls = new ArrayList<>();
  public final List<Doorway> doorways = new ArrayList<>();
  private Model wallModel;

  Room(boolean outdoor, float xMin, float xMax, float zMin, float zMax, float wallHeight, Ground ground, int groundRgb,
       int groundRgb2, int wallRgb, int ceilingRgb, int skyRgb, int horizonRgb) {
    this.outdoor = outdoor;
    this.xMin = xMin;
    this.xMax = xMax;
    this.zMin = zMin;
    this.zMax = zMax;
    this.wallHeight = wallHeight;
    this.ground = ground;
    this.groundRgb = groundRgb;
    this.groundRgb2 = groundRgb2;
    this.wallRgb = wallRgb;
    this.ceilingRgb = ceilingRgb;
    this.skyRgb = skyRgb;
    this.horizonRgb = horizonRgb;
  }

  /** Whether a ground point lies inside the walkable region with a margin (metres). */
  public boolean inside(float x, float z, float margin) {
    return x >= xMin + margin && x <= xMax - margin && z >= zMin + margin && z <= zMax - margin;
  }

  /** Ground point of a doorway's centre, offset along the wall's inward normal by {@code depth} metres. */
  public float[] doorwayPoint(Doorway d, float depth) {
    Wall w = walls.get(d.wall());
    return new float[] {w.x0() + w.dx() * d.s() + w.nx() * depth, w.z0() + w.dz() * d.s() + w.nz() * depth};
  }

  /** The walls as one unlabelled model (built once): segments, lintels over doorways, frames, dark space behind. */
  public Model wallModel() {
    if (wallModel == null) wallModel = buildWalls();
    return wallModel;
  }

  private Model buildWalls() {
    MeshBuilder b = new MeshBuilder();
    byte pat = outdoor ? Mesh.PANELS : Mesh.PLAIN;
    for (int wi = 0; wi < walls.size(); wi++) {
      Wall w = walls.get(wi);
      List<Doorway> gaps = new ArrayList<>();
      for (Doorway d : doorways) if (d.wall() == wi) gaps.add(d);
      gaps.sort((a, c) -> Float.compare(a.s(), c.s()));
      float s = 0;
      for (Doorway d : gaps) {
        float a = d.s() - d.w() / 2, e = d.s() + d.w() / 2;
        segment(b, w, s, a, 0, wallHeight, pat);
        segment(b, w, a, e, d.h(), wallHeight, pat);
        // the space behind the doorway: a dark surface 0.4 m beyond the wall
        float bx0 = w.x0() + w.dx() * a - w.nx() * 0.4f, bz0 = w.z0() + w.dz() * a - w.nz() * 0.4f;
        float bx1 = w.x0() + w.dx() * e - w.nx() * 0.4f, bz1 = w.z0() + w.dz() * e - w.nz() * 0.4f;
        b.quad(new float[] {bx0, 0, bz0}, new float[] {bx1, 0, bz1}, new float[] {bx1, d.h(), bz1},
            new float[] {bx0, d.h(), bz0}, d.w(), d.h(), 0x2A2826, Mesh.PLAIN);
        frame(b, w, a, e, d.h());
        s = e;
      }
      segment(b, w, s, w.length(), 0, wallHeight, pat);
    }
    return new Model().add(b.build());
  }

  private void segment(MeshBuilder b, Wall w, float s0, float s1, float y0, float y1, byte pat) {
    if (s1 - s0 < 1e-3f || y1 - y0 < 1e-3f) return;
    float ax = w.x0() + w.dx() * s0, az = w.z0() + w.dz() * s0, bx = w.x0() + w.dx() * s1, bz = w.z0() + w.dz() * s1;
    b.quad(new float[] {ax, y0, az}, new float[] {bx, y0, bz}, new float[] {bx, y1, bz}, new float[] {ax, y1, az},
        s1 - s0, y1 - y0, wallRgb, pat);
    if (y0 == 0 && !outdoor) { // baseboard, 1 cm proud of the wall
      float ox = w.nx() * 0.01f, oz = w.nz() * 0.01f, hb = 0.1f;
      b.quad(new float[] {ax + ox, 0, az + oz}, new float[] {bx + ox, 0, bz + oz}, new float[] {bx + ox, hb, bz + oz},
          new float[] {ax + ox, hb, az + oz}, s1 - s0, hb, BASEBOARD, Mesh.PLAIN);
    }
  }

  private void frame(MeshBuilder b, Wall w, float a, float e, float h) {
    int rgb = 0xD8D4CC;
    float t = 0.06f;
    for (float s : new float[] {a - t / 2, e + t / 2}) {
      float x = w.x0() + w.dx() * s + w.nx() * 0.02f, z = w.z0() + w.dz() * s + w.nz() * 0.02f;
      b.box(x, h / 2, z, Math.abs(w.dx()) * t + Math.abs(w.dz()) * 0.08f, h, Math.abs(w.dz()) * t + Math.abs(w.dx()) * 0.08f,
          rgb, Mesh.PLAIN);
    }
    float cs = (a + e) / 2, x = w.x0() + w.dx() * cs + w.nx() * 0.02f, z = w.z0() + w.dz() * cs + w.nz() * 0.02f;
    float len = e - a + 2 * t;
    b.box(x, h + t / 2, z, Math.abs(w.dx()) * len + Math.abs(w.dz()) * 0.08f, t, Math.abs(w.dz()) * len + Math.abs(w.dx()) * 0.08f,
        rgb, Mesh.PLAIN);
  }
}
