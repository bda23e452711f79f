package dev.glimpse.tracker;

import static dev.glimpse.tracker.Frames.frame;
import static dev.glimpse.tracker.Frames.nearest;
import static dev.glimpse.tracker.Frames.person;
import static dev.glimpse.tracker.Frames.tracked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ByteTrackerTest {

  private static ByteTracker boxes() { return ByteTracker.forBoxes(TrackerConfig.DEFAULTS, IdSource.sequential()); }

  @Test
  void newTrackIsConfirmedOnItsSecondFrameWithIdOne() {
    ByteTracker t = boxes();
    assertEquals(List.of(), t.update(frame(0, List.of(person(100, 100)))), "NEW tracks have no id and are hidden");
    List<Track> out = t.update(frame(1, List.of(person(103, 100))));
    assertEquals(1, out.size());
    assertEquals(1, out.get(0).id());
    assertEquals(TrackState.TRACKED, out.get(0).state());
    assertEquals("person", out.get(0).label());
    assertEquals(1, out.get(0).age());
  }

  @Test
  void crossingTracksKeepTheirIds() {
    ByteTracker t = boxes();
    long idA = 0, idB = 0;
    for (int k = 0; k < 60; k++) {
      double ax = 200 + 6 * k, bx = 560 - 6 * k; // they cross at k = 30, boxes overlapping for ~12 frames
      List<Track> out = t.update(frame(k, List.of(person(ax, 300), person(bx, 312))));
      if (k < 2) continue;
      Track a = nearest(out, ax, 300), b = nearest(out, bx, 312);
      if (k == 2) {
        idA = a.id();
        idB = b.id();
        assertNotEquals(idA, idB);
      }
      if (Math.abs(ax - bx) > 20) { // away from the instant they coincide
        assertEquals(idA, a.id(), "A keeps its id at frame " + k);
        assertEquals(idB, b.id(), "B keeps its id at frame " + k);
      }
    }
    assertEquals(Set.of(idA, idB), ids(t.update(frame(60, List.of(person(560, 300), person(200, 312))))));
  }

  @Test
  void occlusionUpToTheLostBufferKeepsTheId() {
    int buffer = 10;
    for (int gap : new int[] {1, 5, buffer}) {
      ByteTracker t = ByteTracker.forBoxes(TrackerConfig.DEFAULTS.withLostTrackBuffer(buffer), IdSource.sequential());
      List<Track> out = List.of();
      for (int k = 0; k < 40; k++) {
        boolean hidden = k >= 15 && k < 15 + gap;
        out = t.update(frame(k, hidden ? List.of() : List.of(person(100 + 4 * k, 200))));
        if (hidden) {
          assertEquals(1, out.size());
          // The first missed frame is coasted (coastFrames = 1): still published TRACKED.
          assertEquals(k == 15 ? TrackState.TRACKED : TrackState.LOST, out.get(0).state(), "frame " + k);
          assertEquals(100 + 4 * k, out.get(0).box().centerX(), 8, "a lost track's box is predicted");
        }
      }
      assertEquals(List.of(1L), List.copyOf(ids(out)), "gap " + gap);
    }
  }

  @Test
  void occlusionLongerThanTheBufferGivesANewId() {
    int buffer = 10;
    ByteTracker t = ByteTracker.forBoxes(TrackerConfig.DEFAULTS.withLostTrackBuffer(buffer), IdSource.sequential());
    List<Track> removed = new ArrayList<>();
    List<Track> out = List.of();
    for (int k = 0; k < 40; k++) {
      boolean hidden = k >= 15 && k < 15 + buffer + 1;
      out = t.update(frame(k, hidden ? List.of() : List.of(person(100, 200))));
      for (Track tr : out) if (tr.state() == TrackState.REMOVED) removed.add(tr);
    }
    assertEquals(1, removed.size(), "the expired track is reported once");
    assertEquals(1, removed.get(0).id());
    assertEquals(List.of(2L), List.copyOf(ids(out)));
  }

  /**
   * The lost buffer is a duration, nominal frames by the stamps: answered 5 times a second (as a 5 Hz standing query
   * feeds it), a tracker with a 30-frame buffer at 30 fps keeps a lost track for 1 s, i.e. 5 missed updates.
   */
  @Test
  void theLostBufferIsADurationWhateverTheUpdateRate() {
    for (int missed : new int[] {5, 6}) {
      ByteTracker t = ByteTracker.forBoxes(TrackerConfig.DEFAULTS.withLostTrackBuffer(30).withReid(0, 0.1, 900),
          IdSource.sequential());
      List<Track> out = List.of();
      for (int k = 0; k < 20 + missed + 2; k++) {
        boolean hidden = k >= 10 && k < 10 + missed;
        out = t.update(frame(k, 5, hidden ? List.of() : List.of(person(100, 200))));
      }
      assertEquals(missed == 5 ? List.of(1L) : List.of(2L), List.copyOf(ids(out)), missed + " missed updates at 5 Hz");
    }
  }

  @Test
  void missedDetectionsDoNotBreakTheTrack() {
    ByteTracker t = boxes();
    Set<Long> seen = new TreeSet<>();
    for (int k = 0; k < 100; k++) {
      boolean missed = k % 5 == 3 || k % 17 == 9;
      for (Track tr : t.update(frame(k, missed ? List.of() : List.of(person(100 + 5 * k, 200 + k))))) seen.add(tr.id());
    }
    assertEquals(Set.of(1L), seen);
  }

  @Test
  void falsePositivesDoNotBecomeConfirmedTracks() {
    Random rng = new Random(5);
    ByteTracker t = boxes();
    Set<Long> seen = new TreeSet<>();
    for (int k = 0; k < 200; k++) {
      List<Detection> dets = new ArrayList<>(List.of(person(300 + 2 * k, 360)));
      if (k % 3 == 0) { // a one-frame false positive far from everything, high score
        dets.add(Frames.box("person", 100 + rng.nextDouble() * 1000, 50 + rng.nextDouble() * 100, 30, 60, 0.95));
      }
      for (Track tr : t.update(frame(k, dets))) seen.add(tr.id());
    }
    assertEquals(Set.of(1L), seen, "only the real object gets an id, and ids do not skip");
  }

  @Test
  void lowScoreDetectionsExtendButNeverStartTracks() {
    ByteTracker t = boxes();
    for (int k = 0; k < 10; k++) t.update(frame(k, List.of(person(100 + 3 * k, 200))));
    for (int k = 10; k < 20; k++) { // partially occluded: the detector is unsure
      List<Track> out = t.update(frame(k, List.of(Frames.box("person", 100 + 3 * k, 200, 40, 80, 0.3),
          Frames.box("person", 900, 500, 40, 80, 0.3))));
      assertEquals(1, tracked(out).size(), "frame " + k);
      assertEquals(1, tracked(out).get(0).id());
      assertEquals(0.3, tracked(out).get(0).score());
    }
  }

  @Test
  void velocityIsInPixelsPerSecondFromTheStamps() {
    // 90 px/s: 3 px per frame at 30 fps, and 9 px per frame at 10 fps with the same nominal rate of 30.
    for (double fps : new double[] {30, 10}) {
      ByteTracker t = boxes();
      Track last = null;
      for (int k = 0; k < 60; k++) {
        List<Track> out = t.update(frame(k, fps, List.of(person(100 + 90.0 * k / fps, 200))));
        last = k == 0 ? null : out.get(0);
      }
      assertEquals(90, last.vx(), 1.0, "fps " + fps);
      assertEquals(0, last.vy(), 1.0, "fps " + fps);
    }
  }

  @Test
  void detectionsAboutEarlierFramesAndPointsAreIgnoredByABoxTracker() {
    ByteTracker t = boxes();
    for (int k = 0; k < 5; k++) {
      Detection past = new Detection("person", person(500, 500).box(), null, 0.9, -3);
      List<Track> out = t.update(frame(k, List.of(past, Frames.point("person", 50, 50, 0.9))));
      assertEquals(List.of(), out);
    }
  }

  @Test
  void resetGivesTheSameTracksAsAFreshTracker() {
    List<Detections> video1 = walk(11, 80);
    List<Detections> video2 = walk(12, 80);
    ByteTracker reused = boxes();
    for (Detections d : video1) reused.update(d);
    reused.reset();
    ByteTracker fresh = boxes();
    for (Detections d : video2) assertEquals(fresh.update(d), reused.update(d));
  }

  @Test
  void aTrackMissedForUpToCoastFramesIsPublishedTrackedWithItsPredictedBox() {
    for (int coast : new int[] {0, 1, 3}) {
      ByteTracker t = ByteTracker.forBoxes(TrackerConfig.DEFAULTS.withCoastFrames(coast), IdSource.sequential());
      for (int k = 0; k < 20; k++) {
        List<Track> out = t.update(frame(k, k >= 10 ? List.of() : List.of(person(100 + 4 * k, 200))));
        if (k < 10) continue;
        assertEquals(1, out.size());
        Track tr = out.get(0);
        TrackState expected = k - 9 <= coast ? TrackState.TRACKED : TrackState.LOST;
        assertEquals(expected, tr.state(), "coast " + coast + " frame " + k);
        assertEquals(100 + 4 * k, tr.box().centerX(), 4, "predicted, frame " + k);
        assertEquals(1, tr.id());
      }
    }
  }

  @Test
  void sameInputTwiceGivesIdenticalOutput() {
    List<Detections> video = walk(21, 150);
    ByteTracker a = boxes(), b = boxes();
    for (Detections d : video) assertEquals(a.update(d), b.update(d));
  }

  @Test
  void aPersonTrackNeverTakesAConeDetection() {
    ByteTracker t = ByteTracker.forBoxes(TrackerConfig.DEFAULTS.withCoastFrames(0), IdSource.sequential());
    for (int k = 0; k < 10; k++) t.update(frame(k, List.of(person(200, 200))));
    for (int k = 10; k < 20; k++) { // the person is gone; a cone appears exactly where it was
      for (Track tr : t.update(frame(k, List.of(Frames.box("cone", 200, 200, 40, 80, 0.9))))) {
        assertEquals(tr.id() == 1 ? "person" : "cone", tr.label());
        if (tr.id() == 1) assertEquals(TrackState.LOST, tr.state());
      }
    }
  }

  @Test
  void pointTracksFollowPointsAndGateByDistance() {
    ByteTracker t = ByteTracker.forPoints(TrackerConfig.DEFAULTS, IdSource.sequential());
    List<Track> out = List.of();
    for (int k = 0; k < 30; k++) {
      out = t.update(frame(k, List.of(Frames.point("cup", 100 + 4 * k, 100, 0.9), Frames.point("cup", 500 - 4 * k, 104, 0.9))));
    }
    assertEquals(List.of(1L, 2L), List.copyOf(ids(out)));
    Track first = out.get(0);
    assertNotNull(first.point());
    assertEquals(120, Math.abs(first.vx()), 3, "4 px/frame at 30 fps");
    // One point jumps farther than the gate: it cannot continue its track.
    out = t.update(frame(30, List.of(Frames.point("cup", 220, 100, 0.9), Frames.point("cup", 380 + 200, 104, 0.9))));
    out = t.update(frame(31, List.of(Frames.point("cup", 224, 100, 0.9), Frames.point("cup", 376 + 200, 104, 0.9))));
    assertEquals(Set.of(1L, 3L), ids(tracked(out)));
  }

  /** Five people walking at seeded random constant velocities, with jitter and misses. */
  static List<Detections> walk(long seed, int frames) {
    Random rng = new Random(seed);
    double[][] p = new double[5][4];
    for (double[] o : p) {
      o[0] = 100 + rng.nextDouble() * 1000;
      o[1] = 100 + rng.nextDouble() * 500;
      o[2] = rng.nextGaussian() * 3;
      o[3] = rng.nextGaussian() * 2;
    }
    List<Detections> out = new ArrayList<>();
    for (int k = 0; k < frames; k++) {
      List<Detection> dets = new ArrayList<>();
      for (double[] o : p) {
        if (rng.nextDouble() < 0.1) continue;
        dets.add(Frames.box("person", o[0] + k * o[2] + rng.nextGaussian(), o[1] + k * o[3] + rng.nextGaussian(), 40,
            80, 0.3 + 0.7 * rng.nextDouble()));
      }
      out.add(frame(k, dets));
    }
    return out;
  }

  private static Set<Long> ids(List<Track> tracks) {
    Set<Long> ids = new TreeSet<>();
    for (Track t : tracks) if (t.state() != TrackState.REMOVED) ids.add(t.id());
    return ids;
  }
}
