package dev.glimpse.tracker;

import java.util.ArrayList;
import java.util.List;

/**
 * The knobs of {@link ByteTracker} and {@link MultiLabelTracker}. Defaults are ByteTrack's: ifzhang/ByteTrack at
 * commit d1bf019, {@code yolox/tracker/byte_tracker.py} and the argument defaults of {@code tools/demo_track.py}
 * (track_thresh 0.5, track_buffer 30, match_thresh 0.8; its MOT17 evaluation script {@code tools/track.py} uses
 * 0.6 and 0.9 instead). The config module maps YAML onto this record. Every value is checked when the record is built, and all problems
 * are reported in one exception.
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
 * @param lostTrackBuffer              how many consecutive frames a track may go unmatched (state LOST) and still be
 *                                     recovered with its id. Raising it bridges longer occlusions but keeps ghost
 *                                     tracks that can capture a new object entering where one left.
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
    double pointNoiseScale) {

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
  /** ByteTrack {@code track_buffer} at 30 fps. */
  public static final int DEFAULT_LOST_TRACK_BUFFER = 30;
  /** ByteTrack confirms a track on its second matched frame. */
  public static final int DEFAULT_MINIMUM_CONSECUTIVE_FRAMES = 2;
  /** ByteTrack {@code remove_duplicate_stracks}: IoU distance below 0.15. */
  public static final double DEFAULT_DUPLICATE_THRESHOLD = 0.85;
  public static final double DEFAULT_POINT_GATE_DISTANCE = 64;
  public static final double DEFAULT_POINT_NOISE_SCALE = 64;

  public static final TrackerConfig DEFAULTS = new TrackerConfig(DEFAULT_FRAME_RATE, DEFAULT_HIGH_SCORE_THRESHOLD,
      DEFAULT_LOW_SCORE_THRESHOLD, DEFAULT_TRACK_ACTIVATION_THRESHOLD, DEFAULT_FIRST_MATCH_THRESHOLD,
      DEFAULT_SECOND_MATCH_THRESHOLD, DEFAULT_UNCONFIRMED_MATCH_THRESHOLD, DEFAULT_FUSE_SCORE,
      DEFAULT_LOST_TRACK_BUFFER, DEFAULT_MINIMUM_CONSECUTIVE_FRAMES, DEFAULT_DUPLICATE_THRESHOLD,
      DEFAULT_POINT_GATE_DISTANCE, DEFAULT_POINT_NOISE_SCALE);

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
    if (!problems.isEmpty()) throw new IllegalArgumentException("invalid TrackerConfig: " + String.join("; ", problems));
  }

  /** The same config with a different lost-track buffer (frames). */
  public TrackerConfig withLostTrackBuffer(int frames) {
    return new TrackerConfig(frameRate, highScoreThreshold, lowScoreThreshold, trackActivationThreshold,
        firstMatchThreshold, secondMatchThreshold, unconfirmedMatchThreshold, fuseScore, frames,
        minimumConsecutiveFrames, duplicateThreshold, pointGateDistance, pointNoiseScale);
  }

  /** The same config with a different number of frames needed to confirm a track. */
  public TrackerConfig withMinimumConsecutiveFrames(int frames) {
    return new TrackerConfig(frameRate, highScoreThreshold, lowScoreThreshold, trackActivationThreshold,
        firstMatchThreshold, secondMatchThreshold, unconfirmedMatchThreshold, fuseScore, lostTrackBuffer, frames,
        duplicateThreshold, pointGateDistance, pointNoiseScale);
  }

  /** The same config with a different nominal frame rate (frames per second). */
  public TrackerConfig withFrameRate(double fps) {
    return new TrackerConfig(fps, highScoreThreshold, lowScoreThreshold, trackActivationThreshold,
        firstMatchThreshold, secondMatchThreshold, unconfirmedMatchThreshold, fuseScore, lostTrackBuffer,
        minimumConsecutiveFrames, duplicateThreshold, pointGateDistance, pointNoiseScale);
  }

  private static boolean inUnit(double v) { return v >= 0 && v <= 1; }

  private static boolean inOpenUnit(double v) { return v > 0 && v <= 1; }

  private static void require(List<String> problems, boolean ok, String message) {
    if (!ok) problems.add(message);
  }
}
