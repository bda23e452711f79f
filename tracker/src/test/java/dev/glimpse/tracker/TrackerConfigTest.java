package dev.glimpse.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrackerConfigTest {

  @Test
  void defaultsAreByteTracks() {
    TrackerConfig c = TrackerConfig.DEFAULTS;
    assertEquals(0.5, c.highScoreThreshold());
    assertEquals(0.6, c.trackActivationThreshold());
    assertEquals(30, c.lostTrackBuffer());
    assertEquals(2, c.minimumConsecutiveFrames());
  }

  @Test
  void reportsEveryProblemAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrackerConfig(0, 0.5, 0.6,
        0.6, 0, 0.5, 0.3, true, -1, 0, 0.85, 64, 64));
    String m = e.getMessage();
    for (String knob : new String[] {"frameRate", "highScoreThreshold", "firstMatchThreshold", "lostTrackBuffer",
        "minimumConsecutiveFrames"}) {
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
  }
}
