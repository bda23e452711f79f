package dev.glimpse.sim.render;

import java.util.ArrayList;
import java.util.List;

/**
 * An articulated model: rigid parts, each optionally swinging about a horizontal pivot (limbs of a walking
 * person). The model's local frame has its footprint centred at the origin on y = 0, facing +z.
 */
public final class Model {
  /** How a part moves with the gait phase. */
  public enum Joint { FIXED, LEFT_LEG, RIGHT_LEG, LEFT_ARM, RIGHT_ARM }

  record Part(Mesh mesh, Joint joint, float pivotY) {}

  private final List<Part> parts = new ArrayList<>();
  private float height;

  public Model add(Mesh mesh, Joint joint, float pivotY) {
    parts.add(new Part(mesh, joint, pivotY));
    height = Math.max(height, mesh.maxY());
    return this;
  }

  public Model add(Mesh mesh) { return add(mesh, Joint.FIXED, 0); }

  List<Part> parts() { return parts; }

  /** Height of the tallest vertex above the footprint, metres. */
  public float height() { return height; }

  /** Footprint radius, metres. */
  public float radius() {
    float r = 0;
    for (Part p : parts) r = Math.max(r, p.mesh().radius());
    return r;
  }

  /** Swing angle (radians, about the local x axis) of a joint at the given gait phase. */
  static float swing(Joint joint, float phase, float amplitude) {
    return switch (joint) {
      case FIXED -> 0f;
      case LEFT_LEG, RIGHT_ARM -> amplitude * (float) StrictMath.sin(phase);
      case RIGHT_LEG, LEFT_ARM -> -amplitude * (float) StrictMath.sin(phase);
    };
  }
}
