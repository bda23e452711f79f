package dev.glimpse.types;

/** A point in pixels of a named image. */
public record Point(double x, double y) {
  public Point {
    if (!(Double.isFinite(x) && Double.isFinite(y))) {
      throw new IllegalArgumentException("point coordinates must be finite: " + x + "," + y);
    }
  }

  public double distance(Point o) { return Math.hypot(x - o.x, y - o.y); }
}
