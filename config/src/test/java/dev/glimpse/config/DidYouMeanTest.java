package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DidYouMeanTest {
  static final List<String> ROOT = List.of("ingest", "engine", "queries", "tracker", "ros", "http", "metrics", "sim");

  @ParameterizedTest
  @CsvSource({"kitten, sitting, 3", "rstp, rtsp, 1", "trackr, tracker, 1", "'', abc, 3", "abc, abc, 0",
      "ca, abc, 3", "enigne, engine, 1"})
  void distanceIsOptimalStringAlignment(String a, String b, int expected) {
    assertEquals(expected, DidYouMean.distance(a, b));
  }

  @ParameterizedTest
  @CsvSource({"trackr, tracker", "enigne, engine", "querys, queries", "metric, metrics", "rso, ros",
      "HTTP, http", "Tracker, tracker", "htp, http"})
  void nearMissesAreSuggested(String typo, String expected) {
    assertEquals(Optional.of(expected), DidYouMean.suggest(typo, ROOT));
  }

  @ParameterizedTest
  @CsvSource({"trackBuffer, track_buffer", "track-buffer, track_buffer", "trak_bufer, track_buffer",
      "BEST_EFFORT, best_effort", "best-effort, best_effort", "besteffort, best_effort", "keeplast, keep_last"})
  void caseAndSeparatorsDoNotCount(String typo, String expected) {
    assertEquals(Optional.of(expected),
        DidYouMean.suggest(typo, List.of("track_buffer", "match_thresh", "best_effort", "reliable", "keep_last")));
  }

  @ParameterizedTest
  @CsvSource({"gpu", "tpu", "zzz", "backend", "streams", "x", "foo"})
  void farValuesGetNoSuggestion(String far) {
    assertEquals(Optional.empty(), DidYouMean.suggest(far, List.of("auto", "cpu", "cuda")));
    assertEquals(Optional.empty(), DidYouMean.suggest(far, ROOT));
  }

  @Test
  void loaderSuggestsForNearKeysAndValuesOnly() {
    ConfigException e = ConfigTesting.problems("""
        enigne: {}
        tracker: {trak_buffer: 30, colour: red}
        ros:
          qos:
            detections: {reliability: best-effort, history: keep_lst}
        engine: {backend: gpu, dtype: BF16}
        """);
    assertEquals(List.of(
        "enigne: unknown key; did you mean 'engine'?",
        "tracker.trak_buffer: unknown key; did you mean 'track_buffer'?",
        "tracker.colour: unknown key (expected one of track_high_thresh, track_low_thresh, new_track_thresh, "
            + "match_thresh, second_match_thresh, unconfirmed_match_thresh, track_buffer, min_hits, point_gate_px, reid_thresh, reid_buffer)",
        "ros.qos.detections.reliability: unknown value 'best-effort' (expected reliable|best_effort); did you mean "
            + "'best_effort'?",
        "ros.qos.detections.history: unknown value 'keep_lst' (expected keep_last|keep_all); did you mean "
            + "'keep_last'?",
        "engine.backend: unknown value 'gpu' (expected auto|cpu|cuda)",
        "engine.dtype: unknown value 'BF16' (expected f32|bf16|q8); did you mean 'bf16'?"), ConfigTesting.lines(e));
  }
}
