package dev.glimpse.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Reconnect schedule of a stream after an outage or a stall: the n-th retry (n = 0, 1, ...) waits
 * {@code min(max, initial · multiplier^n)}, scaled by a random factor in {@code [1 − jitter, 1 + jitter]}. Retries
 * never stop: a camera that is down now may come back. YAML: {@code reconnect: {initial, max, multiplier, jitter}}.
 *
 * @param initial the first wait. Raising it spares a flapping camera from rapid reconnects but delays recovery
 *     from short network blips.
 * @param max the longest wait. Raising it reduces connection attempts against a camera that is down for long but
 *     adds up to that much delay before frames resume once it is back.
 * @param multiplier growth of the wait per failed attempt, in [1, 10]. Raising it reaches {@code max} sooner.
 * @param jitter relative randomisation of each wait, in [0, 1). Raising it spreads the reconnects of many cameras
 *     behind one switch (no thundering herd) but makes recovery time less predictable.
 */
public record BackoffConfig(Duration initial, Duration max, double multiplier, double jitter) {
  public static final Duration DEFAULT_INITIAL = Duration.ofMillis(250);
  /** Short, so that frames resume within about 2 s of a camera coming back. */
  public static final Duration DEFAULT_MAX = Duration.ofSeconds(2);
  public static final double DEFAULT_MULTIPLIER = 2.0;
  public static final double DEFAULT_JITTER = 0.2;

  public BackoffConfig {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    Checks c = new Checks();
    c.positive("initial", initial);
    c.require(max.compareTo(initial) >= 0, "max", "must be ≥ initial (" + Durations.format(initial) + "), got "
        + Durations.format(max));
    c.inRange("multiplier", multiplier, 1, 10);
    c.require(jitter >= 0 && jitter < 1, "jitter", "must be in [0, 1), got " + Checks.num(jitter));
    c.throwIfAny("BackoffConfig");
  }

  public static BackoffConfig defaults() {
    return new BackoffConfig(DEFAULT_INITIAL, DEFAULT_MAX, DEFAULT_MULTIPLIER, DEFAULT_JITTER);
  }

  /**
   * The wait before retry {@code attempt} (0-based). {@code unitRandom} in [0, 1) comes from the caller's RNG, so
   * that replays can be made deterministic; 0.5 gives the un-jittered wait.
   */
  public Duration delay(int attempt, double unitRandom) {
    double nanos = Math.min(max.toNanos(), initial.toNanos() * Math.pow(multiplier, Math.max(0, attempt)));
    return Duration.ofNanos(Math.round(nanos * (1 + jitter * (2 * unitRandom - 1))));
  }
}
