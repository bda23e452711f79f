package dev.glimpse.tracker;

import dev.glimpse.types.TrackState;

/**
 * One track inside a {@link ByteTracker} (ByteTrack's {@code STrack}): filter state and lifecycle. Mutable and private to its tracker; the published form is {@link dev.glimpse.types.Track}.
 */
final class STrack {
  /** Creation order inside the tracker; fixes every iteration order. */
  final long serial;
  final String label;
  /** Public id, 0 until the track is confirmed. */
  long id;
  TrackState state = TrackState.NEW;
  /** (2n) filter mean: positions then velocities per nominal frame. */
  final double[] mean;
  /** (3n) filter covariance, per-axis 2×2 blocks (see {@link KalmanFilter}). */
  final double[] cov;
  /** (4) footprint of the current mean: predicted before association, corrected after. */
  final double[] footprint = new double[Geometry.FOOTPRINT];
  /** (4) the footprint of the last associated measurement: OC-SORT's "last observation", what recovery matches by. */
  final double[] observedFootprint = new double[Geometry.FOOTPRINT];
  /** (n) unit-length running mean of the matched detections' appearances, or null while none had one. */
  float[] appearance;
  /** Score of the last associated detection. */
  double score;
  /** Frame number of creation and of the last association. */
  final long startFrame;
  long lastMatchFrame;
  /** The tracker's clock (nominal frames by the stamps) at the last association. */
  double lastMatchClock;
  /** Matched frames in a row while NEW. */
  int hits = 1;

  STrack(long serial, String label, int axes, long frame, double clock) {
    this.serial = serial;
    this.label = label;
    this.mean = new double[2 * axes];
    this.cov = new double[3 * axes];
    this.startFrame = frame;
    this.lastMatchFrame = frame;
    this.lastMatchClock = clock;
  }
}
