package dev.glimpse.tracker;

import dev.glimpse.tracker.Association.Candidate;
import dev.glimpse.types.Appearance;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Stamp;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

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
 * <p>For a moving camera six more steps, each a {@link TrackerConfig} knob that {@link TrackerConfig#BYTETRACK}
 * turns off: boxes are filtered in BoT-SORT's xywh state; the first and unconfirmed associations use C-BIoU's
 * buffered IoU; the image motion shared by all tracks is estimated from the first association and compensated
 * (then the first association runs again); lost tracks get one more chance against the leftover high-score
 * detections with a larger buffer, and then one by the box they were last observed at (OC-SORT's
 * observation-centric recovery), both in order of how recently each track was matched; and a track missed for up
 * to {@code coastFrames} frames is still published, with its predicted box. Velocities are kept relative to the
 * shared motion; published velocities include it.
 *
 * <p>With detections that carry an {@link Appearance}, a newly confirmed track can take back the id of an object
 * that was out of sight longer than its motion model could bridge: a LOST track nothing matched, or one expired in
 * the last {@code reidBuffer} frames, whose running mean appearance is clearly the most similar
 * ({@code reidThreshold}, {@code reidMargin}). Ids still come from the {@link IdSource} in confirmation order, and
 * one that is taken back is never handed out twice.
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
  /** Identities of expired tracks that a new track may still take by appearance, oldest first. */
  private final List<Dormant> gallery = new ArrayList<>();
  /**
   * The image motion shared by all tracks (camera pan, tilt, bob), pixels per nominal frame, added to every track's
   * prediction; each track's filter velocity is its own motion relative to it. Stays 0 without motion
   * compensation.
   */
  private double cameraX, cameraY;
  private long frame;
  /**
   * Nominal frames elapsed by the stamps (the sum of the filter's steps): what the lost-track and re-identification
   * buffers are measured in, so that they are durations whatever rate {@code update} is called at.
   */
  private double clock;
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

  /** A box tracker: xywh or xyah Kalman filter ({@link TrackerConfig#boxState()}), IoU similarity. */
  public static ByteTracker forBoxes(TrackerConfig config, IdSource ids) {
    return new ByteTracker(config, ids, new Geometry.Boxes(config.boxState() == TrackerConfig.BoxState.XYWH));
  }

  /** A point tracker: xy Kalman filter, similarity {@code 1 - distance / pointGateDistance}. */
  public static ByteTracker forPoints(TrackerConfig config, IdSource ids) {
    return new ByteTracker(config, ids, new Geometry.Points(config.pointNoiseScale(), config.pointGateDistance()));
  }

  @Override
  public List<Track> update(Detections dets) {
    frame++;
    double dt = step(dets.stamp());
    clock += dt;

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

    // Predict every track's box with the Kalman filter, moved by the shared image motion.
    List<STrack> pool = new ArrayList<>(); // tracked and lost
    List<STrack> unconfirmed = new ArrayList<>();
    for (STrack t : tracks) {
      if (t.state != TrackState.TRACKED) for (int axis : geometry.frozenVelocityAxes()) t.mean[axes + axis] = 0;
      filter.predict(t.mean, t.cov, dt);
      t.mean[0] += cameraX * dt;
      t.mean[1] += cameraY * dt;
      geometry.footprint(t.mean, t.footprint);
      (t.state == TrackState.NEW ? unconfirmed : pool).add(t);
    }

    // First association: high-score detections against tracked and lost tracks. With motion compensation the
    // matches measure the shared motion's change; every track is moved by it and the association runs again.
    boolean[] highUsed = new boolean[high.size()];
    int[] first = Association.match(geometry, pool, high, config.firstMatchThreshold(), config.fuseScore(),
        config.matchBuffer());
    if (config.motionCompensation() && compensate(pool, high, first, dt, dets.width())) {
      first = Association.match(geometry, pool, high, config.firstMatchThreshold(), config.fuseScore(),
          config.matchBuffer());
    }
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

    // Lost-track association: tracks still unmatched against the high-score detections left, with a larger buffer.
    if (config.lostMatchBuffer() > 0 && geometry instanceof Geometry.Boxes) {
      associateLeftovers(remaining, high, highUsed, false, config.lostMatchBuffer());
    }
    // Observation-centric recovery (OCR of OC-SORT, Cao et al., CVPR 2023, arXiv:2203.14360): the same by the box
    // each track was last observed at, since the prediction of a lost track drifts with a velocity it may no longer
    // have.
    if (config.observationRecovery() && geometry instanceof Geometry.Boxes) {
      associateLeftovers(remaining, high, highUsed, true, config.matchBuffer());
    }
    for (STrack t : remaining) if (t.lastMatchFrame != frame) t.state = TrackState.LOST;

    // Unconfirmed tracks: usually seen in one frame only; a miss removes them.
    List<Integer> freeIdx = unused(highUsed);
    List<Candidate> free = pick(high, freeIdx);
    int[] fourth = Association.match(geometry, unconfirmed, free, config.unconfirmedMatchThreshold(),
        config.fuseScore(), config.matchBuffer());
    for (int i = 0; i < unconfirmed.size(); i++) {
      STrack t = unconfirmed.get(i);
      if (fourth[i] == Lap.UNASSIGNED) {
        t.state = TrackState.REMOVED; // never had an id: not reported
        continue;
      }
      correct(t, free.get(fourth[i]));
      highUsed[freeIdx.get(fourth[i])] = true;
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
      if (t.state == TrackState.LOST && past(t.lastMatchClock, config.lostTrackBuffer())) {
        t.state = TrackState.REMOVED;
        removedNow.add(t);
        if (config.reidThreshold() > 0 && config.reidBuffer() > 0 && t.appearance != null) {
          gallery.add(new Dormant(t.id, t.label, t.appearance, clock));
        }
      }
    }
    gallery.removeIf(d -> past(d.removedClock, config.reidBuffer()));
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
    gallery.clear();
    frame = 0;
    clock = 0;
    nextSerial = 0;
    hasStamp = false;
    lastStampNanos = 0;
    cameraX = 0;
    cameraY = 0;
    ids.reset();
  }

  /** Whether the tracker holds no live track (a {@link MultiLabelTracker} then drops it). */
  boolean isEmpty() { return tracks.isEmpty() && gallery.isEmpty(); }

  /** The filter step in nominal frames from the stamps; one frame when the stamp does not advance. */
  private double step(Stamp stamp) {
    long nanos = stamp.toNanos();
    double dt = 1;
    if (hasStamp && nanos > lastStampNanos) dt = (nanos - lastStampNanos) * 1e-9 * config.frameRate();
    hasStamp = true;
    lastStampNanos = nanos;
    return dt;
  }

  /**
   * Motion compensation from the first association: the change of the shared image motion since the last frame is
   * estimated per axis from the matched TRACKED tracks' innovations (detection centre − predicted centre) by
   * {@link RobustMean#of}: each innovation with standard deviation {@link #INNOVATION_STD_FACTOR} × the filter's
   * measurement noise, so far, small objects, whose image motion a camera turn dominates, count more than near,
   * large ones, whose own motion, box jitter and occlusion-driven shape changes are larger in pixels; the prior,
   * {@code cameraMotionNoise} × the frame width × √dt, keeps one or two tracks from dragging every other track
   * along with their own motion. Every track is moved by the estimate, which is also added to the shared motion,
   * so the next prediction carries it.
   *
   * @param width the frame's width in pixels ({@link Detections#width()})
   * @return whether a shift was applied and a second association could match more (a track and a detection are
   *     both still free)
   */
  private boolean compensate(List<STrack> pool, List<Candidate> high, int[] first, double dt, int width) {
    int n = 0;
    for (int i = 0; i < pool.size(); i++) {
      if (first[i] != Lap.UNASSIGNED && pool.get(i).state == TrackState.TRACKED) n++;
    }
    if (n == 0) return false;
    double[][] innovations = new double[2][n]; // (axis, track)
    double[][] sigmas = new double[2][n];
    int k = 0;
    boolean trackLeft = false;
    for (int i = 0; i < pool.size(); i++) {
      STrack t = pool.get(i);
      if (first[i] == Lap.UNASSIGNED) {
        trackLeft = true;
        continue;
      }
      if (t.state != TrackState.TRACKED) continue;
      double[] z = high.get(first[i]).z();
      for (int axis = 0; axis < 2; axis++) {
        innovations[axis][k] = z[axis] - t.mean[axis];
        sigmas[axis][k] = INNOVATION_STD_FACTOR * filter.measurementStd(t.mean, axis);
      }
      k++;
    }
    double prior = config.cameraMotionNoise() * width * Math.sqrt(dt);
    double shiftX = RobustMean.of(innovations[0], sigmas[0], prior);
    double shiftY = RobustMean.of(innovations[1], sigmas[1], prior);
    for (STrack t : tracks) {
      t.mean[0] += shiftX;
      t.mean[1] += shiftY;
      geometry.footprint(t.mean, t.footprint);
    }
    cameraX += shiftX / dt;
    cameraY += shiftY / dt;
    boolean detectionLeft = false;
    boolean[] taken = new boolean[high.size()];
    for (int j : first) if (j != Lap.UNASSIGNED) taken[j] = true;
    for (boolean b : taken) detectionLeft |= !b;
    return trackLeft && detectionLeft;
  }

  /**
   * A matched track's innovation is its measurement noise plus its own unpredicted motion; both grow with its size,
   * and together they are taken as twice the filter's measurement noise, a tenth of the box size.
   */
  static final double INNOVATION_STD_FACTOR = 2;

  /**
   * One more association for the tracks of {@code remaining} still unmatched in this frame, against the high-score
   * detections nobody took: score-fused (when {@code fuseScore}) similarity of the footprints buffered by
   * {@code buffer}, at least {@code firstMatchThreshold}. Each track stands at its predicted footprint, or, with
   * {@code byObservation}, at the footprint of its last observation. Tracks take their turn by how recently they
   * were matched, the most recent first (DeepSORT's matching cascade, Wojke et al., ICIP 2017, §2.3): a track lost
   * long ago, whose position is the least certain, cannot take the detection of one missed a frame ago.
   */
  private void associateLeftovers(List<STrack> remaining, List<Candidate> high, boolean[] highUsed,
                                  boolean byObservation, double buffer) {
    TreeMap<Long, List<STrack>> byMissed = new TreeMap<>(); // frames since the last match → tracks, serial order
    for (STrack t : remaining) {
      if (t.lastMatchFrame != frame) byMissed.computeIfAbsent(frame - t.lastMatchFrame, k -> new ArrayList<>()).add(t);
    }
    for (List<STrack> level : byMissed.values()) {
      List<Integer> leftIdx = unused(highUsed);
      if (leftIdx.isEmpty()) return;
      List<Candidate> left = pick(high, leftIdx);
      double[][] footprints = new double[level.size()][]; // (tracks, 4)
      for (int i = 0; i < footprints.length; i++) {
        STrack t = level.get(i);
        footprints[i] = byObservation ? t.observedFootprint : t.footprint;
      }
      int[] matched = Association.match(geometry, level, footprints, left, config.firstMatchThreshold(),
          config.fuseScore(), buffer);
      for (int i = 0; i < level.size(); i++) {
        if (matched[i] == Lap.UNASSIGNED) continue;
        correct(level.get(i), left.get(matched[i]));
        highUsed[leftIdx.get(matched[i])] = true;
      }
    }
  }

  private STrack start(Candidate c) {
    STrack t = new STrack(nextSerial++, c.detection().label(), axes, frame, clock);
    filter.initiate(c.z(), t.mean, t.cov);
    geometry.footprint(c.z(), t.observedFootprint);
    t.score = c.detection().score();
    geometry.footprint(t.mean, t.footprint);
    observeAppearance(t, c.detection());
    if (config.minimumConsecutiveFrames() <= 1) confirm(t);
    return t;
  }

  /** Kalman update with an associated detection; a lost track becomes tracked again (re-activation). */
  private void correct(STrack t, Candidate c) {
    filter.update(t.mean, t.cov, c.z());
    geometry.footprint(c.z(), t.observedFootprint);
    geometry.footprint(t.mean, t.footprint);
    t.score = c.detection().score();
    t.lastMatchFrame = frame;
    t.lastMatchClock = clock;
    if (t.state == TrackState.LOST) t.state = TrackState.TRACKED;
    observeAppearance(t, c.detection());
  }

  /**
   * Folds a matched detection's appearance into the track's running mean (BoT-SORT's exponential moving average,
   * momentum {@link #APPEARANCE_MOMENTUM}), kept at unit length.
   */
  private static void observeAppearance(STrack t, Detection d) {
    Appearance a = d.appearance();
    if (a == null) return;
    if (t.appearance == null || t.appearance.length != a.length()) {
      t.appearance = a.vector();
      return;
    }
    double norm = 0;
    for (int i = 0; i < t.appearance.length; i++) {
      float v = (float) (APPEARANCE_MOMENTUM * t.appearance[i] + (1 - APPEARANCE_MOMENTUM) * a.get(i));
      t.appearance[i] = v;
      norm += (double) v * v;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < t.appearance.length; i++) t.appearance[i] *= inv;
  }

  /** BoT-SORT's appearance momentum (Aharon et al., arXiv:2206.14651, §3.3). */
  static final double APPEARANCE_MOMENTUM = 0.9;

  /**
   * Gives a track its id: a new one, or, with re-identification on, the id of an object it is recognised as by
   * appearance: a LOST track of its label that nothing matched this frame, or an expired one still in the gallery.
   * The most similar one is taken when its similarity reaches {@code reidThreshold} and beats every other candidate
   * identity by {@code reidMargin}; a LOST track so taken ends without being reported as removed (its id lives on).
   */
  private void confirm(STrack t) {
    t.state = TrackState.TRACKED;
    Object known = config.reidThreshold() > 0 && t.appearance != null ? recognise(t) : null;
    switch (known) {
      case STrack lost -> {
        t.id = lost.id;
        lost.state = TrackState.REMOVED;
        lost.id = 0;
      }
      case Dormant d -> {
        t.id = d.id;
        gallery.remove(d);
      }
      case null, default -> t.id = ids.next();
    }
  }

  /** The LOST track or gallery entry {@code t} is clearly the most similar to, or null. */
  private Object recognise(STrack t) {
    Ranking r = new Ranking(t.appearance);
    for (STrack q : tracks) {
      if (q != t && q.id != 0 && q.state == TrackState.LOST && q.lastMatchFrame != frame && q.label.equals(t.label)) {
        r.offer(q, q.appearance);
      }
    }
    for (Dormant d : gallery) if (d.label.equals(t.label)) r.offer(d, d.appearance);
    return r.best >= config.reidThreshold() && r.best - r.second >= config.reidMargin() ? r.top : null;
  }

  /** The most similar candidate to a probe appearance, and the two highest similarities. */
  private static final class Ranking {
    final float[] probe;
    Object top;
    double best = -1, second = -1;

    Ranking(float[] probe) { this.probe = probe; }

    void offer(Object candidate, float[] appearance) {
      if (appearance == null || appearance.length != probe.length) return;
      double s = similarity(probe, appearance);
      if (s > best) {
        second = best;
        best = s;
        top = candidate;
      } else if (s > second) {
        second = s;
      }
    }
  }

  private static double similarity(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  /** An expired track's identity, kept for re-identification for {@code reidBuffer} nominal frames after removal. */
  private record Dormant(long id, String label, float[] appearance, double removedClock) {}

  /**
   * Whether more than {@code buffer} nominal frames have passed since {@code since} on the clock. Half a frame of
   * slack absorbs stamps rounded to the nanosecond, so that at the nominal rate this counts updates exactly.
   */
  private boolean past(double since, int buffer) { return clock - since > buffer + 0.5; }

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

  /**
   * The published form of a track: the footprint of the filter's mean (corrected when matched this frame, predicted
   * otherwise). A LOST track missed for at most {@code coastFrames} frames is published as TRACKED.
   */
  private Track publish(STrack t) {
    double fps = config.frameRate();
    boolean coasting = t.state == TrackState.LOST && frame - t.lastMatchFrame <= config.coastFrames();
    return new Track(t.id, t.label, geometry.box(t.footprint), geometry.point(t.footprint), t.score,
        (t.mean[axes] + cameraX) * fps, (t.mean[axes + 1] + cameraY) * fps, (int) (frame - t.startFrame),
        coasting ? TrackState.TRACKED : t.state);
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
