package dev.glimpse.sim.scene;

import java.util.SplittableRandom;

/**
 * The robot carrying the camera: drives and turns inside the room (or stands still), with suspension bob.
 * Units: metres, radians, seconds.
 */
public final class CameraRig {
  public final float height, pitch, hfov;
  final boolean stationary;
  final float cruise;
  private final SplittableRandom rng;
  float x, z, yaw, speed, turnRate, time;
  private final float bobFreq, bobAmp;
  // instantaneous pose including bob
  float eyeY, eyePitch, yawRate;

  CameraRig(float height, float pitch, float hfov, boolean stationary, float cruise, float x, float z, float yaw,
            SplittableRandom rng) {
    this.height = height;
    this.pitch = pitch;
    this.hfov = hfov;
    this.stationary = stationary;
    this.cruise = cruise;
    this.x = x;
    this.z = z;
    this.yaw = yaw;
    this.rng = rng;
    this.bobFreq = 1.2f + 1.5f * rng.nextFloat();
    this.bobAmp = stationary ? 0 : 0.004f + 0.01f * rng.nextFloat();
    update(0);
  }

  /** Advances the rig by {@code dt} seconds inside {@code room}. */
  void step(float dt, Room room) {
    time += dt;
    float prevYaw = yaw;
    if (!stationary) {
      // Ornstein-Uhlenbeck turn rate, pulled back from the walls
      turnRate += (-0.8f * turnRate) * dt + 0.9f * (float) Math.sqrt(dt) * gauss();
      float lookX = x + (float) StrictMath.sin(yaw) * 2.0f, lookZ = z + (float) StrictMath.cos(yaw) * 2.0f;
      if (!room.inside(lookX, lookZ, 0.6f)) {
        float cx = (room.xMin + room.xMax) / 2, cz = (room.zMin + room.zMax) / 2;
        float toCentre = (float) StrictMath.atan2(cx - x, cz - z);
        float err = wrap(toCentre - yaw);
        turnRate = 0.9f * Math.signum(err) + 0.1f * turnRate;
        speed = Math.max(0, speed - 1.5f * dt);
      } else {
        speed += (cruise - speed) * Math.min(1, dt * 0.8f);
      }
      turnRate = Math.max(-0.9f, Math.min(0.9f, turnRate));
      yaw += turnRate * dt;
      float nx = x + (float) StrictMath.sin(yaw) * speed * dt, nz = z + (float) StrictMath.cos(yaw) * speed * dt;
      if (room.inside(nx, nz, 0.5f)) {
        x = nx;
        z = nz;
      } else {
        speed = 0;
      }
    }
    yawRate = dt > 0 ? (yaw - prevYaw) / dt : 0;
    update(time);
  }

  private void update(float t) {
    float bob = (float) StrictMath.sin(2 * Math.PI * bobFreq * t);
    eyeY = height + bobAmp * bob * (0.5f + speed);
    eyePitch = pitch + 0.6f * bobAmp * (float) StrictMath.cos(2 * Math.PI * bobFreq * t) * (0.5f + speed);
  }

  public float x() { return x; }

  public float z() { return z; }

  public float yaw() { return yaw; }

  public float eyeY() { return eyeY; }

  public float eyePitch() { return eyePitch; }

  /** Yaw rate of the last step, rad/s (drives horizontal motion blur). */
  public float yawRate() { return yawRate; }

  /** Forward speed, m/s. */
  public float speed() { return speed; }

  private float gauss() { return (float) rng.nextGaussian(); }

  static float wrap(float a) {
    while (a > Math.PI) a -= (float) (2 * Math.PI);
    while (a < -Math.PI) a += (float) (2 * Math.PI);
    return a;
  }
}
