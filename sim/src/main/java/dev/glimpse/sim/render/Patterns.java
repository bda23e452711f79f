package dev.glimpse.sim.render;

/** Procedural surface patterns: a brightness factor from surface coordinates (u, v) in metres. */
final class Patterns {
  private Patterns() {}

  static float factor(byte pattern, float u, float v) {
    switch (pattern) {
      case Mesh.SLATS: { // crate boards: dark gaps every 12 cm, frame at the edges
        float f = v / 0.12f;
        float frac = f - (float) Math.floor(f);
        return frac < 0.12f ? 0.62f : 1.0f;
      }
      case Mesh.STRIPES: { // ball panels
        int band = (int) Math.floor(u / 0.09f);
        return (band & 1) == 0 ? 1.0f : 0.8f;
      }
      case Mesh.PANELS: { // wall panels / brick courses
        float f = v / 0.6f, g = u / 1.2f;
        float fv = f - (float) Math.floor(f), fu = g - (float) Math.floor(g);
        return (fv < 0.03f || fu < 0.015f) ? 0.78f : 1.0f;
      }
      default:
        return 1.0f;
    }
  }
}
