package dev.glimpse.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glimpse.tracker.IdSource;
import dev.glimpse.tracker.MultiLabelTracker;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Stamp;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A replay whose engine needs seconds per frame: the frames' wall stamps are taken when ingest hands them over, so
 * they lie seconds apart, while their presentation times are 1/30 s apart. The tracker must step by the latter.
 */
class MediaClockTrackingTest {

  static final int FRAMES = 40;

  /**
   * Three people (one walking right 8 px per frame, one left 5 px per frame, one standing), detected every frame with
   * a few pixels of deterministic jitter, as a detector boxes them; wall stamps 1 ms apart for 10 read-ahead frames,
   * then 4 s apart.
   */
  static Detections frame(int f) {
    long wallNanos = f < 10 ? f * 1_000_000L : 10_000_000L + (f - 9) * 4_000_000_000L;
    double jx = ((f * 7) % 5 - 2) * 2.0, jy = ((f * 3) % 5 - 2) * 1.5;
    List<Detection> people = List.of(
        Detection.ofBox("person", new Box(100 + 8 * f + jx, 200 + jy, 140 + 8 * f - jx, 320 + jy), 0.95),
        Detection.ofBox("person", new Box(600 - 5 * f - jy, 300 + jx, 660 - 5 * f + jy, 450 + jx), 0.9),
        Detection.ofBox("person", new Box(300 + jy, 500 - jx, 360 - jy, 700 - jx), 0.92));
    return new Detections("sim", f, Stamp.ofNanos(wallNanos), "camera", 756, 756, people);
  }

  static long mediaMicros(int f) { return Math.round(f * 1e6 / 30); }

  static Set<Long> trackedIds(boolean mediaClock, int fromFrame) {
    MultiLabelTracker tracker = new MultiLabelTracker(TrackerConfig.DEFAULTS, IdSource.sequential());
    Set<Long> ids = new TreeSet<>();
    for (int f = 0; f < FRAMES; f++) {
      Detections d = mediaClock ? StreamPipeline.onMediaClock(frame(f), mediaMicros(f)) : frame(f);
      for (Track t : tracker.update(d)) if (f >= fromFrame && t.state() == TrackState.TRACKED) ids.add(t.id());
    }
    return ids;
  }

  @Test
  void everyPersonKeepsOneIdOnMediaTime() {
    assertEquals(Set.of(1L, 2L, 3L), trackedIds(true, 0), "three people are three tracks from start to end");
  }

  @Test
  void mediaClockCarriesTheSameDetections() {
    Detections d = frame(12);
    Detections m = StreamPipeline.onMediaClock(d, 400_000);
    assertEquals(Stamp.ofNanos(400_000_000L), m.stamp());
    assertEquals(d.items(), m.items());
    assertEquals(d.sequence(), m.sequence());
  }
}
