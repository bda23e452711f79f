package dev.glimpse.types;

import java.util.Objects;

/**
 * One grounded primitive the model produced for a query: a box or a point (exactly one is non-null) with the
 * query's target as label, in pixels of the source frame.
 *
 * @param label       the query target, e.g. {@code person} or {@code red cone}
 * @param box         the box primitive, or null for a point
 * @param point       the point primitive, or null for a box
 * @param score       confidence in [0, 1], from the primitive's token probabilities
 * @param frameOffset which frame of the context the primitive refers to: 0 = the latest, -42 = 42 frames earlier
 * @param appearance  what the object looks like inside the box (for re-identification by the tracker), or null
 */
public record Detection(String label, Box box, Point point, double score, int frameOffset, Appearance appearance) {
  public Detection {
    Objects.requireNonNull(label, "label");
    if ((box == null) == (point == null)) {
      throw new IllegalArgumentException("a detection carries exactly one of box or point");
    }
    if (!(score >= 0 && score <= 1)) throw new IllegalArgumentException("score must be in [0,1]: " + score);
    if (frameOffset > 0) throw new IllegalArgumentException("frameOffset must be <= 0: " + frameOffset);
  }

  /** A detection without an appearance. */
  public Detection(String label, Box box, Point point, double score, int frameOffset) {
    this(label, box, point, score, frameOffset, null);
  }

  public static Detection ofBox(String label, Box box, double score) { return new Detection(label, box, null, score, 0); }

  public static Detection ofPoint(String label, Point point, double score) {
    return new Detection(label, null, point, score, 0);
  }

  /** The same detection with {@code appearance} (null removes it). */
  public Detection withAppearance(Appearance appearance) {
    return new Detection(label, box, point, score, frameOffset, appearance);
  }

  public boolean isBox() { return box != null; }

  /** The primitive's reference point: the box centre or the point itself. */
  public Point anchor() { return box != null ? new Point(box.centerX(), box.centerY()) : point; }
}
