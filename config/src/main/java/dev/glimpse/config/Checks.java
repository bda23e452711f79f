package dev.glimpse.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Collects the problems a record's compact constructor finds, so that one construction reports all of them.
 * Paths are the record's own YAML keys ({@code track_buffer}), which {@link ConfigLoader} prefixes with the
 * record's place in the file.
 */
final class Checks {
  private final List<Problem> problems = new ArrayList<>();

  void add(String path, String message) {
    problems.add(new Problem(path, message));
  }

  void require(boolean ok, String path, String message) {
    if (!ok) add(path, message);
  }

  void atLeast(String path, long value, long min) {
    if (value < min) add(path, "must be ≥ " + min + ", got " + value);
  }

  void inRange(String path, long value, long min, long max) {
    if (value < min || value > max) add(path, "must be in " + min + ".." + max + ", got " + value);
  }

  void inRange(String path, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      add(path, "must be in [" + num(min) + ", " + num(max) + "], got " + num(value));
    }
  }

  void positive(String path, Duration value) {
    if (value.isNegative() || value.isZero()) add(path, "must be > 0, got " + Durations.format(value));
  }

  void notBlank(String path, String value) {
    if (value.isBlank()) add(path, "must not be empty");
  }

  /** Adds a nested record's problems under {@code prefix}. */
  void addAll(String prefix, List<Problem> nested) {
    for (Problem p : nested) problems.add(p.under(prefix));
  }

  /** Throws one {@link ConfigException} naming {@code record} if anything was found. */
  void throwIfAny(String record) {
    if (!problems.isEmpty()) throw new ConfigException(record, problems);
  }

  List<Problem> problems() {
    return problems;
  }

  /** A number as a user wrote it: {@code 1} rather than {@code 1.0}. */
  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return String.format(Locale.ROOT, "%s", v);
  }
}
