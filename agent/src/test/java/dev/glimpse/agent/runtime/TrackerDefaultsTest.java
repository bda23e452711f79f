package dev.glimpse.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glimpse.config.TrackerSection;
import dev.glimpse.tracker.TrackerConfig;
import java.lang.reflect.RecordComponent;
import org.junit.jupiter.api.Test;

/** A config file without a tracker section tracks as `glimpse sim` and tracker/README.md measure. */
class TrackerDefaultsTest {
  @Test
  void theYamlDefaultsAreTheTrackersDefaults() throws Exception {
    TrackerConfig fromYaml = AgentRuntime.trackerConfig(TrackerSection.defaults());
    for (RecordComponent k : TrackerConfig.class.getRecordComponents()) {
      Object want = k.getAccessor().invoke(TrackerConfig.DEFAULTS), got = k.getAccessor().invoke(fromYaml);
      if (want instanceof Double w) {
        assertEquals(w, (Double) got, 1e-12, k.getName());  // match thresholds arrive as 1 - distance
      } else {
        assertEquals(want, got, k.getName());
      }
    }
  }

  @Test
  void eachYamlKeyReachesItsKnob() {
    TrackerConfig c = AgentRuntime.trackerConfig(new TrackerSection(0.6, 0.2, 0.7, 0.9, 0.4, 0.6, 60, 3, 25.5, 0.8, 300));
    assertEquals(0.6, c.highScoreThreshold());
    assertEquals(0.2, c.lowScoreThreshold());
    assertEquals(0.7, c.trackActivationThreshold());
    assertEquals(0.1, c.firstMatchThreshold(), 1e-12);
    assertEquals(0.4, c.secondMatchThreshold());
    assertEquals(0.4, c.unconfirmedMatchThreshold(), 1e-12);
    assertEquals(60, c.lostTrackBuffer());
    assertEquals(3, c.minimumConsecutiveFrames());
    assertEquals(25.5, c.pointGateDistance());
    assertEquals(0.8, c.reidThreshold());
    assertEquals(300, c.reidBuffer());
  }
}
