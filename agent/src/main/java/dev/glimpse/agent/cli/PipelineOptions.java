package dev.glimpse.agent.cli;

import dev.glimpse.agent.reliability.BenchAgent;
import dev.glimpse.config.EngineConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options of the reliability benchmarks: what the engine runs while faults are injected or the soak goes on. */
public final class PipelineOptions {
  @Option(names = "--model", paramLabel = "DIR",
      description = "model directory; default: the shipped models/glimpse-tiny")
  Path model = EngineConfig.DEFAULT_MODEL_DIR;

  @Option(names = "--engine-threads", defaultValue = "1", paramLabel = "N",
      description = "engine CPU threads (0 = one per core). Default ${DEFAULT-VALUE}: the other cores decode and serve")
  int engineThreads;

  @Option(names = "--context-frames", defaultValue = "8", paramLabel = "N",
      description = "frames in the stream's context (default ${DEFAULT-VALUE}: fills within seconds, so memory is flat after)")
  int contextFrames;

  @Option(names = "--query", defaultValue = "box all person", paramLabel = "TEXT",
      description = "the standing query (default \"${DEFAULT-VALUE}\")")
  String query;

  @Option(names = "--query-hz", defaultValue = "1", paramLabel = "HZ",
      description = "how often the query is asked, in Hz (0 = on every frame the engine takes). Default ${DEFAULT-VALUE}")
  double queryHz;

  BenchAgent.Spec spec() { return new BenchAgent.Spec(model, engineThreads, contextFrames, query, queryHz); }

  /** A duration of {@code s} seconds, to the nanosecond (the benches' options are in seconds). */
  static Duration seconds(double s) { return Duration.ofNanos(Math.round(s * 1e9)); }
}
