package dev.glimpse.config;

import java.util.List;
import java.util.Locale;

/**
 * How often a standing query runs on a stream: on every frame, or at a fixed rate in Hz (on the newest frame when
 * it is due). YAML: {@code every_frame}, a number ({@code 5} = 5 Hz) or a string such as {@code 2.5hz}.
 */
public sealed interface QueryRate {
  /** Runs on every frame that reaches the engine. */
  QueryRate EVERY_FRAME = new EveryFrame();

  /** Runs on every frame that reaches the engine. */
  record EveryFrame() implements QueryRate {
    @Override
    public String toString() {
      return "every_frame";
    }
  }

  /**
   * Runs at most {@code hz} times per second.
   *
   * @param hz rate in (0, 1000]. Lowering it saves engine time for other queries and streams but makes answers
   *     (and the tracks fed by them) staler.
   */
  record Hertz(double hz) implements QueryRate {
    public Hertz {
      if (!(hz > 0 && hz <= 1000)) {
        throw new IllegalArgumentException("rate must be in (0, 1000] Hz, got " + Checks.num(hz));
      }
    }

    @Override
    public String toString() {
      return Checks.num(hz) + "hz";
    }
  }

  /** Parses {@code every_frame}, {@code 5}, {@code 2.5hz} or {@code 10 Hz}. */
  static QueryRate parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("every_frame")) return EVERY_FRAME;
    String number = s.endsWith("hz") ? s.substring(0, s.length() - 2).strip() : s;
    if (number.matches("\\d+(\\.\\d+)?")) return new Hertz(Double.parseDouble(number));
    throw new IllegalArgumentException("expected every_frame or a rate in Hz such as 5 or '2.5hz', got '" + text + "'"
        + DidYouMean.hint(text, List.of("every_frame")));
  }
}
