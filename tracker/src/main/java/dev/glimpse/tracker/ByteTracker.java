package dev.glimpse.tracker;

import dev.glimpse.tracker.Association.Candidate;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Stamp;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * BYTE (Zhang et al., "ByteTrack: Multi-Object Tracking by Associating Every Detection Box", ECCV 2022,
 * arXiv:2110.06864, Algorithm 1) for one primitive kind: boxes ({@link #forBoxes}) or points
 * ({@link #forPoints}). One instance follows one stream; detections of the other kind and detections about
 * earlier frames ({@code frameOffset != 0}) are ignored. Tracks never take a detection of another label.
 *
 * <p>Each {@link #update} runs the stages of the reference implementation (ifzhang/ByteTrack @d1bf019,
 * {@code byte_tracker.py}): predict, first association (high-score detections against tracked and lost tracks),
 * second association (low-score detections against the remaining tracked ones), unconfirmed tracks, new tracks,
 * lost-track expiry, duplicate removal. Differences from the reference, all deliberate: ids are handed out when a
 * track is confirmed, so ids never skip (supervision #1355, #1320); unconfirmed tracks are predicted too; the
 * filter steps by the time between stamps; a track needs {@code minimumConsecutiveFrames} matches to confirm.
 *
 * <p>Deterministic: tracks are kept in creation order and detections in input order; nothing iterates a hash.
 * Not thread-safe.
 */
public final class ByteTracker implements Tracker {

  private final TrackerConfig config;
  private final IdSource ids;
  private final Geometry geometry;
  private final KalmanFilter filter;
  private final int axes;
  /** Live tracks (NEW, TRACKED, LOST) in creation order. */
  private final List<STrack> tracks = new ArrayList<>();
  private long frame;
  private long nextSerial;
  private boolean hasStamp;
  private long lastStampNanos;

  private ByteTracker(TrackerConfig config, IdSource ids, Geometry geometry) {
    this.config = Objects.requireNonNull(config, "config");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.geometry = geometry;
    this.filter = geometry.filter();
    this.axes = filter.axes();
  }

  /** A box tracker: xyah Kalman filter, IoU similarity. */
  public static ByteTracker forBoxes(TrackerConfig config, IdSource ids) {
    return new ByteTracker(config, ids, new Geometry.Boxes());
  }

  /** A point tracker: xy Kalman filter, similarity {@code 1 - distance / pointGateDistance}. */
  public static ByteTracker forPoints(TrackerConfig config, IdSource ids) {
    return new ByteTracker(config, ids, new Geometry.Points(config.pointNoiseScale(), config.pointGateDistance()));
  }

  @Override
  public List<Track> update(Detections dets) {
    frame++;
    double dt = step(dets.stamp());

    // Split detections by score: D_high and D_low; at or below the low threshold they are background.
    List<Candidate> high = new ArrayList<>();
    List<Candidate> low = new ArrayList<>();
    for (Detection d : dets.items()) {
      if (d.frameOffset() != 0 || !geometry.accepts(d) || d.score() <= config.lowScoreThreshold()) continue;
      double[] fp = new double[Geometry.FOOTPRINT];
      double[] z = new double[axes];
      geometry.footprint(d, fp);
      geometry.measure(d, z);
      (d.score() >= config.highScoreThreshold() ? high : low).add(new Candidate(d, fp, z));
    }

    // Predict every track's box with the Kalman filter.
    int frozen = geometry.frozenVelocityAxis();
    List<STrack> pool = new ArrayList<>(); // tracked and lost
    List<STrack> unconfirmed = new ArrayList<>();
    for (STrack t : tracks) {
      if (t.state != TrackState.TRACKED && frozen >= 0) t.mean[axes + frozen] = 0;
      filter.predict(t.mean, t.cov, dt);
      geometry.footprint(t.mean, t.footprint);
      (t.state == TrackState.NEW ? unconfirmed : pool).add(t);
    }

    // First association: high-score detections against tracked and lost tracks.
    boolean[] highUsed = new boolean[high.size()];
    int[] first = Association.match(geometry, pool, high, config.firstMatchThreshold(), config.fuseScore());
    List<STrack> remaining = new ArrayList<>();
    for (int i = 0; i < pool.size(); i++) {
      if (first[i] == Lap.UNASSIGNED) {
        remaining.add(pool.get(i));
      } else {
        correct(pool.get(i), high.get(first[i]));
        highUsed[first[i]] = true;
      }
    }

    // Second association: low-score detections against the remaining tracked (not lost) tracks, IoU only.
    List<STrack> remainingTracked = new ArrayList<>();
    for (STrack t : remaining) if (t.state == TrackState.TRACKED) remainingTracked.add(t);
    int[] second = Association.match(geometry, remainingTracked, low, config.secondMatchThreshold(), false);
    for (int i = 0; i < remainingTracked.size(); i++) {
      if (second[i] != Lap.UNASSIGNED) correct(remainingTracked.get(i), low.get(second[i]));
    }
    for (STrack t : remaining) if (t.lastMatchFrame != frame) t.state = TrackState.LOST;

    // Unconfirmed tracks: usually seen in one frame only; a miss removes them.
    List<Integer> freeIdx = unused(highUsed);
    List<Candidate> free = pick(high, freeIdx);
    int[] third = Association.match(geometry, unconfirmed, free, config.unconfirmedMatchThreshold(),
        config.fuseScore());
    for (int i = 0; i < unconfirmed.size(); i++) {
      STrack t = unconfirmed.get(i);
      if (third[i] == Lap.UNASSIGNED) {
        t.state = TrackState.REMOVED; // never had an id: not reported
        continue;
      }
      correct(t, free.get(third[i]));
      highUsed[freeIdx.get(third[i])] = true;
      t.hits++;
      if (t.hits >= config.minimumConsecutiveFrames()) confirm(t);
    }

    // New tracks from the high-score detections nobody took.
    for (int j = 0; j < high.size(); j++) {
      if (highUsed[j] || high.get(j).detection().score() < config.trackActivationThreshold()) continue;
      tracks.add(start(high.get(j)));
    }

    // Lost tracks past the buffer are removed; then duplicates between tracked and lost ones.
    List<STrack> removedNow = new ArrayList<>();
    for (STrack t : tracks) {
      if (t.state == TrackState.LOST && frame - t.lastMatchFrame > config.lostTrackBuffer()) {
        t.state = TrackState.REMOVED;
        removedNow.add(t);
      }
    }
    removeDuplicates(removedNow);

    List<Track> out = new ArrayList<>();
    for (STrack t : tracks) if (t.state == TrackState.TRACKED || t.state == TrackState.LOST) out.add(publish(t));
    for (STrack t : removedNow) out.add(publish(t));
    out.sort(Comparator.comparingLong(Track::id));
    tracks.removeIf(t -> t.state == TrackState.REMOVED);
    return out;
  }

  @Override
  public void reset() {
    tracks.clear();
    frame = 0;
    nextSerial = 0;
    hasStamp = false;
    lastStampNanos = 0;
    ids.reset();
  }

  /** Whether the tracker holds no live track (a {@link MultiLabelTracker} then drops it). */
  boolean isEmpty() { return tracks.isEmpty(); }

  /** The filter step in nominal frames from the stamps; one frame when the stamp does not advance. */
  private double step(Stamp stamp) {
    long nanos = stamp.toNanos();
    double dt = 1;
    if (hasStamp && nanos > lastStampNanos) dt = (nanos - lastStampNanos) * 1e-9 * config.frameRate();
    hasStamp = true;
    lastStampNanos = nanos;
    return dt;
  }

  private STrack start(Candidate c) {
    STrack t = new STrack(nextSerial++, c.detection().label(), axes, frame);
    filter.initiate(c.z(), t.mean, t.cov);
    t.score = c.detection().score();
    geometry.footprint(t.mean, t.footprint);
    if (config.minimumConsecutiveFrames() <= 1) confirm(t);
    return t;
  }

  /** Kalman update with an associated detection; a lost track becomes tracked again (re-activation). */
  private void correct(STrack t, Candidate c) {
    filter.update(t.mean, t.cov, c.z());
    geometry.footprint(t.mean, t.footprint);
    t.score = c.detection().score();
    t.lastMatchFrame = frame;
    if (t.state == TrackState.LOST) t.state = TrackState.TRACKED;
  }

  private void confirm(STrack t) {
    t.id = ids.next();
    t.state = TrackState.TRACKED;
  }

  /**
   * ByteTrack's {@code remove_duplicate_stracks}: a tracked and a lost track of one label that overlap more than
   * the threshold describe one object; the one with the shorter history is removed.
   */
  private void removeDuplicates(List<STrack> removedNow) {
    List<STrack> lost = new ArrayList<>();
    for (STrack t : tracks) if (t.state == TrackState.LOST) lost.add(t);
    if (lost.isEmpty()) return;
    List<STrack> dropped = new ArrayList<>();
    for (STrack p : tracks) {
      if (p.state != TrackState.TRACKED) continue;
      for (STrack q : lost) {
        if (!p.label.equals(q.label)) continue;
        if (geometry.similarity(p.footprint, q.footprint) <= config.duplicateThreshold()) continue;
        long historyP = p.lastMatchFrame - p.startFrame;
        long historyQ = q.lastMatchFrame - q.startFrame;
        STrack loser = historyP > historyQ ? q : p;
        if (!dropped.contains(loser)) dropped.add(loser);
      }
    }
    for (STrack t : dropped) {
      t.state = TrackState.REMOVED;
      removedNow.add(t);
    }
  }

  private Track publish(STrack t) {
    double fps = config.frameRate();
    return new Track(t.id, t.label, geometry.box(t.footprint), geometry.point(t.footprint), t.score,
        t.mean[axes] * fps, t.mean[axes + 1] * fps, (int) (frame - t.startFrame), t.state);
  }

  private static List<Integer> unused(boolean[] used) {
    List<Integer> idx = new ArrayList<>();
    for (int j = 0; j < used.length; j++) if (!used[j]) idx.add(j);
    return idx;
  }

  private static List<Candidate> pick(List<Candidate> all, List<Integer> idx) {
    List<Candidate> out = new ArrayList<>(idx.size());
    for (int j : idx) out.add(all.get(j));
    return out;
  }
}
