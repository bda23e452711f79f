package dev.glimpse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.BackoffConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Exponential growth, the cap, the jitter band, and replayability from the seed. */
class BackoffTest {
  private static final BackoffConfig CONFIG = new BackoffConfig(Duration.ofMillis(100), Duration.ofMillis(1000), 2, 0.2);

  @Test
  void growsExponentiallyWithinTheJitterBandUpToTheCap() {
    Backoff b = new Backoff(CONFIG, new SplittableRandom(1));
    for (int attempt = 1; attempt <= 12; attempt++) {
      double base = Math.min(1000, 100 * Math.pow(2, attempt - 1));
      long ms = b.delay(attempt).toMillis();
      assertTrue(ms >= Math.floor(base * 0.8) && ms <= Math.ceil(base * 1.2), "attempt " + attempt + ": " + ms + " ms vs " + base);
    }
  }

  @Test
  void sameSeedSameScheduleOtherSeedOtherSchedule() {
    assertEquals(schedule(42), schedule(42));
    assertNotEquals(schedule(42), schedule(43));
    IngestEnv env = IngestEnv.system();
    assertNotEquals(new Backoff(CONFIG, env.rngFor("cam1")).delay(1), new Backoff(CONFIG, env.rngFor("cam2")).delay(1),
        "two cameras that fail together should not retry in step");
  }

  @Test
  void attemptsCountFromOne() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(CONFIG, new SplittableRandom(1)).delay(0));
  }

  private static List<Duration> schedule(long seed) {
    Backoff b = new Backoff(CONFIG, new SplittableRandom(seed));
    List<Duration> out = new ArrayList<>();
    for (int i = 1; i <= 6; i++) out.add(b.delay(i));
    return out;
  }
}
