package dev.glimpse.tracker;

import java.util.ArrayList;
import java.util.List;

/**
 * The knobs of {@link ByteTracker} and {@link MultiLabelTracker}. Defaults of the BYTE knobs are ByteTrack's:
 * ifzhang/ByteTrack at commit d1bf019, {@code yolox/tracker/byte_tracker.py} and the argument defaults of
 * {@code tools/demo_track.py} (track_thresh 0.5, track_buffer 30, match_thresh 0.8; its MOT17 evaluation script
 * {@code tools/track.py} uses 0.6 and 0.9 instead), except {@code lostTrackBuffer}, which is three times
 * ByteTrack's. The last ten knobs ({@code boxState}, {@code matchBuffer}, {@code lostMatchBuffer},
 * {@code motionCompensation}, {@code cameraMotionNoise}, {@code observationRecovery}, {@code coastFrames}, and the
 * three of re-identification by appearance) go beyond ByteTrack for a moving robot camera; {@link #BYTETRACK} turns
 * them off and restores ByteTrack's buffer. The config
 * module maps YAML onto this record. Every value is checked when the record is built, and all problems are reported
 * in one exception.
 *
 * <p>Similarity below means IoU for box tracks and {@code max(0, 1 - distance / pointGateDistance)} for point
 * tracks, so the same thresholds serve both primitives.
 *
 * @param frameRate                    the rate, in frames per second, at which {@code update} is called. One filter
 *                                     step is {@code 1 / frameRate} seconds; when a frame's stamp does not advance
 *                                     past the previous one, the step falls back to exactly one frame. Set it to the
 *                                     detector's real rate: too high makes the filter over-trust old velocities
 *                                     after a stall, too low makes its process noise too small between frames.
 * @param highScoreThreshold           detections scoring at least this take part in the first association and may
 *                                     start tracks. Raising it keeps weak, possibly false, detections out of the
 *                                     first pass but leaves more real objects to the stricter second pass.
 * @param lowScoreThreshold            detections scoring at or below this are discarded; those between the two
 *                                     thresholds only extend existing tracks (ByteTrack's key idea). Lowering it
 *                                     recovers occluded objects longer but lets background clutter keep dead
 *                                     tracks alive.
 * @param trackActivationThreshold     an unmatched detection starts a new track only when it scores at least this
 *                                     (ByteTrack: highScoreThreshold + 0.1). Raising it suppresses tracks born from
 *                                     false positives but delays or misses objects the model is unsure of.
 * @param firstMatchThreshold          minimum similarity (score-weighted when {@code fuseScore}) for a high-score
 *                                     detection to extend a tracked or lost track. Raising it reduces wrong
 *                                     hand-overs between close objects but breaks tracks of fast movers whose
 *                                     prediction overlaps the detection less.
 * @param secondMatchThreshold         minimum similarity for a low-score detection to extend a track. Kept higher
 *                                     than the first because low-score detections are less reliable; lowering it
 *                                     recovers more occluded objects but more often feeds a track clutter.
 * @param unconfirmedMatchThreshold    minimum similarity for a detection to extend an unconfirmed (NEW) track.
 *                                     Raising it makes confirmation harder for jittery detections.
 * @param fuseScore                    weight first-stage and unconfirmed similarities by the detection score, as
 *                                     ByteTrack does outside MOT20. Helps when scores are calibrated; turn it off
 *                                     when they are not (e.g. constant scores from a grounding model).
 * @param lostTrackBuffer              how long, in nominal frames ({@code 1 / frameRate} s, measured by the
 *                                     stamps), a track may go unmatched (state LOST) and still be recovered with
 *                                     its id: 90 is 3 s at 30 fps, whether {@code update} is called 30 or 5 times a
 *                                     second. Raising it bridges longer occlusions and brings back
 *                                     people who left the view while the camera turned away, but keeps ghost tracks
 *                                     that can capture a new object entering where one left.
 * @param minimumConsecutiveFrames     matched frames in a row a NEW track needs to be confirmed (TRACKED) and
 *                                     receive an id; a NEW track missing one frame is dropped. 1 confirms at once,
 *                                     which lets every false positive surface as a track; ByteTrack's behaviour is
 *                                     2. Raising it hides false positives but delays every new track.
 * @param duplicateThreshold           a tracked and a lost track whose boxes overlap more than this (similarity) are
 *                                     duplicates and the younger one is removed (ByteTrack: IoU distance 0.15).
 *                                     Lowering it merges more aggressively and can remove a real neighbour.
 * @param pointGateDistance            pixels: a point detection farther than this from a point track's prediction
 *                                     can never match it. Raising it follows faster points but lets ids jump
 *                                     between neighbours closer than this.
 * @param pointNoiseScale              pixels: the object size that ByteTrack's size-relative noise weights are scaled
 *                                     by for point tracks (box tracks use their own height). Raising it lets point
 *                                     tracks turn faster but makes them follow jitter more.
 * @param boxState                     the box filter's state: {@link BoxState#XYWH} (BoT-SORT: width filtered like
 *                                     the height, noise proportional to itself) or {@link BoxState#XYAH} (ByteTrack:
 *                                     aspect ratio with fixed, tiny noise). XYWH follows visible boxes whose width
 *                                     changes from frame to frame (walking legs, partial occlusion, the image
 *                                     border); XYAH smooths the width harder, which only pays when boxes are
 *                                     amodal and their aspect ratio is truly constant.
 * @param matchBuffer                  C-BIoU buffer of the first and the unconfirmed association: both boxes are
 *                                     grown by this fraction of their width and height on every side before IoU
 *                                     is taken, so a small box that moved about its own width since the last
 *                                     frame still overlaps its prediction. 0 is ByteTrack's plain IoU. Raising it
 *                                     keeps small, fast boxes but lets a track take a neighbour's detection when
 *                                     its own is missed; it has no effect on point tracks.
 * @param lostMatchBuffer              C-BIoU buffer of an extra association after BYTE's second one: LOST box tracks
 *                                     against the high-score detections nobody took, similarity at least
 *                                     {@code firstMatchThreshold} (score-fused when {@code fuseScore}). 0 turns the
 *                                     round off. Raising it re-finds objects that reappear farther from where they
 *                                     were lost (after an occlusion, while the camera turns) but lets a lost track
 *                                     capture a different object entering nearby.
 * @param motionCompensation           estimate, every frame, the image motion that all tracks share (camera pan,
 *                                     tilt, bob) from the first association's matches and move every track by it
 *                                     before associating again (BoT-SORT's camera-motion compensation, estimated
 *                                     from the tracks rather than from image features). Needed on a moving
 *                                     camera, where a turn moves every box by more than a small box's width per
 *                                     frame; on a fixed camera it only adds the noise of the estimate, and a
 *                                     single track's own motion is taken as camera motion for the others.
 * @param cameraMotionNoise            how much the shared image motion may change from one nominal frame to the
 *                                     next, a standard deviation as a fraction of the frame width
 *                                     ({@code Detections.width()}): the prior of the motion compensation's
 *                                     estimate. 0.005 is about 2 px per frame² at 378 px wide, a robot turning
 *                                     with ~5 rad/s² through a 60–100° lens. Raising it follows faster changes of
 *                                     the camera's turn but lets one or two tracks' own motion (or a track that
 *                                     took the wrong detection) move every other track; 0 removes the prior.
 * @param observationRecovery          OC-SORT's observation-centric recovery as one more association after the
 *                                     lost-track round: box tracks still unmatched against the high-score detections
 *                                     left, by the box of their last observation (not the filter's prediction),
 *                                     buffered by {@code matchBuffer}, similarity at least {@code firstMatchThreshold}
 *                                     (score-fused when {@code fuseScore}). It re-finds an object that reappears
 *                                     where it was last seen after the prediction drifted away: behind an occluder,
 *                                     or at the image border it left through when the camera turns back. It can
 *                                     also hand a lost track to a different object that appears where it vanished.
 * @param coastFrames                  a confirmed track missed for at most this many frames is still published as
 *                                     TRACKED, with its predicted box or point (DeepSORT publishes tracks missed for
 *                                     one frame). Raising it bridges more missed detections but publishes a box that
 *                                     drifts further from the object, and one where an object has just left; 0
 *                                     publishes matched tracks only, as ByteTrack does. A track is removed after
 *                                     {@code lostTrackBuffer} frames whatever this says.
 * @param reidThreshold                re-identification by appearance (detections carrying a
 *                                     {@link dev.glimpse.types.Appearance}, e.g. a {@link ColourHistogram}): when a
 *                                     new track is confirmed, it takes the id of the most similar LOST track of its
 *                                     label that nothing matched this frame, or of a track expired within
 *                                     {@code reidBuffer} frames, if that similarity reaches this threshold and beats
 *                                     every other candidate by {@code reidMargin}. 0 turns it off. Lowering it gives
 *                                     more people their id back after they were out of sight, but more often gives a
 *                                     newcomer dressed alike an old id. Detections without an appearance never
 *                                     re-identify.
 * @param reidMargin                   how much the best candidate's similarity must exceed the second best's.
 *                                     Raising it refuses more look-alikes (two people in red shirts) but also more
 *                                     true returns.
 * @param reidBuffer                   nominal frames (by the stamps, as {@code lostTrackBuffer}) an expired
 *                                     track's id stays available for re-identification (on top of
 *                                     {@code lostTrackBuffer}). Raising it recognises people who return after
 *                                     longer, at the cost of more candidates to confuse them with.
 */
public record TrackerConfig(
    double frameRate,
    double highScoreThreshold,
    double lowScoreThreshold,
    double trackActivationThreshold,
    double firstMatchThreshold,
    double secondMatchThreshold,
    double unconfirmedMatchThreshold,
    boolean fuseScore,
    int lostTrackBuffer,
    int minimumConsecutiveFrames,
    double duplicateThreshold,
    double pointGateDistance,
    double pointNoiseScale,
    BoxState boxState,
    double matchBuffer,
    double lostMatchBuffer,
    boolean motionCompensation,
    double cameraMotionNoise,
    boolean observationRecovery,
    int coastFrames,
    double reidThreshold,
    double reidMargin,
    int reidBuffer) {

  /** The box filter's state vector (see {@link KalmanFilter}). */
  public enum BoxState {
    /** ByteTrack: centre, aspect ratio, height. */
    XYAH,
    /** BoT-SORT: centre, width, height. */
    XYWH
  }

  public static final double DEFAULT_FRAME_RATE = 30;
  /** ByteTrack {@code track_thresh}. */
  public static final double DEFAULT_HIGH_SCORE_THRESHOLD = 0.5;
  /** ByteTrack's fixed 0.1 floor for second-stage detections. */
  public static final double DEFAULT_LOW_SCORE_THRESHOLD = 0.1;
  /** ByteTrack {@code det_thresh = track_thresh + 0.1}. */
  public static final double DEFAULT_TRACK_ACTIVATION_THRESHOLD = 0.6;
  /** ByteTrack {@code match_thresh} 0.8 as a cost, i.e. similarity ≥ 0.2. */
  public static final double DEFAULT_FIRST_MATCH_THRESHOLD = 0.2;
  /** ByteTrack's second association cost limit 0.5. */
  public static final double DEFAULT_SECOND_MATCH_THRESHOLD = 0.5;
  /** ByteTrack's unconfirmed association cost limit 0.7. */
  public static final double DEFAULT_UNCONFIRMED_MATCH_THRESHOLD = 0.3;
  public static final boolean DEFAULT_FUSE_SCORE = true;
  /**
   * Three times ByteTrack's {@code track_buffer} (30 at 30 fps): with observation recovery this brings back people who
   * left the simulator's view for up to 3 s (tracker/README.md, "Moving camera").
   */
  public static final int DEFAULT_LOST_TRACK_BUFFER = 90;
  /** ByteTrack {@code track_buffer} at 30 fps. */
  public static final int BYTETRACK_LOST_TRACK_BUFFER = 30;
  /** ByteTrack confirms a track on its second matched frame. */
  public static final int DEFAULT_MINIMUM_CONSECUTIVE_FRAMES = 2;
  /** ByteTrack {@code remove_duplicate_stracks}: IoU distance below 0.15. */
  public static final double DEFAULT_DUPLICATE_THRESHOLD = 0.85;
  public static final double DEFAULT_POINT_GATE_DISTANCE = 64;
  public static final double DEFAULT_POINT_NOISE_SCALE = 64;
  /** BoT-SORT's xywh state; see tracker/README.md "Accuracy" for the measured effect. */
  public static final BoxState DEFAULT_BOX_STATE = BoxState.XYWH;
  /** C-BIoU's first-stage buffer b1 = 0.3. */
  public static final double DEFAULT_MATCH_BUFFER = 0.3;
  /** Measured on the simulator scenes (tracker/README.md); C-BIoU's second stage uses 0.5. */
  public static final double DEFAULT_LOST_MATCH_BUFFER = 1.0;
  public static final boolean DEFAULT_MOTION_COMPENSATION = true;
  /** About the per-frame change of the simulator rig's image motion (tracker/README.md). */
  public static final double DEFAULT_CAMERA_MOTION_NOISE = 0.005;
  /** OC-SORT's OCR stage; measured on the simulator scenes (tracker/README.md). */
  public static final boolean DEFAULT_OBSERVATION_RECOVERY = true;
  /** DeepSORT's output rule: tracks missed for one frame are still written (deep_sort_app.py). */
  public static final int DEFAULT_COAST_FRAMES = 1;

  /** Measured on the simulator scenes with {@link ColourHistogram} descriptors (tracker/README.md). */
  public static final double DEFAULT_REID_THRESHOLD = 0.9;
  public static final double DEFAULT_REID_MARGIN = 0.1;
  /** 30 s at 30 fps. */
  public static final int DEFAULT_REID_BUFFER = 900;

  public static final TrackerConfig DEFAULTS = new TrackerConfig(DEFAULT_FRAME_RATE, DEFAULT_HIGH_SCORE_THRESHOLD,
      DEFAULT_LOW_SCORE_THRESHOLD, DEFAULT_TRACK_ACTIVATION_THRESHOLD, DEFAULT_FIRST_MATCH_THRESHOLD,
      DEFAULT_SECOND_MATCH_THRESHOLD, DEFAULT_UNCONFIRMED_MATCH_THRESHOLD, DEFAULT_FUSE_SCORE,
      DEFAULT_LOST_TRACK_BUFFER, DEFAULT_MINIMUM_CONSECUTIVE_FRAMES, DEFAULT_DUPLICATE_THRESHOLD,
      DEFAULT_POINT_GATE_DISTANCE, DEFAULT_POINT_NOISE_SCALE, DEFAULT_BOX_STATE, DEFAULT_MATCH_BUFFER,
      DEFAULT_LOST_MATCH_BUFFER, DEFAULT_MOTION_COMPENSATION, DEFAULT_CAMERA_MOTION_NOISE,
      DEFAULT_OBSERVATION_RECOVERY, DEFAULT_COAST_FRAMES, DEFAULT_REID_THRESHOLD, DEFAULT_REID_MARGIN,
      DEFAULT_REID_BUFFER);

  /**
   * ByteTrack as published (ifzhang/ByteTrack @d1bf019, with this module's deliberate differences listed in
   * tracker/README.md): xyah state, plain IoU, no lost-track round, no motion compensation, no observation
   * recovery, a 30-frame buffer, and only matched tracks published. The baseline of the measurements in
   * tracker/README.md.
   */
  public static final TrackerConfig BYTETRACK = DEFAULTS.withBoxState(BoxState.XYAH).withMatchBuffer(0)
      .withLostMatchBuffer(0).withMotionCompensation(false).withObservationRecovery(false).withCoastFrames(0)
      .withLostTrackBuffer(BYTETRACK_LOST_TRACK_BUFFER).withReid(0, DEFAULT_REID_MARGIN, DEFAULT_REID_BUFFER);

  public TrackerConfig {
    List<String> problems = new ArrayList<>();
    require(problems, Double.isFinite(frameRate) && frameRate > 0, "frameRate must be > 0: " + frameRate);
    require(problems, inUnit(lowScoreThreshold), "lowScoreThreshold must be in [0,1]: " + lowScoreThreshold);
    require(problems, inUnit(highScoreThreshold) && highScoreThreshold >= lowScoreThreshold,
        "highScoreThreshold must be in [lowScoreThreshold,1]: " + highScoreThreshold);
    require(problems, inUnit(trackActivationThreshold) && trackActivationThreshold >= highScoreThreshold,
        "trackActivationThreshold must be in [highScoreThreshold,1]: " + trackActivationThreshold);
    require(problems, inOpenUnit(firstMatchThreshold), "firstMatchThreshold must be in (0,1]: " + firstMatchThreshold);
    require(problems, inOpenUnit(secondMatchThreshold), "secondMatchThreshold must be in (0,1]: " + secondMatchThreshold);
    require(problems, inOpenUnit(unconfirmedMatchThreshold),
        "unconfirmedMatchThreshold must be in (0,1]: " + unconfirmedMatchThreshold);
    require(problems, lostTrackBuffer >= 0, "lostTrackBuffer must be >= 0 frames: " + lostTrackBuffer);
    require(problems, minimumConsecutiveFrames >= 1, "minimumConsecutiveFrames must be >= 1: " + minimumConsecutiveFrames);
    require(problems, inOpenUnit(duplicateThreshold), "duplicateThreshold must be in (0,1]: " + duplicateThreshold);
    require(problems, Double.isFinite(pointGateDistance) && pointGateDistance > 0,
        "pointGateDistance must be > 0 pixels: " + pointGateDistance);
    require(problems, Double.isFinite(pointNoiseScale) && pointNoiseScale > 0,
        "pointNoiseScale must be > 0 pixels: " + pointNoiseScale);
    require(problems, boxState != null, "boxState must be set");
    require(problems, Double.isFinite(matchBuffer) && matchBuffer >= 0 && matchBuffer <= 10,
        "matchBuffer must be in [0,10]: " + matchBuffer);
    require(problems, Double.isFinite(lostMatchBuffer) && lostMatchBuffer >= 0 && lostMatchBuffer <= 10,
        "lostMatchBuffer must be in [0,10]: " + lostMatchBuffer);
    require(problems, Double.isFinite(cameraMotionNoise) && cameraMotionNoise >= 0 && cameraMotionNoise <= 1,
        "cameraMotionNoise must be in [0,1]: " + cameraMotionNoise);
    require(problems, coastFrames >= 0, "coastFrames must be >= 0 frames: " + coastFrames);
    require(problems, inUnit(reidThreshold), "reidThreshold must be in [0,1] (0: no re-identification): " + reidThreshold);
    require(problems, Double.isFinite(reidMargin) && reidMargin >= 0 && reidMargin <= 1,
        "reidMargin must be in [0,1]: " + reidMargin);
    require(problems, reidBuffer >= 0, "reidBuffer must be >= 0 frames: " + reidBuffer);
    if (!problems.isEmpty()) throw new IllegalArgumentException("invalid TrackerConfig: " + String.join("; ", problems));
  }

  /** The same config with a different lost-track buffer (frames). */
  public TrackerConfig withLostTrackBuffer(int frames) {
    Knobs k = new Knobs(this);
    k.lostTrackBuffer = frames;
    return k.build();
  }

  /** The same config with a different number of frames needed to confirm a track. */
  public TrackerConfig withMinimumConsecutiveFrames(int frames) {
    Knobs k = new Knobs(this);
    k.minimumConsecutiveFrames = frames;
    return k.build();
  }

  /** The same config with a different nominal frame rate (frames per second). */
  public TrackerConfig withFrameRate(double fps) {
    Knobs k = new Knobs(this);
    k.frameRate = fps;
    return k.build();
  }

  /** The same config with a different box filter state. */
  public TrackerConfig withBoxState(BoxState state) {
    Knobs k = new Knobs(this);
    k.boxState = state;
    return k.build();
  }

  /** The same config with a different first-association buffer. */
  public TrackerConfig withMatchBuffer(double buffer) {
    Knobs k = new Knobs(this);
    k.matchBuffer = buffer;
    return k.build();
  }

  /** The same config with a different lost-track association buffer (0: no such round). */
  public TrackerConfig withLostMatchBuffer(double buffer) {
    Knobs k = new Knobs(this);
    k.lostMatchBuffer = buffer;
    return k.build();
  }

  /** The same config with motion compensation on or off. */
  public TrackerConfig withMotionCompensation(boolean on) {
    Knobs k = new Knobs(this);
    k.motionCompensation = on;
    return k.build();
  }

  /** The same config with a different prior on the change of the shared image motion (fraction of the width). */
  public TrackerConfig withCameraMotionNoise(double fraction) {
    Knobs k = new Knobs(this);
    k.cameraMotionNoise = fraction;
    return k.build();
  }

  /** The same config with observation-centric recovery on or off. */
  public TrackerConfig withObservationRecovery(boolean on) {
    Knobs k = new Knobs(this);
    k.observationRecovery = on;
    return k.build();
  }

  /** The same config publishing tracks missed for up to {@code frames} frames (0: matched tracks only). */
  public TrackerConfig withCoastFrames(int frames) {
    Knobs k = new Knobs(this);
    k.coastFrames = frames;
    return k.build();
  }

  /** The same config re-identifying by appearance at {@code threshold} (0: off), with the given margin and buffer. */
  public TrackerConfig withReid(double threshold, double margin, int buffer) {
    Knobs k = new Knobs(this);
    k.reidThreshold = threshold;
    k.reidMargin = margin;
    k.reidBuffer = buffer;
    return k.build();
  }

  /** Every field, mutable: each wither copies the config, changes one knob and builds (one constructor call). */
  private static final class Knobs {
    double frameRate;
    double highScoreThreshold;
    double lowScoreThreshold;
    double trackActivationThreshold;
    double firstMatchThreshold;
    double secondMatchThreshold;
    double unconfirmedMatchThreshold;
    boolean fuseScore;
    int lostTrackBuffer;
    int minimumConsecutiveFrames;
    double duplicateThreshold;
    double pointGateDistance;
    double pointNoiseScale;
    BoxState boxState;
    double matchBuffer;
    double lostMatchBuffer;
    boolean motionCompensation;
    double cameraMotionNoise;
    boolean observationRecovery;
    int coastFrames;
    double reidThreshold;
    double reidMargin;
    int reidBuffer;

    Knobs(TrackerConfig c) {
      frameRate = c.frameRate;
      highScoreThreshold = c.highScoreThreshold;
      lowScoreThreshold = c.lowScoreThreshold;
      trackActivationThreshold = c.trackActivationThreshold;
      firstMatchThreshold = c.firstMatchThreshold;
      secondMatchThreshold = c.secondMatchThreshold;
      unconfirmedMatchThreshold = c.unconfirmedMatchThreshold;
      fuseScore = c.fuseScore;
      lostTrackBuffer = c.lostTrackBuffer;
      minimumConsecutiveFrames = c.minimumConsecutiveFrames;
      duplicateThreshold = c.duplicateThreshold;
      pointGateDistance = c.pointGateDistance;
      pointNoiseScale = c.pointNoiseScale;
      boxState = c.boxState;
      matchBuffer = c.matchBuffer;
      lostMatchBuffer = c.lostMatchBuffer;
      motionCompensation = c.motionCompensation;
      cameraMotionNoise = c.cameraMotionNoise;
      observationRecovery = c.observationRecovery;
      coastFrames = c.coastFrames;
      reidThreshold = c.reidThreshold;
      reidMargin = c.reidMargin;
      reidBuffer = c.reidBuffer;
    }

    TrackerConfig build() {
      return new TrackerConfig(frameRate, highScoreThreshold, lowScoreThreshold, trackActivationThreshold,
          firstMatchThreshold, secondMatchThreshold, unconfirmedMatchThreshold, fuseScore, lostTrackBuffer,
          minimumConsecutiveFrames, duplicateThreshold, pointGateDistance, pointNoiseScale, boxState, matchBuffer,
          lostMatchBuffer, motionCompensation, cameraMotionNoise, observationRecovery, coastFrames, reidThreshold,
          reidMargin, reidBuffer);
    }
  }

  private static boolean inUnit(double v) { return v >= 0 && v <= 1; }

  private static boolean inOpenUnit(double v) { return v > 0 && v <= 1; }

  private static void require(List<String> problems, boolean ok, String message) {
    if (!ok) problems.add(message);
  }
}
