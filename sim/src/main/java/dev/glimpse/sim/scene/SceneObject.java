package dev.glimpse.sim.scene;

import dev.glimpse.sim.render.Model;
import java.util.SplittableRandom;

/**
 * One object of a scene with its motion state. Labelled objects have an id ≥ 1 (the ground-truth track id, stable
 * for the whole scene), a class and a colour; clutter has id 0 and no class.
 */
public final class SceneObject {
  /** How an object moves. */
  public enum Motion { STATIC, WALK, ROLL, PUSHED, DRIVE }

  public final int id;
  public final ObjectClass cls;     // null for clutter
  public final NamedColor color;    // null for clutter
  public final Model model;
  public final Motion motion;
  final SplittableRandom rng;

  // state: ground position (m), heading (rad), speed (m/s), velocity for rolling (m/s)
  float x, z, yaw, speed, vx, vz, gaitPhase, gaitAmplitude, cruise;
  float turnRate, timer;
  boolean active = true;
  /** Waypoints for walking through a doorway (inside point, then outside point), or null. */
  float[] route;
  int routeStep;
  /** Frame at which an off-stage object enters; -1 when already on stage. */
  int entersAtFrame = -1;
  /** Whether crossing the room's walls deactivates the object (it walked out through a doorway). */
  boolean leaving;

  SceneObject(int id, ObjectClass cls, NamedColor color, Model model, Motion motion, SplittableRandom rng) {
    this.id = id;
    this.cls = cls;
    this.color = color;
    this.model = model;
    this.motion = motion;
    this.rng = rng;
  }

  public boolean labelled() { return id > 0; }

  public boolean active() { return active; }

  public float x() { return x; }

  public float z() { return z; }

  public float yaw() { return yaw; }

  public float gaitPhase() { return gaitPhase; }

  public float gaitAmplitude() { return gaitAmplitude; }
}
