package dev.glimpse.sim.scene;

import java.util.List;
import java.util.SplittableRandom;

/** Hand-placed scenes for ground-truth tests: an open yard, a still camera at the origin looking along +z. */
public final class TestScenes {
  private TestScenes() {}

  /** Camera 1.2 m high, level, 90° field of view, no noise, blur or vignette. */
  public static Scene yard(SceneObject... objects) {
    Room room = new Room(true, -40, 40, -5, 80, 6, Room.Ground.CONCRETE, 0x909090, 0x808080, 0xDDDDDD, 0xEEEEEE,
        0x6FA3DA, 0xC9DCEB);
    CameraRig rig = new CameraRig(1.2f, 0f, (float) Math.toRadians(90), true, 0f, 0f, 0f, 0f, new SplittableRandom(1));
    Scene.Look look = new Scene.Look(0.5f, 0.5f, 0.1f, 0.5f, 1.0f, 0x808080, 1f, 0f, 0f, 0f, 0.7f);
    return new Scene(42, room, rig, List.of(objects), look);
  }

  /** A labelled object standing at (x, z) facing the camera. */
  public static SceneObject object(int id, ObjectClass cls, NamedColor color, float size, float x, float z) {
    SceneObject o = new SceneObject(id, cls, color, ObjectModels.build(cls, color, size, new SplittableRandom(id)),
        SceneObject.Motion.STATIC, new SplittableRandom(id));
    o.x = x;
    o.z = z;
    o.yaw = (float) Math.PI;
    return o;
  }

  /** A ball rolling with velocity (vx, vz) m/s and no friction-stopping within the test horizon. */
  public static SceneObject rollingBall(int id, float x, float z, float vx, float vz) {
    SceneObject o = new SceneObject(id, ObjectClass.BALL, NamedColor.RED,
        ObjectModels.build(ObjectClass.BALL, NamedColor.RED, 0.4f, new SplittableRandom(id)), SceneObject.Motion.ROLL,
        new SplittableRandom(id));
    o.x = x;
    o.z = z;
    o.vx = vx;
    o.vz = vz;
    return o;
  }
}
