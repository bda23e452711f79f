package dev.glimpse.config;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as people write them: {@code 1MiB}, {@code 64KiB}, {@code 1.5MiB}, {@code 512B}, or a plain number
 * of bytes ({@code 1048576}).
 *
 * <p>IEC units ({@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}) are powers of 1024; SI units ({@code kB} or
 * {@code KB}, {@code MB}, {@code GB}, {@code TB}) are powers of 1000, as their standards say. Units are case
 * sensitive ({@code mb} would be millibits) but a wrong case gets a suggestion. Fractions must come to a whole
 * number of bytes.
 */
public final class ByteSizes {
  private ByteSizes() {}

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
  private static final Map<String, Long> UNITS = units();

  private static Map<String, Long> units() {
    Map<String, Long> u = new LinkedHashMap<>();
    u.put("B", 1L);
    u.put("KiB", 1L << 10);
    u.put("MiB", 1L << 20);
    u.put("GiB", 1L << 30);
    u.put("TiB", 1L << 40);
    u.put("kB", 1_000L);
    u.put("KB", 1_000L);
    u.put("MB", 1_000_000L);
    u.put("GB", 1_000_000_000L);
    u.put("TB", 1_000_000_000_000L);
    return Collections.unmodifiableMap(u);
  }

  /** Parses a size in bytes; the exception's message says what was wrong and what is expected. */
  public static long parse(String text) {
    String s = text.strip();
    if (s.startsWith("-")) throw new IllegalArgumentException("must not be negative, got '" + text + "'");
    Matcher m = SIZE.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a size such as 64KiB, 1MiB or 1048576 (bytes), got '" + text + "'");
    }
    String unit = m.group(2).isEmpty() ? "B" : m.group(2);
    Long factor = UNITS.get(unit);
    if (factor == null) {
      throw new IllegalArgumentException("unknown size unit '" + unit + "' in '" + text + "' (expected one of "
          + String.join(", ", UNITS.keySet()) + ")" + DidYouMean.hint(unit, UNITS.keySet()));
    }
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(factor));
    if (bytes.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("not a whole number of bytes: '" + text + "' = " + bytes.toPlainString()
          + " B");
    }
    try {
      return bytes.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large: '" + text + "'");
    }
  }

  /** The shortest exact IEC text for {@code bytes}: {@code 1MiB}, {@code 64KiB}, {@code 1536KiB}, {@code 1000B}. */
  public static String format(long bytes) {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    for (String u : units) {
      long f = UNITS.get(u);
      if (bytes != 0 && bytes % f == 0) return bytes / f + u;
    }
    return bytes + "B";
  }
}
