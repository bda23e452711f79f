package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "250ms | 250000000", "2s | 2000000000", "1.5s | 1500000000", "1m | 60000000000", "1h | 3600000000000",
      "1m30s | 90000000000", "1h2m3s4ms | 3723004000000", "'500 ms' | 500000000", "'  2s  ' | 2000000000",
      "'1m 30s' | 90000000000", "0s | 0", "0ms | 0", "0.1s | 100000000", "1us | 1000", "1µs | 1000", "10ns | 10",
      "1.5ms | 1500000", "0.000000001s | 1", "2.50s | 2500000000"})
  void parsesWhatPeopleWrite(String text, long nanos) {
    assertEquals(Duration.ofNanos(nanos), Durations.parse(text));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'' | expected a duration such as 250ms, 2s, 1.5s or 1m, got ''",
      "2 | missing unit in '2' (write e.g. '2s' or '2ms')",
      "1.5 | missing unit in '1.5' (write e.g. '1.5s' or '1.5ms')",
      "-1s | must not be negative, got '-1s'",
      "2sec | expected a duration such as 250ms, 2s, 1.5s or 1m (units h, m, s, ms, us, ns), got '2sec'",
      "5min | expected a duration such as 250ms, 2s, 1.5s or 1m (units h, m, s, ms, us, ns), got '5min'",
      "2 seconds | expected a duration such as 250ms, 2s, 1.5s or 1m (units h, m, s, ms, us, ns), got '2 seconds'",
      ".5s | expected a duration such as 250ms, 2s, 1.5s or 1m (units h, m, s, ms, us, ns), got '.5s'",
      "s | expected a duration such as 250ms, 2s, 1.5s or 1m (units h, m, s, ms, us, ns), got 's'",
      "1,5s | expected a duration such as 250ms, 2s, 1.5s or 1m (units h, m, s, ms, us, ns), got '1,5s'",
      "30s1m | units must go from larger to smaller, each once, in '30s1m'",
      "1s1s | units must go from larger to smaller, each once, in '1s1s'",
      "1.5ns | finer than a nanosecond: '1.5ns'",
      "99999999999h | too large: '99999999999h' (at most about 292 years)"})
  void rejectsWithAReason(String text, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Durations.parse(text)).getMessage());
  }

  @ParameterizedTest
  @CsvSource({"250000000, 250ms", "2000000000, 2s", "1500000000, 1.5s", "60000000000, 1m", "90000000000, 1m30s",
      "3600000000000, 1h", "3661500000000, 1h1m1.5s", "1500000, 1500us", "7, 7ns", "0, 0s"})
  void formatsShortAndReadsBack(long nanos, String text) {
    Duration d = Duration.ofNanos(nanos);
    assertEquals(text, Durations.format(d));
    assertEquals(d, Durations.parse(Durations.format(d)));
  }

  @Test
  void loaderReportsBadDurationsAtTheirPath() {
    ConfigException e = ConfigTesting.problems("""
        ingest:
          streams:
            - {id: a, url: "rtsp://h/p", stall_timeout: 0s, open_timeout: fast, reconnect: {initial: [1]}}
        """);
    assertEquals(List.of(
        "ingest.streams[0].stall_timeout: must be > 0, got 0s",
        "ingest.streams[0].open_timeout: expected a duration such as 250ms, 2s, 1.5s or 1m (units h, m, s, ms, us, "
            + "ns), got 'fast'",
        "ingest.streams[0].reconnect.initial: expected a duration such as 250ms or 2s, got a list"),
        ConfigTesting.lines(e));
  }
}
