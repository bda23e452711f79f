package dev.glimpse.sim.scene;

/** Per-class motion: people walk (and enter or leave through doorways), balls roll, crates get pushed, robots drive. */
final class Motions {
  private Motions() {}

  static void step(SceneObject o, float dt, int frame, Room room) {
    if (o.entersAtFrame >= 0) {
      if (frame < o.entersAtFrame) return;
      o.entersAtFrame = -1;
      o.active = true;
    }
    if (!o.active) return;
    switch (o.motion) {
      case STATIC -> { }
      case WALK, DRIVE -> walk(o, dt, room);
      case ROLL -> roll(o, dt, room);
      case PUSHED -> pushed(o, dt, room);
    }
  }

  private static void walk(SceneObject o, float dt, Room room) {
    o.timer -= dt;
    if (o.route != null) {
      float tx = o.route[2 * o.routeStep], tz = o.route[2 * o.routeStep + 1];
      float want = (float) StrictMath.atan2(tx - o.x, tz - o.z);
      o.yaw += clamp(CameraRig.wrap(want - o.yaw), -2.5f * dt, 2.5f * dt);
      o.speed += (o.cruise - o.speed) * Math.min(1, 2 * dt);
      if (StrictMath.hypot(tx - o.x, tz - o.z) < 0.3) {
        o.routeStep++;
        if (2 * o.routeStep >= o.route.length) {
          o.route = null;
          if (o.leaving) o.active = false;
        }
      }
    } else if (o.timer <= 0) { // new decision: stand, wander, or (people, robots) leave through a doorway
      double r = o.rng.nextDouble();
      if (r < 0.15) {
        o.cruise = 0;
        o.timer = 1 + 3 * (float) o.rng.nextDouble();
      } else if (r < 0.22 && !room.doorways.isEmpty()) {
        Room.Doorway d = room.doorways.get(o.rng.nextInt(room.doorways.size()));
        float[] in = room.doorwayPoint(d, 0.8f), out = room.doorwayPoint(d, -1.0f);
        o.route = new float[] {in[0], in[1], out[0], out[1]};
        o.routeStep = 0;
        o.leaving = true;
        o.cruise = o.motion == SceneObject.Motion.WALK ? 1.2f : 0.7f;
        o.timer = 1e9f;
      } else {
        o.cruise = o.motion == SceneObject.Motion.WALK ? 0.7f + 0.8f * (float) o.rng.nextDouble()
            : 0.3f + 0.8f * (float) o.rng.nextDouble();
        o.turnRate = (float) o.rng.nextGaussian() * 0.6f;
        o.timer = 2 + 5 * (float) o.rng.nextDouble();
      }
    }
    if (o.route == null) {
      o.speed += (o.cruise - o.speed) * Math.min(1, 2 * dt);
      float aheadX = o.x + (float) StrictMath.sin(o.yaw) * 1.0f, aheadZ = o.z + (float) StrictMath.cos(o.yaw) * 1.0f;
      if (!room.inside(aheadX, aheadZ, 0.5f)) {
        float want = (float) StrictMath.atan2((room.xMin + room.xMax) / 2 - o.x, (room.zMin + room.zMax) / 2 - o.z);
        o.yaw += clamp(CameraRig.wrap(want - o.yaw), -2f * dt, 2f * dt);
      } else {
        o.yaw += o.turnRate * dt;
      }
    }
    float step = o.speed * dt;
    float nx = o.x + (float) StrictMath.sin(o.yaw) * step, nz = o.z + (float) StrictMath.cos(o.yaw) * step;
    if (o.route != null || room.inside(nx, nz, 0.3f)) {
      o.x = nx;
      o.z = nz;
    } else {
      o.speed = 0;
    }
    if (o.motion == SceneObject.Motion.WALK) {
      float h = o.model.height();
      o.gaitPhase += step / (0.35f * h) * (float) Math.PI;
      o.gaitAmplitude += ((o.speed > 0.1f ? 0.42f : 0f) - o.gaitAmplitude) * Math.min(1, 6 * dt);
    }
  }

  private static void roll(SceneObject o, float dt, Room room) {
    float v = (float) StrictMath.hypot(o.vx, o.vz);
    if (v > 0) {
      float nv = Math.max(0, v - 0.35f * dt);
      o.vx *= nv / v;
      o.vz *= nv / v;
    }
    if (o.rng.nextDouble() < 0.15 * dt) { // kicked
      double a = o.rng.nextDouble() * 2 * Math.PI, s = 1 + 2.5 * o.rng.nextDouble();
      o.vx = (float) (StrictMath.sin(a) * s);
      o.vz = (float) (StrictMath.cos(a) * s);
    }
    float r = o.model.radius();
    float nx = o.x + o.vx * dt, nz = o.z + o.vz * dt;
    if (nx < room.xMin + r || nx > room.xMax - r) o.vx = -0.7f * o.vx; else o.x = nx;
    if (nz < room.zMin + r || nz > room.zMax - r) o.vz = -0.7f * o.vz; else o.z = nz;
    if (v > 0) o.yaw = (float) StrictMath.atan2(o.vx, o.vz);
    o.gaitPhase += v * dt / Math.max(r, 0.05f); // rolling angle, used by the stripes
  }

  private static void pushed(SceneObject o, float dt, Room room) {
    if (o.timer > 0) {
      o.timer -= dt;
      float nx = o.x + o.vx * dt, nz = o.z + o.vz * dt;
      if (room.inside(nx, nz, o.model.radius())) {
        o.x = nx;
        o.z = nz;
      } else {
        o.timer = 0;
      }
    } else if (o.rng.nextDouble() < 0.05 * dt) {
      double a = o.rng.nextDouble() * 2 * Math.PI, s = 0.25 + 0.4 * o.rng.nextDouble();
      o.vx = (float) (StrictMath.sin(a) * s);
      o.vz = (float) (StrictMath.cos(a) * s);
      o.timer = 1 + 2 * (float) o.rng.nextDouble();
    }
  }

  static float clamp(float v, float lo, float hi) { return Math.max(lo, Math.min(hi, v)); }
}
