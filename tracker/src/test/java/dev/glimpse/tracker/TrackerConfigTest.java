package dev.glimpse.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrackerConfigTest {

  @Test
  void defaultsAreByteTracksButForTheBuffer() {
    TrackerConfig c = TrackerConfig.DEFAULTS;
    assertEquals(0.5, c.highScoreThreshold());
    assertEquals(0.6, c.trackActivationThreshold());
    assertEquals(90, c.lostTrackBuffer());
    assertEquals(30, TrackerConfig.BYTETRACK.lostTrackBuffer());
    assertEquals(2, c.minimumConsecutiveFrames());
  }

  @Test
  void reportsEveryProblemAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrackerConfig(0, 0.5, 0.6,
        0.6, 0, 0.5, 0.3, true, -1, 0, 0.85, 64, 64, null, -0.1, Double.NaN, true, -1, true, -1, 1.5, -1, -1));
    String m = e.getMessage();
    for (String knob : new String[] {"frameRate", "highScoreThreshold", "firstMatchThreshold", "lostTrackBuffer",
        "minimumConsecutiveFrames", "boxState", "matchBuffer", "lostMatchBuffer", "cameraMotionNoise",
        "coastFrames", "reidThreshold", "reidMargin", "reidBuffer"}) {
      assertTrue(m.contains(knob), knob + " missing from: " + m);
    }
  }

  @Test
  void withersKeepTheOtherKnobs() {
    TrackerConfig c = TrackerConfig.DEFAULTS.withLostTrackBuffer(5).withMinimumConsecutiveFrames(3);
    assertEquals(5, c.lostTrackBuffer());
    assertEquals(3, c.minimumConsecutiveFrames());
    assertEquals(TrackerConfig.DEFAULTS.firstMatchThreshold(), c.firstMatchThreshold());
    assertThrows(IllegalArgumentException.class, () -> TrackerConfig.DEFAULTS.withFrameRate(Double.NaN));
    TrackerConfig d = c.withMatchBuffer(0.5).withLostMatchBuffer(2).withMotionCompensation(false)
        .withBoxState(TrackerConfig.BoxState.XYAH).withCameraMotionNoise(0.01).withObservationRecovery(false)
        .withCoastFrames(4);
    assertEquals(0.01, d.cameraMotionNoise());
    assertEquals(false, d.observationRecovery());
    assertEquals(4, d.coastFrames());
    assertEquals(0.5, d.matchBuffer());
    assertEquals(2, d.lostMatchBuffer());
    assertEquals(false, d.motionCompensation());
    assertEquals(TrackerConfig.BoxState.XYAH, d.boxState());
    assertEquals(5, d.lostTrackBuffer());
    assertEquals(3, d.minimumConsecutiveFrames());
  }

  @Test
  void byteTrackIsTheDefaultsWithoutTheMovingCameraSteps() {
    TrackerConfig b = TrackerConfig.BYTETRACK;
    assertEquals(TrackerConfig.BoxState.XYAH, b.boxState());
    assertEquals(0, b.matchBuffer());
    assertEquals(0, b.lostMatchBuffer());
    assertEquals(false, b.motionCompensation());
    assertEquals(false, b.observationRecovery());
    assertEquals(0, b.coastFrames());
    assertEquals(0, b.reidThreshold());
    assertEquals(TrackerConfig.DEFAULTS, b.withBoxState(TrackerConfig.BoxState.XYWH).withMatchBuffer(0.3)
        .withLostMatchBuffer(1).withMotionCompensation(true).withObservationRecovery(true).withCoastFrames(1)
        .withLostTrackBuffer(90).withReid(0.9, 0.1, 900));
  }
}
