package dev.glimpse.types;

import java.util.Objects;

/**
 * A tracked object as published: identity, label, the current box or point (one is non-null), and motion.
 *
 * @param id    track id, unique per tracker instance until {@code reset()}; starts at 1
 * @param label the query target the track follows; a track never changes label
 * @param box   current box estimate in pixels, or null for a point track
 * @param point current point estimate in pixels, or null for a box track
 * @param score score of the last associated detection
 * @param vx    velocity of the anchor along x, pixels per second
 * @param vy    velocity of the anchor along y, pixels per second
 * @param age   frames since the track was created
 * @param state lifecycle state
 */
public record Track(long id, String label, Box box, Point point, double score, double vx, double vy, int age,
                    TrackState state) {
  public Track {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(state, "state");
    if ((box == null) == (point == null)) throw new IllegalArgumentException("a track carries exactly one of box or point");
  }
}
