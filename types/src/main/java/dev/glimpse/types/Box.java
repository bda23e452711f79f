package dev.glimpse.types;

/**
 * An axis-aligned box in pixels of a named image: (x1, y1) is the top-left corner, (x2, y2) the bottom-right,
 * with x1 ≤ x2 and y1 ≤ y2. Coordinates are continuous: a box covering pixel columns 10..19 is [10, 20).
 */
public record Box(double x1, double y1, double x2, double y2) {
  public Box {
    if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
      throw new IllegalArgumentException("box coordinates must be finite: " + x1 + "," + y1 + "," + x2 + "," + y2);
    }
    if (x2 < x1 || y2 < y1) {
      throw new IllegalArgumentException("box must have x1<=x2 and y1<=y2: [" + x1 + "," + y1 + "," + x2 + "," + y2 + "]");
    }
  }

  /** Builds a box from its top-left corner and size (MOTChallenge's bb_left, bb_top, bb_width, bb_height). */
  public static Box ofLtwh(double left, double top, double width, double height) {
    return new Box(left, top, left + width, top + height);
  }

  public double width() { return x2 - x1; }

  public double height() { return y2 - y1; }

  public double area() { return width() * height(); }

  public double centerX() { return 0.5 * (x1 + x2); }

  public double centerY() { return 0.5 * (y1 + y2); }

  /** Intersection over union; 0 when either box is empty. */
  public double iou(Box o) {
    double iw = Math.min(x2, o.x2) - Math.max(x1, o.x1);
    double ih = Math.min(y2, o.y2) - Math.max(y1, o.y1);
    if (iw <= 0 || ih <= 0) return 0;
    double inter = iw * ih;
    double union = area() + o.area() - inter;
    return union <= 0 ? 0 : inter / union;
  }

  /** Whether the point lies inside the box (edges included). */
  public boolean contains(Point p) {
    return p.x() >= x1 && p.x() <= x2 && p.y() >= y1 && p.y() <= y2;
  }
}
