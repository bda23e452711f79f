package dev.glimpse.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code glimpse sim}: replay a recorded video through the same pipeline as {@code run} and score the results.
 * Its stream is named {@value #STREAM_ID}. Command-line options override these values.
 *
 * @param video the recorded video. Required.
 * @param gtDir ground truth (MOTChallenge {@code gt/gt.txt} + {@code labels.jsonl}, as {@code glimpse render}
 *     writes); empty = no scores, only outputs and latency.
 * @param outDir where results, metrics and plots go. Default {@code sim-out}.
 * @param queries queries to run; empty = the top-level {@code queries}. Their {@code streams}, if given, may only
 *     name {@value #STREAM_ID}.
 */
public record SimConfig(Path video, Optional<Path> gtDir, Path outDir, List<QueryConfig> queries) {
  public static final String STREAM_ID = "sim";
  public static final Optional<Path> DEFAULT_GT_DIR = Optional.empty();
  public static final Path DEFAULT_OUT_DIR = Path.of("sim-out");
  /** Empty: the top-level queries. */
  public static final List<QueryConfig> DEFAULT_QUERIES = List.of();

  public SimConfig {
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(gtDir, "gtDir");
    Objects.requireNonNull(outDir, "outDir");
    queries = List.copyOf(queries);
    Checks c = new Checks();
    c.notBlank("video", video.toString());
    c.notBlank("out_dir", outDir.toString());
    for (int i = 0; i < queries.size(); i++) {
      List<String> streams = queries.get(i).streams();
      for (int k = 0; k < streams.size(); k++) {
        c.require(streams.get(k).equals(STREAM_ID), "queries[" + i + "].streams[" + k + "]",
            "the simulator's only stream is '" + STREAM_ID + "', got '" + streams.get(k) + "'");
      }
    }
    c.throwIfAny("SimConfig");
  }
}
