package dev.glimpse.sim.scene;

import dev.glimpse.sim.render.Mesh;
import dev.glimpse.sim.render.MeshBuilder;
import dev.glimpse.sim.render.Model;
import dev.glimpse.sim.render.Model.Joint;
import java.util.SplittableRandom;

/**
 * Builds the 3-D model of each object class, in metres, from a size and colour. Proportions follow the real
 * objects closely enough that a 10-pixel-tall person still reads as a person (head, shirt, legs).
 */
public final class ObjectModels {
  private static final int[] SKIN = {0xF1C6A5, 0xD8A47F, 0xB07850, 0x8D5524, 0x5C3A21};
  private static final int[] HAIR = {0x2B1B12, 0x4A3222, 0x8C6239, 0xD9C08C, 0x1A1A1A, 0x9A9A9A};
  private static final int[] PANTS = {0x1F2A44, 0x2F2F33, 0x4B3B2A, 0x3B4A5A, 0x55565C, 0x14161C};
  private static final int METAL = 0x8A8D91, RUBBER = 0x1C1C1C;

  private ObjectModels() {}

  /** The model of a labelled object of class {@code cls}, painted {@code color}, with the given size factor. */
  public static Model build(ObjectClass cls, NamedColor color, float size, SplittableRandom rng) {
    int rgb = jitter(color.rgb(), rng, 0.08f);
    return switch (cls) {
      case PERSON -> person(size, rgb, rng);
      case CONE -> cone(size, rgb, color == NamedColor.WHITE ? 0x303030 : 0xF2F2F2);
      case CRATE -> crate(size, rgb, rng);
      case BALL -> ball(size, rgb);
      case CHAIR -> chair(size, rgb);
      case DOOR -> door(size, rgb);
      case ROBOT -> robot(size, rgb);
    };
  }

  /** Person of height {@code h} metres; {@code shirt} is the labelled colour. */
  static Model person(float h, int shirt, SplittableRandom rng) {
    int skin = SKIN[rng.nextInt(SKIN.length)], hair = HAIR[rng.nextInt(HAIR.length)];
    int pants = PANTS[rng.nextInt(PANTS.length)], shoes = jitter(0x202020, rng, 0.2f);
    float legLen = 0.47f * h, torso = 0.30f * h, headR = 0.062f * h, shoulder = 0.25f * h, depth = 0.13f * h;
    float hip = legLen, legW = 0.095f * h, armLen = 0.36f * h, armW = 0.065f * h;
    Model m = new Model();
    for (int side = -1; side <= 1; side += 2) {
      float x = side * 0.055f * h;
      Mesh leg = new MeshBuilder()
          .box(x, hip - legLen / 2 + 0.02f * h, 0, legW, legLen - 0.04f * h, legW * 1.05f, pants, Mesh.PLAIN)
          .box(x, 0.02f * h, 0.02f * h, legW, 0.04f * h, legW * 1.6f, shoes, Mesh.PLAIN).build();
      m.add(leg, side < 0 ? Joint.LEFT_LEG : Joint.RIGHT_LEG, hip);
      float top = hip + torso - 0.02f * h, ax = side * (shoulder / 2 + armW / 2);
      Mesh arm = new MeshBuilder()
          .box(ax, top - armLen * 0.42f, 0, armW, armLen * 0.84f, armW, shirt, Mesh.PLAIN)
          .box(ax, top - armLen * 0.92f, 0, armW * 0.9f, armLen * 0.16f, armW * 0.9f, skin, Mesh.PLAIN).build();
      m.add(arm, side < 0 ? Joint.LEFT_ARM : Joint.RIGHT_ARM, top);
    }
    Mesh body = new MeshBuilder()
        .box(0, hip + torso / 2, 0, shoulder, torso, depth, shirt, Mesh.PLAIN)
        .box(0, hip + torso + 0.02f * h, 0, 0.05f * h, 0.04f * h, 0.05f * h, skin, Mesh.PLAIN)
        .ellipsoid(0, hip + torso + 0.04f * h + headR, 0, headR * 0.85f, headR, headR * 0.95f, 6, 10, skin, Mesh.PLAIN)
        .ellipsoid(0, hip + torso + 0.04f * h + headR * 1.25f, -headR * 0.12f, headR * 0.9f, headR * 0.8f,
            headR * 0.95f, 5, 10, hair, Mesh.PLAIN)
        .build();
    return m.add(body);
  }

  /** Traffic cone of height {@code h}, with a reflective band. */
  static Model cone(float h, int rgb, int band) {
    float base = 0.62f * h, r0 = 0.26f * h, r1 = 0.035f * h;
    float ya = 0.04f * h, yb = 0.45f * h, yc = 0.62f * h;
    float rb = r0 + (r1 - r0) * (yb - ya) / (h - ya), rc = r0 + (r1 - r0) * (yc - ya) / (h - ya);
    Mesh mesh = new MeshBuilder()
        .box(0, ya / 2, 0, base, ya, base, darker(rgb, 0.75f), Mesh.PLAIN)
        .frustum(0, ya, 0, r0, yb, rb, 14, rgb, false)
        .frustum(0, yb, 0, rb, yc, rc, 14, band, false)
        .frustum(0, yc, 0, rc, h, r1, 14, rgb, true)
        .build();
    return new Model().add(mesh);
  }

  /** Crate: a box of side {@code s} with slatted faces; slightly non-cubic. */
  static Model crate(float s, int rgb, SplittableRandom rng) {
    float w = s * (0.9f + 0.4f * rng.nextFloat()), d = s * (0.8f + 0.3f * rng.nextFloat());
    return new Model().add(new MeshBuilder().box(0, s / 2, 0, w, s, d, rgb, Mesh.SLATS).build());
  }

  /** Ball of diameter {@code d}. */
  static Model ball(float d, int rgb) {
    return new Model().add(new MeshBuilder().ellipsoid(0, d / 2, 0, d / 2, d / 2, d / 2, 8, 14, rgb, Mesh.STRIPES).build());
  }

  /** Chair with seat height {@code 0.47·s}; seat and back are the labelled colour, legs metal. */
  static Model chair(float s, int rgb) {
    float seatY = 0.47f * s, w = 0.46f * s, leg = 0.035f * s;
    MeshBuilder b = new MeshBuilder()
        .box(0, seatY, 0, w, 0.05f * s, w, rgb, Mesh.PLAIN)
        .box(0, seatY + 0.26f * s, -w / 2 + 0.025f * s, w, 0.42f * s, 0.05f * s, rgb, Mesh.PLAIN);
    for (int i = 0; i < 4; i++) {
      float x = (i % 2 == 0 ? -1 : 1) * (w / 2 - leg), z = (i < 2 ? -1 : 1) * (w / 2 - leg);
      b.box(x, (seatY - 0.025f * s) / 2, z, leg, seatY - 0.025f * s, leg, METAL, Mesh.PLAIN);
    }
    return new Model().add(b.build());
  }

  /** Door leaf of height {@code h} (width 0.45·h), hinged at its left edge, with a handle. */
  static Model door(float h, int rgb) {
    float w = 0.45f * h, t = 0.045f;
    Mesh mesh = new MeshBuilder()
        .box(w / 2, h / 2, 0, w, h, t, rgb, Mesh.PLAIN)
        .box(w - 0.09f, 0.5f * h, t, 0.12f, 0.025f, 0.05f, METAL, Mesh.PLAIN)
        .box(w - 0.09f, 0.5f * h, -t, 0.12f, 0.025f, 0.05f, METAL, Mesh.PLAIN)
        .build();
    return new Model().add(mesh);
  }

  /** Wheeled robot, base length {@code 0.6·s}; body is the labelled colour. */
  static Model robot(float s, int rgb) {
    float bw = 0.45f * s, bh = 0.22f * s, bl = 0.6f * s, wr = 0.08f * s, y0 = wr * 0.9f;
    MeshBuilder b = new MeshBuilder()
        .box(0, y0 + bh / 2, 0, bw, bh, bl, rgb, Mesh.PLAIN)
        .box(0, y0 + bh + 0.02f * s, -0.05f * s, bw * 0.8f, 0.04f * s, bl * 0.6f, darker(rgb, 0.7f), Mesh.PLAIN)
        .box(0, y0 + bh + 0.18f * s, 0.1f * s, 0.05f * s, 0.3f * s, 0.05f * s, METAL, Mesh.PLAIN)
        .box(0, y0 + bh + 0.36f * s, 0.12f * s, 0.2f * s, 0.09f * s, 0.12f * s, rgb, Mesh.PLAIN)
        .box(0, y0 + bh + 0.36f * s, 0.18f * s + 0.005f, 0.16f * s, 0.035f * s, 0.01f, 0x101418, Mesh.PLAIN);
    for (int i = 0; i < 4; i++) {
      float x = (i % 2 == 0 ? -1 : 1) * (bw / 2 + 0.02f * s), z = (i < 2 ? -1 : 1) * (bl / 2 - wr);
      b.wheel(x, wr, z, wr, 0.05f * s, 10, RUBBER);
    }
    return new Model().add(b.build());
  }

  /** Unlabelled clutter: pillars, bins, tables, plants. They are never in the ground truth. */
  static Model distractor(int kind, SplittableRandom rng) {
    return switch (kind % 4) {
      case 0 -> new Model().add(new MeshBuilder()
          .box(0, 1.6f, 0, 0.35f, 3.2f, 0.35f, jitter(0xB8B4AC, rng, 0.1f), Mesh.PLAIN).build());
      case 1 -> new Model().add(new MeshBuilder()
          .frustum(0, 0, 0, 0.2f, 0.65f, 0.23f, 12, jitter(0x6A6E72, rng, 0.2f), true).build());
      case 2 -> {
        int wood = jitter(0x8B5A2B, rng, 0.15f);
        MeshBuilder b = new MeshBuilder().box(0, 0.72f, 0, 1.2f, 0.05f, 0.7f, wood, Mesh.PLAIN);
        for (int i = 0; i < 4; i++) {
          b.box((i % 2 == 0 ? -0.55f : 0.55f), 0.35f, (i < 2 ? -0.3f : 0.3f), 0.05f, 0.7f, 0.05f, wood, Mesh.PLAIN);
        }
        yield new Model().add(b.build());
      }
      default -> new Model().add(new MeshBuilder()
          .frustum(0, 0, 0, 0.16f, 0.35f, 0.2f, 10, jitter(0x7A4A2A, rng, 0.1f), true)
          .ellipsoid(0, 0.75f, 0, 0.32f, 0.42f, 0.32f, 5, 8, jitter(0x2F6B2A, rng, 0.15f), Mesh.PLAIN)
          .build());
    };
  }

  /** Multiplies each channel by a random factor in [1−amount, 1+amount]. */
  static int jitter(int rgb, SplittableRandom rng, float amount) {
    float f = 1 + amount * (2 * rng.nextFloat() - 1);
    return scale(rgb, f);
  }

  static int darker(int rgb, float f) { return scale(rgb, f); }

  static int scale(int rgb, float f) {
    int r = Math.min(255, Math.round(((rgb >> 16) & 255) * f));
    int g = Math.min(255, Math.round(((rgb >> 8) & 255) * f));
    int b = Math.min(255, Math.round((rgb & 255) * f));
    return (r << 16) | (g << 8) | b;
  }
}
