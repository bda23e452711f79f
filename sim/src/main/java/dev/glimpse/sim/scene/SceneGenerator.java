package dev.glimpse.sim.scene;

import dev.glimpse.sim.render.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds a {@link Scene} from a seed: room or yard, lights, camera rig, labelled objects of every class in several
 * sizes and all eight colours, doors in doorways, clutter, and people who enter later through a doorway.
 */
public final class SceneGenerator {
  private static final int[][] GROUND_RGB = { // per Room.Ground: base, second tone
      {0xC9C4B8, 0xA8A397}, {0x8F8E8A, 0x77766F}, {0x9C6B3F, 0x7A5230}, {0x5A6470, 0x4A535E},
      {0x4A4A4C, 0x3A3A3C}, {0x4E7A34, 0x3D6329}};
  private static final int[] WALL_RGB = {0xE6E1D6, 0xD9D4C5, 0xC7CED6, 0xE0D3B8, 0xB9C2B0, 0xF0EEE8, 0x9FA8B3};

  /** Tunable ranges; {@link #DEFAULT} is what the data engine and {@code glimpse render} use. */
  public record Spec(int minObjects, int maxObjects, int maxClutter, double outdoorProbability,
                     double stationaryCameraProbability, double enterLaterProbability) {
    public static final Spec DEFAULT = new Spec(3, 12, 5, 0.25, 0.15, 0.3);

    public Spec {
      if (minObjects < 0 || maxObjects < minObjects) throw new IllegalArgumentException("need 0 <= minObjects <= maxObjects");
      if (maxClutter < 0) throw new IllegalArgumentException("maxClutter must be >= 0");
    }
  }

  private final Spec spec;

  public SceneGenerator(Spec spec) { this.spec = spec; }

  public SceneGenerator() { this(Spec.DEFAULT); }

  public Scene generate(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Room room = room(rng);
    CameraRig rig = rig(room, rng.split(), rng);
    List<SceneObject> objects = new ArrayList<>();
    int nextId = 1;
    // doors first: they stand in doorways
    for (Room.Doorway d : room.doorways) {
      if (rng.nextDouble() < 0.6) {
        NamedColor c = pick(NamedColor.values(), rng);
        Model m = ObjectModels.build(ObjectClass.DOOR, c, d.h() - 0.02f, rng);
        SceneObject o = new SceneObject(nextId++, ObjectClass.DOOR, c, m, SceneObject.Motion.STATIC, rng.split());
        Room.Wall w = room.walls.get(d.wall());
        float hinge = d.s() - d.w() / 2 + 0.02f;
        o.x = w.x0() + w.dx() * hinge;
        o.z = w.z0() + w.dz() * hinge;
        float closedYaw = (float) StrictMath.atan2(-w.dz(), w.dx());
        float open = rng.nextDouble() < 0.4 ? 0f : (float) (rng.nextDouble() * 1.4);
        o.yaw = closedYaw - open; // swings into the room
        objects.add(o);
      }
    }
    int n = spec.minObjects() + rng.nextInt(spec.maxObjects() - spec.minObjects() + 1);
    ObjectClass[] movable = {ObjectClass.PERSON, ObjectClass.CONE, ObjectClass.CRATE, ObjectClass.BALL,
        ObjectClass.CHAIR, ObjectClass.ROBOT};
    for (int i = 0; i < n; i++) {
      ObjectClass cls = rng.nextDouble() < 0.3 ? ObjectClass.PERSON : pick(movable, rng);
      NamedColor c = pick(NamedColor.values(), rng);
      float size = size(cls, rng);
      Model m = ObjectModels.build(cls, c, size, rng);
      SceneObject o = new SceneObject(nextId++, cls, c, m, motion(cls, rng), rng.split());
      place(o, room, rig, rng, objects);
      if ((cls == ObjectClass.PERSON || cls == ObjectClass.ROBOT) && !room.doorways.isEmpty()
          && rng.nextDouble() < spec.enterLaterProbability()) {
        Room.Doorway d = room.doorways.get(rng.nextInt(room.doorways.size()));
        float[] out = room.doorwayPoint(d, -0.9f), in = room.doorwayPoint(d, 1.2f);
        o.x = out[0];
        o.z = out[1];
        o.yaw = (float) StrictMath.atan2(in[0] - out[0], in[1] - out[1]);
        o.route = new float[] {in[0], in[1]};
        o.routeStep = 0;
        o.cruise = cls == ObjectClass.PERSON ? 1.1f : 0.6f;
        o.active = false;
        o.entersAtFrame = 1 + rng.nextInt(240);
      }
      objects.add(o);
    }
    int clutter = rng.nextInt(spec.maxClutter() + 1);
    for (int i = 0; i < clutter; i++) {
      SceneObject o = new SceneObject(0, null, null, ObjectModels.distractor(rng.nextInt(4), rng),
          SceneObject.Motion.STATIC, rng.split());
      place(o, room, rig, rng, objects);
      objects.add(o);
    }
    Scene.Look look = look(room, rng);
    return new Scene(seed, room, rig, objects, look);
  }

  private Room room(SplittableRandom rng) {
    boolean outdoor = rng.nextDouble() < spec.outdoorProbability();
    float w = 6 + 16 * (float) rng.nextDouble(), d = 8 + 22 * (float) rng.nextDouble();
    Room.Ground g = outdoor ? (rng.nextBoolean() ? Room.Ground.ASPHALT : Room.Ground.GRASS)
        : pick(new Room.Ground[] {Room.Ground.TILES, Room.Ground.CONCRETE, Room.Ground.WOOD, Room.Ground.CARPET}, rng);
    int[] grgb = GROUND_RGB[g.ordinal()];
    float gj = 0.8f + 0.4f * (float) rng.nextDouble();
    Room room = new Room(outdoor, -w / 2, w / 2, -1.5f, d, outdoor ? 6f : 2.6f + 1.4f * (float) rng.nextDouble(), g,
        ObjectModels.scale(grgb[0], gj), ObjectModels.scale(grgb[1], gj), pick(WALL_RGB, rng),
        ObjectModels.jitter(0xEDEBE6, rng, 0.05f), ObjectModels.jitter(0x6FA3DA, rng, 0.15f),
        ObjectModels.jitter(0xC9DCEB, rng, 0.08f));
    float x0 = room.xMin, x1 = room.xMax, z0 = room.zMin, z1 = room.zMax;
    // walls, counter-clockwise seen from above so the room is on their left
    room.walls.add(new Room.Wall(x1, z1, x0, z1)); // far
    if (!outdoor) {
      room.walls.add(new Room.Wall(x0, z1, x0, z0)); // left
      room.walls.add(new Room.Wall(x0, z0, x1, z0)); // near
      room.walls.add(new Room.Wall(x1, z0, x1, z1)); // right
    }
    int doors = outdoor ? 1 + rng.nextInt(3) : rng.nextInt(4);
    for (int i = 0; i < doors; i++) {
      int wi = rng.nextInt(room.walls.size());
      Room.Wall wall = room.walls.get(wi);
      float dw = 0.85f + 0.25f * (float) rng.nextDouble(), dh = 2.0f + 0.15f * (float) rng.nextDouble();
      float s = 1 + dw / 2 + (float) rng.nextDouble() * (wall.length() - 2 - dw);
      boolean clash = false;
      for (Room.Doorway o : room.doorways) clash |= o.wall() == wi && Math.abs(o.s() - s) < dw + 0.6f;
      if (!clash) room.doorways.add(new Room.Doorway(wi, s, dw, dh));
    }
    return room;
  }

  private CameraRig rig(Room room, SplittableRandom rigRng, SplittableRandom rng) {
    float height = 0.3f + 1.2f * (float) rng.nextDouble();
    float pitch = (float) Math.toRadians(-2 + 24 * rng.nextDouble());
    float hfov = (float) Math.toRadians(60 + 40 * rng.nextDouble());
    boolean stationary = rng.nextDouble() < spec.stationaryCameraProbability();
    float cruise = 0.2f + 0.8f * (float) rng.nextDouble();
    float x = room.xMin + 1 + (room.xMax - room.xMin - 2) * (float) rng.nextDouble();
    float z = room.zMin + 0.8f + 2f * (float) rng.nextDouble();
    float yaw = (float) Math.toRadians(-25 + 50 * rng.nextDouble());
    return new CameraRig(height, pitch, hfov, stationary, cruise, x, z, yaw, rigRng);
  }

  private static void place(SceneObject o, Room room, CameraRig rig, SplittableRandom rng, List<SceneObject> others) {
    float r = o.model.radius();
    for (int attempt = 0; attempt < 40; attempt++) {
      float x, z;
      if (rng.nextDouble() < 0.75) { // in front of the camera, within the field of view
        float depth = 1.5f + 16 * (float) StrictMath.pow(rng.nextDouble(), 1.4);
        float a = rig.yaw + (float) ((rng.nextDouble() - 0.5) * rig.hfov * 1.1);
        x = rig.x + (float) StrictMath.sin(a) * depth;
        z = rig.z + (float) StrictMath.cos(a) * depth;
      } else {
        x = room.xMin + (room.xMax - room.xMin) * (float) rng.nextDouble();
        z = room.zMin + (room.zMax - room.zMin) * (float) rng.nextDouble();
      }
      if (!room.inside(x, z, r + 0.1f) || StrictMath.hypot(x - rig.x, z - rig.z) < 1.2 + r) continue;
      boolean overlaps = false;
      for (SceneObject p : others) {
        overlaps |= p.cls != ObjectClass.DOOR && StrictMath.hypot(p.x - x, p.z - z) < r + p.model.radius() + 0.05f;
      }
      o.x = x;
      o.z = z;
      if (!overlaps) break;
    }
    o.yaw = (float) (rng.nextDouble() * 2 * Math.PI);
    o.cruise = o.motion == SceneObject.Motion.WALK ? 0.7f + 0.8f * (float) rng.nextDouble() : 0.5f;
    if (o.motion == SceneObject.Motion.ROLL && rng.nextDouble() < 0.5) {
      double a = rng.nextDouble() * 2 * Math.PI, s = 0.5 + 2 * rng.nextDouble();
      o.vx = (float) (StrictMath.sin(a) * s);
      o.vz = (float) (StrictMath.cos(a) * s);
    }
  }

  private static float size(ObjectClass cls, SplittableRandom rng) {
    double u = rng.nextDouble();
    return (float) switch (cls) {
      case PERSON -> u < 0.15 ? 1.05 + 0.3 * rng.nextDouble() : 1.55 + 0.35 * rng.nextDouble(); // children, adults
      case CONE -> new double[] {0.3, 0.46, 0.7}[rng.nextInt(3)] * (0.95 + 0.1 * u);
      case CRATE -> 0.3 + 0.5 * u;
      case BALL -> new double[] {0.15, 0.24, 0.4, 0.65}[rng.nextInt(4)] * (0.9 + 0.2 * u);
      case CHAIR -> 0.85 + 0.3 * u;
      case ROBOT -> 0.6 + 0.9 * u;
      case DOOR -> 2.0;
    };
  }

  private static SceneObject.Motion motion(ObjectClass cls, SplittableRandom rng) {
    return switch (cls) {
      case PERSON -> SceneObject.Motion.WALK;
      case BALL -> SceneObject.Motion.ROLL;
      case CRATE, CHAIR -> rng.nextDouble() < 0.35 ? SceneObject.Motion.PUSHED : SceneObject.Motion.STATIC;
      case ROBOT -> SceneObject.Motion.DRIVE;
      case CONE, DOOR -> SceneObject.Motion.STATIC;
    };
  }

  private static Scene.Look look(Room room, SplittableRandom rng) {
    float elevation = (float) Math.toRadians(room.outdoor ? 20 + 55 * rng.nextDouble() : 55 + 30 * rng.nextDouble());
    float warm = (float) (rng.nextDouble() - 0.5) * 0.16f;
    int tint = (clampByte(128 * (1 + warm)) << 16) | (128 << 8) | clampByte(128 * (1 - warm));
    return new Scene.Look(
        room.outdoor ? 0.35f + 0.25f * (float) rng.nextDouble() : 0.5f + 0.2f * (float) rng.nextDouble(),
        room.outdoor ? 0.55f + 0.3f * (float) rng.nextDouble() : 0.15f + 0.2f * (float) rng.nextDouble(),
        0.1f + 0.1f * (float) rng.nextDouble(), (float) (rng.nextDouble() * 2 * Math.PI), elevation, tint,
        0.8f + 0.45f * (float) rng.nextDouble(), 1.5f + 5f * (float) rng.nextDouble(), 6f + 10f * (float) rng.nextDouble(),
        0.1f + 0.3f * (float) rng.nextDouble(), 0.55f + 0.25f * (float) rng.nextDouble());
  }

  private static int clampByte(float v) { return Math.max(0, Math.min(255, Math.round(v))); }

  private static <T> T pick(T[] values, SplittableRandom rng) { return values[rng.nextInt(values.length)]; }

  private static int pick(int[] values, SplittableRandom rng) { return values[rng.nextInt(values.length)]; }
}
