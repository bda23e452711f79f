package dev.glimpse.tracker;

import static dev.glimpse.tracker.Frames.frame;
import static dev.glimpse.tracker.Frames.person;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.types.Appearance;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Re-identification by appearance: ids taken back after absences the motion model cannot bridge, and only then. */
class ReidTest {
  private static final Appearance RED = unit(0), BLUE = unit(1);
  private static final TrackerConfig SHORT_BUFFER = TrackerConfig.DEFAULTS.withLostTrackBuffer(10);

  private static Appearance unit(int axis) {
    float[] v = new float[8];
    v[axis] = 1;
    return new Appearance(v);
  }

  private static Detection looking(Detection d, Appearance a) { return d.withAppearance(a); }

  /** Runs frames [from, to) of one person at (x, y) looking {@code a}, or none when {@code a} is null; all tracks out. */
  private static List<List<Track>> run(Tracker t, int from, int to, double x, double y, Appearance a, boolean present) {
    List<List<Track>> out = new ArrayList<>();
    for (int k = from; k < to; k++) {
      Detection d = person(x, y);
      out.add(t.update(frame(k, present ? List.of(a == null ? d : looking(d, a)) : List.of())));
    }
    return out;
  }

  private static TreeSet<Long> trackedIds(List<Track> tracks) {
    TreeSet<Long> ids = new TreeSet<>();
    for (Track t : tracks) if (t.state() == TrackState.TRACKED) ids.add(t.id());
    return ids;
  }

  @Test
  void aPersonBackAfterTheLostBufferTakesItsIdBackByLooksAndAStrangerDoesNot() {
    for (Appearance back : new Appearance[] {RED, BLUE, null}) {
      ByteTracker t = ByteTracker.forBoxes(SHORT_BUFFER, IdSource.sequential());
      run(t, 0, 20, 100, 200, RED, true);
      List<List<Track>> gap = run(t, 20, 60, 0, 0, null, false);   // 40 frames: expired after 11
      assertTrue(gap.stream().flatMap(List::stream).anyMatch(tr -> tr.state() == TrackState.REMOVED && tr.id() == 1));
      List<List<Track>> later = run(t, 60, 70, 900, 500, back, true); // elsewhere in the image
      long expected = back == RED ? 1 : 2;
      assertEquals(List.of(expected), List.copyOf(trackedIds(later.getLast())), "back looking " + back);
      // the next newcomer gets the next id: none skipped, none handed out twice
      List<Track> both = t.update(frame(70, List.of(looking(person(900, 500), back == null ? RED : back),
          looking(person(300, 300), BLUE))));
      both = t.update(frame(71, List.of(looking(person(900, 500), back == null ? RED : back),
          looking(person(300, 300), BLUE))));
      assertEquals(expected == 1 ? List.of(1L, 2L) : List.of(2L, 3L), List.copyOf(trackedIds(both)), "back " + back);
    }
  }

  @Test
  void aLostTrackFoundFarFromItsPredictionIsTakenOverWithoutBeingReportedRemoved() {
    ByteTracker t = ByteTracker.forBoxes(TrackerConfig.DEFAULTS, IdSource.sequential());
    run(t, 0, 20, 100, 200, RED, true);
    run(t, 20, 25, 0, 0, null, false);                                // lost for 5 frames, well inside the buffer
    List<List<Track>> back = run(t, 25, 40, 1000, 600, RED, true);    // reappears 900 px away: no overlap
    for (List<Track> frame : back) {
      for (Track tr : frame) {
        assertEquals(1, tr.id(), "only id 1 exists: " + frame);
        assertTrue(tr.state() != TrackState.REMOVED, "the taken-over track is not reported removed: " + frame);
      }
    }
    assertEquals(List.of(1L), List.copyOf(trackedIds(back.getLast())));
  }

  @Test
  void twoLookAlikesGoneMakeAReturnAmbiguousAndItGetsANewId() {
    ByteTracker t = ByteTracker.forBoxes(SHORT_BUFFER, IdSource.sequential());
    for (int k = 0; k < 20; k++) {
      t.update(frame(k, List.of(looking(person(100, 200), RED), looking(person(600, 200), RED))));
    }
    run(t, 20, 60, 0, 0, null, false);
    List<List<Track>> back = run(t, 60, 70, 900, 500, RED, true);
    assertEquals(List.of(3L), List.copyOf(trackedIds(back.getLast())));
  }

  @Test
  void anIdExpiredLongerThanTheReidBufferIsGone() {
    ByteTracker t = ByteTracker.forBoxes(SHORT_BUFFER.withReid(0.9, 0.1, 20), IdSource.sequential());
    run(t, 0, 20, 100, 200, RED, true);
    run(t, 20, 60, 0, 0, null, false);          // expired at frame 31, forgotten 20 frames later
    assertEquals(List.of(2L), List.copyOf(trackedIds(run(t, 60, 70, 900, 500, RED, true).getLast())));
  }

  @Test
  void offByConfigAndNeverAcrossLabels() {
    ByteTracker off = ByteTracker.forBoxes(SHORT_BUFFER.withReid(0, 0.1, 900), IdSource.sequential());
    run(off, 0, 20, 100, 200, RED, true);
    run(off, 20, 60, 0, 0, null, false);
    assertEquals(List.of(2L), List.copyOf(trackedIds(run(off, 60, 70, 900, 500, RED, true).getLast())));

    MultiLabelTracker t = new MultiLabelTracker(SHORT_BUFFER);
    run(t, 0, 20, 100, 200, RED, true);
    run(t, 20, 60, 0, 0, null, false);
    List<Track> cone = List.of();
    for (int k = 60; k < 70; k++) {
      cone = t.update(frame(k, List.of(looking(Frames.box("cone", 900, 500, 40, 80, 0.9), RED))));
    }
    assertEquals(List.of(2L), List.copyOf(trackedIds(cone)), "a cone never takes a person's id");
    List<Track> back = List.of();
    for (int k = 70; k < 80; k++) {
      back = t.update(frame(k, List.of(looking(Frames.box("cone", 900, 500, 40, 80, 0.9), RED),
          looking(person(300, 300), RED))));
    }
    assertEquals(List.of(1L, 2L), List.copyOf(trackedIds(back)),
        "the person tracker kept its gallery while it had no live track");
  }

  @Test
  void resetForgetsTheGallery() {
    ByteTracker t = ByteTracker.forBoxes(SHORT_BUFFER, IdSource.sequential());
    run(t, 0, 20, 100, 200, RED, true);
    run(t, 20, 60, 0, 0, null, false);
    t.reset();
    run(t, 0, 20, 100, 200, BLUE, true);                // id 1 again, from the reset id source
    run(t, 20, 60, 0, 0, null, false);
    assertEquals(List.of(2L), List.copyOf(trackedIds(run(t, 60, 70, 900, 500, RED, true).getLast())),
        "RED was seen before the reset only");
  }
}
