package dev.glimpse.sim.scene;

import java.util.List;

/**
 * A generated scene: the room, the camera rig, the objects and the look (light, sensor). Deterministic: the same
 * seed builds the same scene and {@link #step(float)} advances it the same way, with no global state.
 */
public final class Scene {
  public final long seed;
  public final Room room;
  public final CameraRig rig;
  public final List<SceneObject> objects;
  public final Look look;
  private int frame; // number of steps taken

  /**
   * Lighting and sensor settings of a scene.
   *
   * @param ambient       ambient light factor
   * @param diffuse       directional light factor
   * @param sky           hemisphere light factor
   * @param sunAzimuth    radians about +y
   * @param sunElevation  radians above the horizon
   * @param tint          light colour as 0xRRGGBB multipliers (0x808080 = neutral × 1)
   * @param exposure      global gain
   * @param noiseSigma    sensor noise standard deviation, in 8-bit levels
   * @param blurPerRadian horizontal motion-blur length in pixels per radian/second of yaw rate
   * @param vignette      corner darkening in [0, 1)
   * @param shadowFactor  darkening of the ground under objects
   */
  public record Look(float ambient, float diffuse, float sky, float sunAzimuth, float sunElevation, int tint,
                     float exposure, float noiseSigma, float blurPerRadian, float vignette, float shadowFactor) {}

  Scene(long seed, Room room, CameraRig rig, List<SceneObject> objects, Look look) {
    this.seed = seed;
    this.room = room;
    this.rig = rig;
    this.objects = List.copyOf(objects);
    this.look = look;
  }

  /** Steps taken so far (0 before the first frame is advanced). */
  public int frame() { return frame; }

  /** Advances the world by {@code dt} seconds. */
  public void step(float dt) {
    frame++;
    rig.step(dt, room);
    for (SceneObject o : objects) Motions.step(o, dt, frame, room);
  }
}
