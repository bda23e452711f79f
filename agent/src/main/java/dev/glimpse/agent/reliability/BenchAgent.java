package dev.glimpse.agent.reliability;

import dev.glimpse.agent.runtime.AgentRuntime;
import dev.glimpse.config.AgentConfig;
import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.EngineConfig;
import dev.glimpse.config.HttpConfig;
import dev.glimpse.config.IngestConfig;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.MetricsConfig;
import dev.glimpse.config.QueryConfig;
import dev.glimpse.config.QueryRate;
import dev.glimpse.config.RosConfig;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.config.TrackerSection;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One stream through the whole agent, as {@code glimpse run} holds it ({@link AgentRuntime}: ingest → engine
 * worker → per-query tracker → track store), with one standing query and a {@link PipelineWatch} listening. The
 * HTTP API and ROS are left out: they read from the pipeline and do not change its ingest or engine path.
 */
public final class BenchAgent implements AutoCloseable {
  /** The stream id every reliability run uses. */
  public static final String STREAM = "cam";

  /**
   * What runs on the engine.
   *
   * @param modelDir      model folder (resolved as {@code engine.model_dir} is)
   * @param engineThreads CPU threads for the engine; 1 leaves the other core(s) to decoding, the event loop and the
   *                      RTSP server, as on a small robot computer
   * @param contextFrames frames kept in the stream's context; small, so that the context's memory is full (flat)
   *                      within the first seconds and does not pass for a leak
   * @param query         the standing query
   * @param queryHz       how often it is asked, in Hz of stream time (0 = on every frame the engine takes)
   */
  public record Spec(Path modelDir, int engineThreads, int contextFrames, String query, double queryHz) {
    public Spec {
      Objects.requireNonNull(modelDir, "modelDir");
      Objects.requireNonNull(query, "query");
      if (engineThreads < 0) throw new IllegalArgumentException("engine threads must be >= 0, got " + engineThreads);
      if (contextFrames < 1) throw new IllegalArgumentException("context frames must be >= 1, got " + contextFrames);
      if (!(queryHz >= 0)) throw new IllegalArgumentException("query rate must be >= 0 Hz, got " + queryHz);
    }

    /** The agent configuration: this engine and query, {@code stream} as the only stream, ROS off. */
    AgentConfig config(StreamConfig stream) {
      EngineConfig d = EngineConfig.defaults();
      EngineConfig engine = new EngineConfig(modelDir, EngineConfig.Backend.CPU, engineThreads, contextFrames,
          d.maxBatch(), d.dtype());
      QueryConfig q = new QueryConfig(query, queryHz == 0 ? QueryRate.EVERY_FRAME : new QueryRate.Hertz(queryHz), List.of());
      return new AgentConfig(new IngestConfig(List.of(stream)), engine, List.of(q), TrackerSection.defaults(),
          RosConfig.defaults(), HttpConfig.defaults(), MetricsConfig.defaults(), Optional.empty());
    }
  }

  private final Vertx vertx;
  private final AgentRuntime runtime;
  private final PipelineWatch watch;

  private BenchAgent(Vertx vertx, AgentRuntime runtime, PipelineWatch watch) {
    this.vertx = vertx;
    this.runtime = runtime;
    this.watch = watch;
  }

  /** Loads the model and starts {@code stream}; results and events go to a new {@link PipelineWatch}. */
  public static BenchAgent start(Spec spec, StreamConfig stream) throws IOException {
    Vertx vertx = Vertx.vertx();
    PipelineWatch watch = new PipelineWatch(System::nanoTime); // ingest stamps its events on System.nanoTime too
    try {
      return new BenchAgent(vertx, AgentRuntime.start(spec.config(stream), vertx, List.of(watch)), watch);
    } catch (IOException | RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * A live camera: newest frame wins (latest/1), stall timeout {@code stall}, reconnects after 100 ms doubling to
   * 500 ms (±20 %), which keeps recovery inside 2 s (video-ingest README, "Recovery time").
   */
  public static StreamConfig camera(String url, StreamConfig.Transport transport, Duration stall) {
    return new StreamConfig(STREAM, SourceUrl.parse(url), transport, new MailboxConfig(MailboxConfig.MailboxPolicy.LATEST, 1),
        StreamConfig.Pacing.REALTIME, false, Duration.ofSeconds(10), stall,
        new BackoffConfig(Duration.ofMillis(100), Duration.ofMillis(500), 2, 0.2), STREAM, 0, 0);
  }

  /** A recorded video replayed at its own pace, looped forever, nothing dropped (all/8). */
  public static StreamConfig loopedFile(Path video) {
    return new StreamConfig(STREAM, SourceUrl.parse(video.toAbsolutePath().toString()), StreamConfig.Transport.TCP,
        new MailboxConfig(MailboxConfig.MailboxPolicy.ALL, 8), StreamConfig.Pacing.REALTIME, true,
        Duration.ofSeconds(10), StreamConfig.DEFAULT_STALL_TIMEOUT, BackoffConfig.defaults(), STREAM, 0, 0);
  }

  public PipelineWatch watch() { return watch; }

  public String modelName() { return runtime.model().name(); }

  /** The stream as the API shows it (state, ingest counters, frames processed and failed); null once stopped. */
  public AgentRuntime.StreamInfo stream() { return runtime.stream(STREAM); }

  /** Frames whose engine work failed so far (dropped and counted by the pipeline). */
  public long engineFailures() {
    AgentRuntime.StreamInfo s = runtime.stream(STREAM);
    return s == null ? 0 : s.failed();
  }

  /** Stops the stream (in-flight work finishes and is published), frees the model and the event loops. */
  @Override
  public void close() throws Exception {
    try {
      runtime.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
