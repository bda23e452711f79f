package dev.glimpse.config;

/**
 * The {@code tracker} section, mirroring the tracker module's {@code TrackerConfig} with ByteTrack's names
 * (Zhang et al., ByteTrack, ECCV 2022, §3 and its reference code). Detections at or above
 * {@code track_high_thresh} are matched first; those between {@code track_low_thresh} and it are used only in the
 * second association, to keep occluded tracks alive. Matching thresholds are on IoU <em>distance</em>
 * {@code 1 − IoU}, as in ByteTrack: a pair matches when {@code 1 − IoU ≤ thresh}. The defaults are the tracker's
 * own ({@code TrackerConfig.DEFAULTS}), so {@code glimpse run} tracks as {@code glimpse sim} measures.
 *
 * @param trackHighThresh score above which a detection is "high" (first association), in (0, 1]. Raising it
 *     trusts only confident detections but lets more tracks fall to the weaker second association.
 * @param trackLowThresh score below which a detection is ignored, in [0, high). Raising it drops more false
 *     positives but loses occluded objects whose score sags.
 * @param newTrackThresh score a high detection needs to start a new track, in [high, 1]. Raising it cuts spurious
 *     tracks but starts real ones later.
 * @param matchThresh IoU distance limit of the first association, in [0, 1] (0.8 = IoU ≥ 0.2). Raising it keeps
 *     fast movers matched but risks id switches between neighbours.
 * @param secondMatchThresh IoU distance limit of the low-score association, in [0, 1] (0.5 = IoU ≥ 0.5). Raising
 *     it recovers more occluded objects but risks matching clutter.
 * @param unconfirmedMatchThresh IoU distance limit for tracks seen once, in [0, 1] (0.7 = IoU ≥ 0.3). Raising it
 *     confirms new tracks more easily but lets noise become tracks.
 * @param trackBuffer how long a lost track is kept, in frames of 1/30 s measured by the frames' stamps, 1..10000
 *     (90 = 3 s, also when a query is answered only 5 times a second; ByteTrack's is 30). Raising it bridges longer occlusions but risks reviving a track on a different
 *     object and keeps more state.
 * @param minHits matched frames before a track is confirmed and published, 1..100 (2 = ByteTrack's
 *     confirm-on-second-frame). Raising it suppresses flicker tracks but publishes new objects later.
 * @param pointGatePx largest distance in pixels at which a point (from {@code point to ...} queries, which have no
 *     box) continues a point track, > 0. Raising it follows faster motion but risks swapping ids of nearby objects.
 * @param reidThresh appearance similarity in [0, 1] at which a newly confirmed box track takes back the id of a
 *     lost or recently expired track of its label (colour histograms of the box; 0 turns re-identification off).
 *     Lowering it gives more objects their id back after they were out of sight, but more often gives a newcomer
 *     that looks alike an old id.
 * @param reidBuffer how long an expired track's id stays available for re-identification, in frames of 1/30 s,
 *     0..100000 (900 = 30 s). Raising it recognises objects that return after longer but offers more look-alikes to confuse.
 */
public record TrackerSection(
    double trackHighThresh, double trackLowThresh, double newTrackThresh, double matchThresh,
    double secondMatchThresh, double unconfirmedMatchThresh, int trackBuffer, int minHits, double pointGatePx,
    double reidThresh, int reidBuffer) {

  public static final double DEFAULT_TRACK_HIGH_THRESH = 0.5;
  public static final double DEFAULT_TRACK_LOW_THRESH = 0.1;
  public static final double DEFAULT_NEW_TRACK_THRESH = 0.6;
  public static final double DEFAULT_MATCH_THRESH = 0.8;
  public static final double DEFAULT_SECOND_MATCH_THRESH = 0.5;
  public static final double DEFAULT_UNCONFIRMED_MATCH_THRESH = 0.7;
  public static final int DEFAULT_TRACK_BUFFER = 90;
  public static final int DEFAULT_MIN_HITS = 2;
  public static final double DEFAULT_POINT_GATE_PX = 64;
  public static final double DEFAULT_REID_THRESH = 0.9;
  public static final int DEFAULT_REID_BUFFER = 900;

  public TrackerSection {
    Checks c = new Checks();
    c.require(trackHighThresh > 0 && trackHighThresh <= 1, "track_high_thresh",
        "must be in (0, 1], got " + Checks.num(trackHighThresh));
    c.require(trackLowThresh >= 0 && trackLowThresh < trackHighThresh, "track_low_thresh",
        "must be in [0, track_high_thresh = " + Checks.num(trackHighThresh) + "), got " + Checks.num(trackLowThresh));
    c.require(newTrackThresh >= trackHighThresh && newTrackThresh <= 1, "new_track_thresh",
        "must be in [track_high_thresh = " + Checks.num(trackHighThresh) + ", 1], got " + Checks.num(newTrackThresh));
    c.inRange("match_thresh", matchThresh, 0, 1);
    c.inRange("second_match_thresh", secondMatchThresh, 0, 1);
    c.inRange("unconfirmed_match_thresh", unconfirmedMatchThresh, 0, 1);
    c.inRange("track_buffer", trackBuffer, 1, 10_000);
    c.inRange("min_hits", minHits, 1, 100);
    c.require(pointGatePx > 0 && Double.isFinite(pointGatePx), "point_gate_px",
        "must be > 0, got " + Checks.num(pointGatePx));
    c.inRange("reid_thresh", reidThresh, 0, 1);
    c.inRange("reid_buffer", reidBuffer, 0, 100_000);
    c.throwIfAny("TrackerSection");
  }

  public static TrackerSection defaults() {
    return new TrackerSection(DEFAULT_TRACK_HIGH_THRESH, DEFAULT_TRACK_LOW_THRESH, DEFAULT_NEW_TRACK_THRESH,
        DEFAULT_MATCH_THRESH, DEFAULT_SECOND_MATCH_THRESH, DEFAULT_UNCONFIRMED_MATCH_THRESH, DEFAULT_TRACK_BUFFER,
        DEFAULT_MIN_HITS, DEFAULT_POINT_GATE_PX, DEFAULT_REID_THRESH, DEFAULT_REID_BUFFER);
  }
}
