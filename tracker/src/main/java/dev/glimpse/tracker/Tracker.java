package dev.glimpse.tracker;

import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import java.util.List;

/**
 * A multi-object tracker: one {@link #update} per frame, in stamp order, for one stream.
 *
 * <p>Implementations are deterministic (the same calls give the same tracks and ids) and single-threaded.
 */
public interface Tracker {

  /**
   * Feeds one frame's detections and returns the tracks after it, sorted by id: every confirmed track that is
   * {@code TRACKED} (matched this frame) or {@code LOST} (not matched, box or point predicted), plus each track
   * removed in this frame, reported once with state {@code REMOVED}. Unconfirmed ({@code NEW}) tracks have no id
   * yet and are not returned. Publish {@code state() == TRACKED} for ByteTrack's output.
   *
   * @param dets the frame's detections; its stamp is the tracker's clock
   */
  List<Track> update(Detections dets);

  /** Returns to the exact state of a freshly constructed tracker, id source included. */
  void reset();
}
