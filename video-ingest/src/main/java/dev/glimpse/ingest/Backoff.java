package dev.glimpse.ingest;

import dev.glimpse.config.BackoffConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter over {@link BackoffConfig}: attempt n (1-based) waits
 * {@code min(max, initial · multiplier^(n−1)) · (1 ± jitter)}. The jitter spreads the reconnects of many cameras
 * that went down together (one switch rebooting) so they do not all hit the network at once. The RNG is injected
 * and seeded, so a run's schedule can be replayed. One per stream; not thread-safe.
 */
final class Backoff {
  private final BackoffConfig config;
  private final RandomGenerator rng;

  Backoff(BackoffConfig config, RandomGenerator rng) {
    this.config = Objects.requireNonNull(config, "config");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /** The wait before attempt {@code attempt} (1, 2, ...). */
  Duration delay(int attempt) {
    if (attempt < 1) throw new IllegalArgumentException("attempts count from 1, got " + attempt);
    return config.delay(attempt - 1, rng.nextDouble());
  }
}
