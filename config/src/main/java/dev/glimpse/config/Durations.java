package dev.glimpse.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m},
 * {@code 1m30s}, {@code 500 ms}.
 *
 * <p>Units: {@code h}, {@code m}, {@code s}, {@code ms}, {@code us} (or {@code µs}), {@code ns}. Several parts must
 * go from larger to smaller units ({@code 1m30s}, not {@code 30s1m}). A unit is always required: a bare
 * {@code 2} could mean seconds or milliseconds, and guessing wrong turns a 2 s stall timeout into 2 ms.
 * Negative values and values finer than a nanosecond are rejected.
 */
public final class Durations {
  private Durations() {}

  private static final String EXAMPLES = "such as 250ms, 2s, 1.5s or 1m";
  // Longest first so that "ms" is not read as "m" followed by "s".
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|us|µs|ns|h|m|s)");
  private static final List<String> UNITS = List.of("h", "m", "s", "ms", "us", "ns"); // largest first
  private static final long[] NANOS = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};

  /** Parses a duration; the exception's message says what was wrong and what is expected. */
  public static Duration parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) throw new IllegalArgumentException("expected a duration " + EXAMPLES + ", got ''");
    if (s.startsWith("-")) throw new IllegalArgumentException("must not be negative, got '" + text + "'");
    if (s.matches("\\d+(\\.\\d+)?")) {
      throw new IllegalArgumentException("missing unit in '" + text + "' (write e.g. '" + s + "s' or '" + s + "ms')");
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int pos = 0, lastUnit = -1;
    while (pos < s.length()) {
      while (pos < s.length() && s.charAt(pos) == ' ') pos++;
      m.region(pos, s.length());
      if (!m.lookingAt()) throw bad(text);
      int unit = UNITS.indexOf(m.group(2).equals("µs") ? "us" : m.group(2));
      if (unit <= lastUnit) {
        throw new IllegalArgumentException("units must go from larger to smaller, each once, in '" + text + "'");
      }
      if (m.end() < s.length() && Character.isLetter(s.charAt(m.end()))) throw bad(text);
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS[unit])));
      lastUnit = unit;
      pos = m.end();
    }
    if (nanos.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("finer than a nanosecond: '" + text + "'");
    }
    try {
      return Duration.ofNanos(nanos.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large: '" + text + "' (at most about 292 years)");
    }
  }

  /** Short text that {@link #parse} reads back to the same value: {@code 250ms}, {@code 1m30s}, {@code 1.5s}. */
  public static String format(Duration d) {
    if (d.isNegative()) return "-" + format(d.negated());
    if (d.isZero()) return "0s";
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException e) {
      return d.toSeconds() + "s";
    }
    if (nanos < 1_000_000_000L || nanos % 1_000_000_000L != 0 && nanos < 60_000_000_000L) {
      return smallest(nanos);
    }
    StringBuilder sb = new StringBuilder();
    long rest = nanos;
    for (int u = 0; u < 2 && rest > 0; u++) { // hours, minutes
      if (rest >= NANOS[u]) {
        sb.append(rest / NANOS[u]).append(UNITS.get(u));
        rest %= NANOS[u];
      }
    }
    if (rest > 0) sb.append(smallest(rest));
    return sb.toString();
  }

  /** A value below a minute in one unit: whole ms/us/ns when exact, else decimal seconds or milliseconds. */
  private static String smallest(long nanos) {
    if (nanos % 1_000_000_000L == 0) return nanos / 1_000_000_000L + "s";
    if (nanos >= 1_000_000_000L) return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + "s";
    if (nanos % 1_000_000L == 0) return nanos / 1_000_000L + "ms";
    if (nanos % 1_000L == 0) return nanos / 1_000L + "us";
    return nanos + "ns";
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException("expected a duration " + EXAMPLES + " (units h, m, s, ms, us, ns), got '"
        + text + "'");
  }
}
