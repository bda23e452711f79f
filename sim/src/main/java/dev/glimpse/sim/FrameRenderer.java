package dev.glimpse.sim;

import dev.glimpse.sim.render.Background;
import dev.glimpse.sim.render.Camera;
import dev.glimpse.sim.render.Rasterizer;
import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Renders a {@link Scene} frame by frame into RGB with exact ground truth: background, contact shadows, walls,
 * objects (z-buffered with an id buffer), then the sensor: exposure, motion blur, vignette and noise.
 * Visible boxes come from the id buffer, so occluded and clipped parts are excluded by construction.
 * One renderer per thread; buffers are reused between frames.
 */
public final class FrameRenderer {
  /** Objects with fewer visible pixels than this are absent from the ground truth. */
  public static final int DEFAULT_MIN_VISIBLE_PX = 64;

  private final int width, height, minVisiblePx;
  private final Background background = new Background();
  private final byte[] rgb;
  private final int[] stamp;
  private final int[] blurRow;
  private final float[] vignette; // (H·W) gain
  private final short[] noise;    // (2·3·H·W) sensor noise in 1/16 levels, unit sigma
  private final int[] gain;       // (H·W) exposure × vignette, 1/256 units
  private Scene.Look gainLook;
  /** Saturating byte conversion for values in [−CLAMP_ZERO, 4·256): index = value + CLAMP_ZERO. */
  private static final int CLAMP_ZERO = 2048;
  private static final byte[] CLAMP = new byte[CLAMP_ZERO + 1024];

  static {
    for (int i = 0; i < CLAMP.length; i++) CLAMP[i] = (byte) Math.max(0, Math.min(255, i - CLAMP_ZERO));
  }
  private int stampMark;
  private Rasterizer raster;
  private Scene scene;
  private SplittableRandom sensorRng;

  public FrameRenderer(int width, int height, int minVisiblePx) {
    if (width < 16 || height < 16) throw new IllegalArgumentException("frame size must be at least 16x16, got " + width + "x" + height);
    this.width = width;
    this.height = height;
    this.minVisiblePx = minVisiblePx;
    rgb = new byte[width * height * 3];
    stamp = new int[width * height];
    blurRow = new int[width];
    vignette = new float[width * height];
    gain = new int[width * height];
    float cx = width / 2f, cy = height / 2f, r2 = cx * cx + cy * cy;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) vignette[y * width + x] = ((x + 0.5f - cx) * (x + 0.5f - cx) + (y + 0.5f - cy) * (y + 0.5f - cy)) / r2;
    }
    // long enough that a frame's 3·H·W draws never wrap: the per-channel index needs no mask in the hot loop
    noise = new short[6 * width * height];
    SplittableRandom rng = new SplittableRandom(0xC0FFEE);
    for (int i = 0; i < noise.length; i++) noise[i] = (short) Math.round(rng.nextGaussian() * 16);
  }

  public FrameRenderer(int width, int height) { this(width, height, DEFAULT_MIN_VISIBLE_PX); }

  /** Advances nothing; renders the scene's current state as frame {@code frameNumber} (1-based). */
  public RenderedFrame render(Scene s, int frameNumber) {
    if (s != scene) {
      scene = s;
      raster = new Rasterizer(new Camera(width, height, s.rig.hfov));
      sensorRng = new SplittableRandom(s.seed ^ 0x9E3779B97F4A7C15L);
    }
    Camera cam = raster.camera();
    cam.pose(s.rig.x(), s.rig.eyeY(), s.rig.z(), s.rig.yaw(), s.rig.eyePitch());
    Scene.Look look = s.look;
    int tint = look.tint();
    raster.lighting().set(look.ambient(), look.diffuse(), look.sky(), look.sunAzimuth(), look.sunElevation(),
        ((tint >> 16) & 255) / 128f, ((tint >> 8) & 255) / 128f, (tint & 255) / 128f);
    raster.lighting().prepare(cam);
    raster.clear();
    background.draw(raster, s.room, raster.lighting());
    Rasterizer.Pose pose = new Rasterizer.Pose();
    for (SceneObject o : s.objects) {
      if (!o.active() || o.labelled() && o.cls == dev.glimpse.sim.scene.ObjectClass.DOOR) continue;
      float r = Math.max(0.12f, o.model.radius() * 0.85f);
      raster.shadow(o.x(), o.z(), r, r, o.yaw(), look.shadowFactor());
    }
    raster.draw(s.room.wallModel(), pose.set(0, 0, 0, 0, 0, 0), 0);
    for (SceneObject o : s.objects) {
      if (!o.active()) continue;
      raster.draw(o.model, pose.set(o.x(), 0, o.z(), o.yaw(), o.gaitPhase(), o.gaitAmplitude()), o.id);
    }
    FrameLabels labels = labels(s, frameNumber, pose);
    sensor(look, s.rig.yawRate());
    return new RenderedFrame(width, height, rgb, labels);
  }

  private FrameLabels labels(Scene s, int frameNumber, Rasterizer.Pose pose) {
    int maxId = 0;
    for (SceneObject o : s.objects) maxId = Math.max(maxId, o.id);
    int[] count = new int[maxId + 1], x1 = new int[maxId + 1], y1 = new int[maxId + 1], x2 = new int[maxId + 1], y2 = new int[maxId + 1];
    long[] sx = new long[maxId + 1], sy = new long[maxId + 1];
    Arrays.fill(x1, Integer.MAX_VALUE);
    Arrays.fill(y1, Integer.MAX_VALUE);
    int[] ids = raster.id;
    for (int y = 0, p = 0; y < height; y++) {
      for (int x = 0; x < width; x++, p++) {
        int id = ids[p];
        if (id == 0) continue;
        count[id]++;
        sx[id] += x;
        sy[id] += y;
        if (x < x1[id]) x1[id] = x;
        if (x > x2[id]) x2[id] = x;
        if (y < y1[id]) y1[id] = y;
        if (y > y2[id]) y2[id] = y;
      }
    }
    List<FrameLabels.ObjectLabel> out = new ArrayList<>();
    for (SceneObject o : s.objects) {
      if (!o.labelled() || !o.active() || count[o.id] < minVisiblePx) continue;
      int id = o.id;
      int silhouette = raster.silhouette(o.model, pose.set(o.x(), 0, o.z(), o.yaw(), o.gaitPhase(), o.gaitAmplitude()),
          stamp, ++stampMark);
      double occlusion = silhouette <= 0 ? 0 : Math.max(0, 1 - count[id] / (double) silhouette);
      // the visible pixel nearest the visible mask's centroid
      double cx = sx[id] / (double) count[id], cy = sy[id] / (double) count[id];
      int bestX = -1, bestY = -1;
      double best = Double.MAX_VALUE;
      for (int y = y1[id]; y <= y2[id]; y++) {
        for (int x = x1[id], p = y * width + x1[id]; x <= x2[id]; x++, p++) {
          if (ids[p] != id) continue;
          double d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
          if (d < best) {
            best = d;
            bestX = x;
            bestY = y;
          }
        }
      }
      out.add(new FrameLabels.ObjectLabel(id, o.cls, o.color, x1[id], y1[id], x2[id] + 1, y2[id] + 1, bestX, bestY,
          Math.round(occlusion * 1000) / 1000.0, count[id]));
    }
    out.sort((a, b) -> Integer.compare(a.id(), b.id()));
    return new FrameLabels(s.seed, frameNumber, out);
  }

  /** Exposure, horizontal motion blur from the camera's yaw rate, vignette and sensor noise → packed RGB. */
  private void sensor(Scene.Look look, float yawRate) {
    int[] c = raster.color;
    int radius = Math.min(12, Math.round(Math.abs(yawRate) * look.blurPerRadian() * 0.5f));
    if (radius > 0) {
      for (int y = 0; y < height; y++) boxBlurRow(c, y * width, radius);
    }
    if (gainLook != look) { // per-pixel gain (exposure × vignette) in 1/256 units, rebuilt when the scene changes
      gainLook = look;
      for (int p = 0; p < gain.length; p++) gain[p] = Math.round(256 * look.exposure() * (1 - look.vignette() * vignette[p]));
    }
    int sigma = Math.round(look.noiseSigma() * 16); // noise table is sigma 1 in 1/16 levels → 1/256 units
    int offset = sensorRng.nextInt(noise.length - 3 * c.length + 1);
    byte[] lut = CLAMP;
    short[] nz = noise;
    for (int p = 0, o = 0; p < c.length; p++, o += 3) {
      int v = c[p], g = gain[p], n = offset + o;
      rgb[o] = lut[CLAMP_ZERO + ((((v >> 16) & 255) * g + nz[n] * sigma) >> 8)];
      rgb[o + 1] = lut[CLAMP_ZERO + ((((v >> 8) & 255) * g + nz[n + 1] * sigma) >> 8)];
      rgb[o + 2] = lut[CLAMP_ZERO + (((v & 255) * g + nz[n + 2] * sigma) >> 8)];
    }
  }

  private void boxBlurRow(int[] c, int start, int radius) {
    int r = 0, g = 0, b = 0, n = 2 * radius + 1, inv = (1 << 20) / n + 1; // x/n as (x·inv) >> 20, exact for x ≤ 255·n, n ≤ 25
    for (int k = -radius; k <= radius; k++) {
      int v = c[start + Math.max(0, Math.min(width - 1, k))];
      r += (v >> 16) & 255;
      g += (v >> 8) & 255;
      b += v & 255;
    }
    for (int x = 0; x < width; x++) {
      blurRow[x] = (((r * inv) >>> 20) << 16) | (((g * inv) >>> 20) << 8) | ((b * inv) >>> 20);
      int out = c[start + Math.max(0, x - radius)], in = c[start + Math.min(width - 1, x + radius + 1)];
      r += ((in >> 16) & 255) - ((out >> 16) & 255);
      g += ((in >> 8) & 255) - ((out >> 8) & 255);
      b += (in & 255) - (out & 255);
    }
    System.arraycopy(blurRow, 0, c, start, width);
  }

}
