package dev.glimpse.sim.eval;

import dev.glimpse.types.Box;

/**
 * One line of a MOTChallenge text file, the ten columns of TrackEval's {@code docs/MOTChallenge-format.txt}:
 * {@code <frame>,<id>,<bb_left>,<bb_top>,<bb_width>,<bb_height>,<conf>,<x>,<y>,<z>}. Frames and ids are 1-based;
 * boxes are in pixels.
 *
 * <p>In a ground-truth file ({@code gt/gt.txt}) columns 7 to 9 mean something else: {@code conf} is the
 * consider flag (0 = ignore), {@code x} the class (1 = pedestrian) and {@code y} the visibility ratio; see
 * {@link #considered()}, {@link #classId()} and {@link #visibility()}. A tracker file sets x, y, z to -1.
 */
public record MotRow(int frame, long id, double left, double top, double width, double height, double conf,
                     double x, double y, double z) {

  /** MOTChallenge class ids (TrackEval {@code mot_challenge_2d_box.py}). */
  public static final int PEDESTRIAN = 1;

  public MotRow {
    if (frame < 1) throw new IllegalArgumentException("MOTChallenge frames are 1-based: " + frame);
  }

  /** A tracker row: x, y, z are -1. */
  public static MotRow ofTracker(int frame, long id, Box box, double conf) {
    return new MotRow(frame, id, box.x1(), box.y1(), box.width(), box.height(), conf, -1, -1, -1);
  }

  /** A ground-truth row: consider flag, class and visibility in columns 7 to 9. */
  public static MotRow ofGroundTruth(int frame, long id, Box box, boolean considered, int classId, double visibility) {
    return new MotRow(frame, id, box.x1(), box.y1(), box.width(), box.height(), considered ? 1 : 0, classId,
        visibility, -1);
  }

  /** Ground truth: whether the row is scored (column 7 non-zero). */
  public boolean considered() { return conf != 0; }

  /** Ground truth: the class in column 8. */
  public int classId() { return (int) x; }

  /** Ground truth: the visibility ratio in column 9. */
  public double visibility() { return y; }

  /** The box; width and height must not be negative. */
  public Box box() { return Box.ofLtwh(left, top, width, height); }
}
