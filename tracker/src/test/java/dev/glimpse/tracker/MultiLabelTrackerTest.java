package dev.glimpse.tracker;

import static dev.glimpse.tracker.Frames.box;
import static dev.glimpse.tracker.Frames.frame;
import static dev.glimpse.tracker.Frames.point;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultiLabelTrackerTest {

  @Test
  void labelsNeverMixEvenWhenBoxesCoincide() {
    MultiLabelTracker t = new MultiLabelTracker(TrackerConfig.DEFAULTS);
    Map<Long, String> labelOf = new HashMap<>();
    for (int k = 0; k < 60; k++) {
      // A person walks right, a cone stands still; their boxes coincide around k = 25. The person is missed on
      // some frames, when only the cone is there to be (wrongly) taken.
      List<Detection> dets = new ArrayList<>();
      if (k % 4 != 1) dets.add(box("person", 100 + 4 * k, 300, 40, 80, 0.9));
      dets.add(box("cone", 200, 300, 40, 80, 0.8));
      for (Track tr : t.update(frame(k, dets))) {
        String before = labelOf.putIfAbsent(tr.id(), tr.label());
        if (before != null) assertEquals(before, tr.label(), "track " + tr.id() + " changed label");
      }
    }
    assertEquals(Map.of(1L, "cone", 2L, "person"), labelOf, "one track per label; labels routed in sorted order");
  }

  @Test
  void boxesAndPointsOfOneLabelAreSeparateTracksWithUniqueIds() {
    MultiLabelTracker t = new MultiLabelTracker(TrackerConfig.DEFAULTS);
    List<Track> out = List.of();
    for (int k = 0; k < 5; k++) {
      out = t.update(frame(k, List.of(box("mug", 300, 300, 50, 50, 0.9), point("mug", 300, 300, 0.9))));
    }
    assertEquals(2, out.size());
    assertEquals(1, out.get(0).id());
    assertNotNull(out.get(0).box());
    assertEquals(2, out.get(1).id());
    assertNull(out.get(1).box());
    assertNotNull(out.get(1).point());
  }

  @Test
  void resetBetweenVideosGivesTheSameIdsAsAFreshTracker() {
    List<Detections> video1 = scene(1);
    List<Detections> video2 = scene(2);
    MultiLabelTracker reused = new MultiLabelTracker(TrackerConfig.DEFAULTS);
    for (Detections d : video1) reused.update(d);
    reused.reset();
    MultiLabelTracker fresh = new MultiLabelTracker(TrackerConfig.DEFAULTS);
    for (Detections d : video2) assertEquals(fresh.update(d), reused.update(d));
  }

  @Test
  void sameInputTwiceGivesIdenticalOutput() {
    List<Detections> video = scene(3);
    MultiLabelTracker a = new MultiLabelTracker(TrackerConfig.DEFAULTS);
    MultiLabelTracker b = new MultiLabelTracker(TrackerConfig.DEFAULTS, IdSource.sequential());
    int tracked = 0;
    for (Detections d : video) {
      List<Track> outA = a.update(d);
      assertEquals(outA, b.update(d));
      for (Track tr : outA) if (tr.state() == TrackState.TRACKED) tracked++;
    }
    assertEquals(true, tracked > 100, "the scene produced tracks: " + tracked);
  }

  @Test
  void idsKeepIncreasingWhenALabelTrackerIsDroppedAndRecreated() {
    MultiLabelTracker t = new MultiLabelTracker(TrackerConfig.DEFAULTS.withLostTrackBuffer(2));
    for (int k = 0; k < 3; k++) t.update(frame(k, List.of(box("dog", 100, 100, 50, 50, 0.9))));
    for (int k = 3; k < 8; k++) t.update(frame(k, List.of())); // the dog track expires; its tracker is dropped
    List<Track> out = List.of();
    for (int k = 8; k < 10; k++) out = t.update(frame(k, List.of(box("dog", 100, 100, 50, 50, 0.9))));
    assertEquals(1, out.size());
    assertEquals(2, out.get(0).id());
  }

  /** Three labels, boxes and points, seeded random walks with misses and low scores. */
  private static List<Detections> scene(long seed) {
    Random rng = new Random(seed);
    String[] labels = {"person", "cone", "red cup"};
    double[][] o = new double[6][4];
    for (double[] p : o) {
      p[0] = 100 + rng.nextDouble() * 1000;
      p[1] = 100 + rng.nextDouble() * 500;
      p[2] = rng.nextGaussian() * 3;
      p[3] = rng.nextGaussian() * 3;
    }
    List<Detections> out = new ArrayList<>();
    for (int k = 0; k < 100; k++) {
      List<Detection> dets = new ArrayList<>();
      for (int i = 0; i < o.length; i++) {
        if (rng.nextDouble() < 0.1) continue;
        double x = o[i][0] + k * o[i][2], y = o[i][1] + k * o[i][3];
        double s = 0.2 + 0.8 * rng.nextDouble();
        dets.add(i < 4 ? box(labels[i % 3], x, y, 50, 90, s) : point(labels[i % 3], x, y, s));
      }
      out.add(frame(k, dets));
    }
    return out;
  }
}
