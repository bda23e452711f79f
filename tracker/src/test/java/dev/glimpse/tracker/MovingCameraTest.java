package dev.glimpse.tracker;

import static dev.glimpse.tracker.Frames.frame;
import static dev.glimpse.tracker.Frames.tracked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.types.Detection;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The steps beyond ByteTrack for a moving robot camera (xywh state, buffered IoU, motion compensation, the
 * lost-track round), each against {@link TrackerConfig#BYTETRACK} or the defaults with that step turned off.
 */
class MovingCameraTest {

  private static ByteTracker tracker(TrackerConfig config) {
    return ByteTracker.forBoxes(config, IdSource.sequential());
  }

  /** Small, far people: 10 px wide, 40 px tall, like the simulator's people a few metres away. */
  private static Detection small(double cx, double cy) { return Frames.box("person", cx, cy, 10, 40, 0.9); }

  /**
   * The camera's image motion at frame k: still, then turning faster and faster (1 px/frame² up to 10 px/frame),
   * then reversing at the same rate: what a robot turning at up to ~0.9 rad/s does to a 60° camera.
   */
  private static double pan(int k) {
    if (k < 10) return 0;
    if (k < 20) return k - 10;
    if (k < 40) return 10;
    if (k < 60) return 10 - (k - 40);
    return -10;
  }

  /** Every id a box near each of {@code xs} was published with, over a pan of five small, standing people. */
  private static List<Set<Long>> idsDuringPan(TrackerConfig config, int frames) {
    ByteTracker t = tracker(config);
    double offset = 0;
    List<Set<Long>> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) ids.add(new TreeSet<>());
    for (int k = 0; k < frames; k++) {
      offset += pan(k);
      List<Detection> dets = new ArrayList<>();
      for (int i = 0; i < 5; i++) dets.add(small(400 + 60 * i + offset, 300));
      List<Track> out = tracked(t.update(frame(k, dets)));
      for (int i = 0; i < 5; i++) {
        double x = 400 + 60 * i + offset;
        for (Track tr : out) if (Math.abs(tr.box().centerX() - x) < 5) ids.get(i).add(tr.id());
      }
    }
    return ids;
  }

  @Test
  void aTurningCameraKeepsEverySmallBoxsId() {
    List<Set<Long>> ids = idsDuringPan(TrackerConfig.DEFAULTS, 80);
    for (int i = 0; i < 5; i++) assertEquals(Set.of(i + 1L), ids.get(i), "person " + i + ": " + ids);
  }

  @Test
  void byteTrackLosesSmallBoxesWhenTheCameraTurns() {
    List<Set<Long>> ids = idsDuringPan(TrackerConfig.BYTETRACK, 80);
    int switched = 0;
    for (Set<Long> s : ids) if (s.size() > 1) switched++;
    assertTrue(switched >= 3, "the motivating failure: ids change when a 10 px box moves 10 px/frame: " + ids);
  }

  @Test
  void motionCompensationCarriesAnOccludedTrackWithTheCamera() {
    // Three people; the camera starts turning while the middle one is hidden for 8 frames. The lost track is moved
    // by the motion the two visible ones share and is found again where it reappears.
    for (boolean compensate : new boolean[] {true, false}) {
      ByteTracker t = tracker(TrackerConfig.DEFAULTS.withMotionCompensation(compensate));
      double offset = 0;
      Set<Long> middle = new TreeSet<>();
      for (int k = 0; k < 40; k++) {
        offset += k < 12 ? 0 : Math.min(8, k - 11);
        boolean hidden = k >= 12 && k < 20;
        List<Detection> dets = new ArrayList<>(List.of(small(300 + offset, 300), small(500 + offset, 300)));
        if (!hidden) dets.add(small(400 + offset, 300));
        for (Track tr : tracked(t.update(frame(k, dets)))) {
          if (Math.abs(tr.box().centerX() - 400 - offset) < 5) middle.add(tr.id());
        }
      }
      if (compensate) assertEquals(Set.of(3L), middle, "the hidden person (detected third) keeps its id");
      else assertEquals(2, middle.size(), "without compensation it comes back with a new id: " + middle);
    }
  }

  @Test
  void publishedVelocityIncludesTheCameraMotion() {
    ByteTracker t = tracker(TrackerConfig.DEFAULTS);
    List<Track> out = List.of();
    for (int k = 0; k < 40; k++) {
      List<Detection> dets = new ArrayList<>();
      for (int i = 0; i < 3; i++) dets.add(small(300 + 80 * i + 4 * k, 300));
      out = t.update(frame(k, dets));
    }
    for (Track tr : out) assertEquals(120, tr.vx(), 3, "4 px/frame at 30 fps: " + tr);
  }

  @Test
  void bufferedIouConfirmsASmallBoxMovingMoreThanHalfItsWidthPerFrame() {
    // 10 px wide, 6 px per frame: plain IoU with the unmoved NEW track is 4/16 · score < 0.3, so ByteTrack never
    // confirms it; with C-BIoU's 0.3 buffer the boxes overlap 10/22.
    for (double buffer : new double[] {0.3, 0}) {
      ByteTracker t = tracker(TrackerConfig.DEFAULTS.withMatchBuffer(buffer));
      Set<Long> seen = new TreeSet<>();
      for (int k = 0; k < 30; k++) {
        for (Track tr : t.update(frame(k, List.of(small(100 + 6 * k, 300))))) seen.add(tr.id());
      }
      assertEquals(buffer > 0 ? Set.of(1L) : Set.of(), seen, "buffer " + buffer);
    }
  }

  @Test
  void theLostTrackRoundFindsAnObjectThatReappearsOffItsPrediction() {
    // A person walks, is hidden for 6 frames, and reappears 18 px (more than its 10 px width) behind where its track
    // predicts: it stopped while hidden.
    for (double buffer : new double[] {1, 0}) {
      ByteTracker t = tracker(TrackerConfig.DEFAULTS.withLostMatchBuffer(buffer).withMotionCompensation(false)
          .withObservationRecovery(false));
      Set<Long> seen = new TreeSet<>();
      for (int k = 0; k < 40; k++) {
        double x = k < 20 ? 100 + 3 * k : 160;
        List<Detection> dets = k >= 20 && k < 26 ? List.of() : List.of(small(x, 300));
        for (Track tr : t.update(frame(k, dets))) if (tr.state() != TrackState.REMOVED) seen.add(tr.id());
      }
      assertEquals(buffer > 0 ? Set.of(1L) : Set.of(1L, 2L), seen, "lost buffer " + buffer);
    }
  }

  @Test
  void observationRecoveryFindsAnObjectWhereItWasLastSeenAfterThePredictionDrifted() {
    // A person walks at 3 px/frame, is hidden for 20 frames where it stopped, and reappears where it was last seen.
    // Its track's prediction has walked on 60 px, out of reach of the lost-track round; its last observation has not.
    for (boolean recovery : new boolean[] {true, false}) {
      ByteTracker t = tracker(TrackerConfig.DEFAULTS.withMotionCompensation(false).withObservationRecovery(recovery));
      Set<Long> seen = new TreeSet<>();
      for (int k = 0; k < 60; k++) {
        double x = k < 20 ? 100 + 3 * k : 157;
        List<Detection> dets = k >= 20 && k < 40 ? List.of() : List.of(small(x, 300));
        for (Track tr : t.update(frame(k, dets))) if (tr.state() != TrackState.REMOVED) seen.add(tr.id());
      }
      assertEquals(recovery ? Set.of(1L) : Set.of(1L, 2L), seen, "observation recovery " + recovery);
    }
  }

  @Test
  void theLeftoverRoundsServeTheMostRecentlyMatchedTrackFirst() {
    // B stands at x = 133 until frame 10 and is then hidden. A stands at x = 100 and at frame 40 its box jumps 18 px
    // right, out of both tracks' reach in the first association. In the lost-track round (buffer 1) B's box overlaps
    // the detection more (buffered IoU 0.33 against 0.25), but A was matched a frame ago and B thirty frames ago: A
    // keeps its object.
    ByteTracker t = tracker(TrackerConfig.DEFAULTS.withMotionCompensation(false));
    long idA = 0, idB = 0;
    for (int k = 0; k <= 40; k++) {
      List<Detection> dets = new ArrayList<>();
      dets.add(small(k < 40 ? 100 : 118, 300));
      if (k < 10) dets.add(small(133, 300));
      List<Track> out = t.update(frame(k, dets));
      if (k == 5) {
        idA = Frames.nearest(out, 100, 300).id();
        idB = Frames.nearest(out, 133, 300).id();
      }
      if (k == 40) {
        Track moved = Frames.nearest(out, 118, 300);
        assertEquals(idA, moved.id(), "A keeps its id: " + out);
        assertTrue(moved.box().centerX() > 105, "A's box follows the jump: " + moved);
        for (Track tr : out) if (tr.id() == idB) assertEquals(TrackState.LOST, tr.state(), "B stays lost");
      }
    }
    assertNotEquals(idA, idB);
  }

  @Test
  void theWidthStateFollowsAWidthThatChangesFromFrameToFrame() {
    // A walking person's visible width swings with the legs (here 10 to 20 px over 16 frames) while the height
    // stays put: xywh filters the width like the height, xyah holds the aspect ratio almost fixed.
    double[] error = new double[2];
    TrackerConfig.BoxState[] states = {TrackerConfig.BoxState.XYWH, TrackerConfig.BoxState.XYAH};
    for (int s = 0; s < 2; s++) {
      ByteTracker t = tracker(TrackerConfig.DEFAULTS.withBoxState(states[s]));
      for (int k = 0; k < 96; k++) {
        double w = 15 + 5 * Math.sin(2 * Math.PI * k / 16);
        List<Track> out = t.update(frame(k, List.of(Frames.box("person", 300, 300, w, 40, 0.9))));
        if (k >= 32) error[s] += Math.abs(out.get(0).box().width() - w) / 64;
      }
    }
    assertTrue(error[0] < 0.5 * error[1], "mean width error xywh " + error[0] + " px, xyah " + error[1] + " px");
  }

  @Test
  void robustMeanWeighsBySigmaIgnoresOutliersAndShrinksByThePrior() {
    // Two precise agreeing values, a less precise one, and an outlier far outside its own 3 sigma.
    double m = RobustMean.of(new double[] {4, 6, 8, 60}, new double[] {1, 1, 2, 1}, 0);
    assertEquals((4 + 6 + 8 / 4.0) / 2.25, m, 1e-12);
    assertNotEquals(60, m);
    assertEquals(7, RobustMean.of(new double[] {7}, new double[] {3}, 0), 1e-12);
    // One value of sigma 3 against a prior of sigma 3: halfway to 0, the posterior mean.
    assertEquals(3.5, RobustMean.of(new double[] {7}, new double[] {3}, 3), 1e-12);
  }
}
