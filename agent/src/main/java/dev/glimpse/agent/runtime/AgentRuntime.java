package dev.glimpse.agent.runtime;

import dev.glimpse.agent.pipeline.EngineWorker;
import dev.glimpse.agent.pipeline.PipelineListener;
import dev.glimpse.agent.pipeline.StandingQuery;
import dev.glimpse.agent.pipeline.StreamPipeline;
import dev.glimpse.config.AgentConfig;
import dev.glimpse.config.EngineConfig;
import dev.glimpse.config.QueryConfig;
import dev.glimpse.config.QueryRate;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.config.TrackerSection;
import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.csa.engine.Query;
import dev.glimpse.cuda.Precision;
import dev.glimpse.cuda.backend.EncoderBackend;
import dev.glimpse.ingest.StreamStats;
import dev.glimpse.ros.RosBridge;
import dev.glimpse.ros.RosBridgeConfig;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tracker.IdSource;
import dev.glimpse.tracker.TrackerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running agent (what {@code glimpse run} holds): the model, one engine worker, one {@link StreamPipeline} per
 * stream with its standing queries, the {@link TrackStore} the API reads, ROS 2 publishing when enabled, and extra
 * listeners (metrics). Streams can be added and removed while running. {@link #close} stops ingest, lets in-flight
 * frames finish and be published, flushes ROS, then frees the model.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AgentRuntime.class.getName());

  /** A stream as the API shows it. */
  public record StreamInfo(String id, String source, String state, long processed, long failed, StreamStats stats,
      List<String> queries) {}

  private final AgentConfig config;
  private final Vertx vertx;
  private final Kernels kernels;
  private final GlimpseModel model;
  private final EngineWorker worker;
  private final TrackStore store = new TrackStore();
  private final RosPublishing ros;
  private final List<PipelineListener> extra;
  private final IdSource ids = IdSource.sequential();
  private final Map<String, StreamPipeline> pipelines = new LinkedHashMap<>();
  private final Map<String, StreamConfig> streamConfigs = new LinkedHashMap<>();

  private AgentRuntime(AgentConfig config, Vertx vertx, Kernels kernels, GlimpseModel model, RosPublishing ros,
      List<PipelineListener> extra) {
    this.config = config;
    this.vertx = vertx;
    this.kernels = kernels;
    this.model = model;
    this.worker = new EngineWorker(model, config.engine().contextFrames(), config.engine().maxBatch(), System::nanoTime);
    this.ros = ros;
    this.extra = List.copyOf(extra);
  }

  /**
   * Loads the model, opens ROS when enabled and starts every configured stream. A CUDA backend that this build lacks
   * and a missing model fail here, before anything runs.
   */
  public static AgentRuntime start(AgentConfig config, Vertx vertx, List<PipelineListener> extra) throws IOException {
    EngineConfig e = config.engine();
    EncoderBackend.Selection backend = selectBackend(e);
    Kernels kernels = Kernels.create("auto", e.threads() > 0 ? e.threads() : Runtime.getRuntime().availableProcessors());
    GlimpseModel model;
    try {
      model = GlimpseModel.load(modelDir(e.modelDir()), kernels, backend.factory(), backend.lm());
    } catch (IOException | RuntimeException ex) {
      kernels.close();
      throw ex;
    }
    LOG.log(System.Logger.Level.INFO, "engine: " + backend.summary() + "; frames on " + model.frameEncoder().describe()
        + "; the language model on " + model.lmSessions().describe() + " (CPU kernels: " + kernels.name() + ")");
    RosPublishing ros = null;
    if (config.ros().enabled()) {
      try {
        ros = new RosPublishing(RosBridge.open(RosBridgeConfig.from(config.ros())));
      } catch (RuntimeException ex) {
        model.close();
        kernels.close();
        throw new IOException("ros: cannot open DDS: " + ex.getMessage(), ex);
      }
    }
    AgentRuntime rt = new AgentRuntime(config, vertx, kernels, model, ros, extra);
    for (StreamConfig s : config.ingest().streams()) rt.addStream(s);
    return rt;
  }

  /**
   * engine.backend chosen once, here: cuda without a usable GPU fails start-up with what is missing; auto falls
   * back to the CPU with the reason logged. engine.dtype bf16 selects bf16 GEMMs on the GPU (q8 has no CUDA kernels:
   * f32 there); the CPU computes in f32 either way.
   */
  static EncoderBackend.Selection selectBackend(EngineConfig e) throws IOException {
    Precision p = e.dtype() == EngineConfig.DType.BF16 ? Precision.BF16 : Precision.F32;
    EncoderBackend.Choice choice = switch (e.backend()) {
      case AUTO -> EncoderBackend.Choice.AUTO;
      case CPU -> EncoderBackend.Choice.CPU;
      case CUDA -> EncoderBackend.Choice.CUDA;
    };
    try {
      return EncoderBackend.select(choice, p);
    } catch (IllegalStateException ex) {
      throw new IOException("engine." + ex.getMessage(), ex);
    }
  }

  /** engine.model_dir as given, else relative to the installation (glimpse.home). */
  static Path modelDir(Path configured) {
    if (configured.isAbsolute() || Files.isDirectory(configured)) return configured;
    return Path.of(System.getProperty("glimpse.home", ".")).resolve(configured);
  }

  public GlimpseModel model() { return model; }

  public TrackStore store() { return store; }

  public AgentConfig config() { return config; }

  /** The standing queries configured for a stream (queries with no stream list apply to every stream). */
  List<StandingQuery> queriesFor(String stream) {
    List<StandingQuery> out = new ArrayList<>();
    for (QueryConfig q : config.queries()) {
      if (!q.streams().isEmpty() && !q.streams().contains(stream)) continue;
      double hz = q.rate() instanceof QueryRate.Hertz h ? h.hz() : 0;
      out.add(new StandingQuery(Query.parse(q.text(), model.classes(), model.colors()), hz));
    }
    return out;
  }

  /** Starts a stream; an id already running is an error. */
  public synchronized StreamInfo addStream(StreamConfig s) {
    if (pipelines.containsKey(s.id())) throw new IllegalArgumentException("stream '" + s.id() + "' already exists");
    List<PipelineListener> listeners = new ArrayList<>();
    listeners.add(store);
    if (ros != null) listeners.add(ros);
    listeners.addAll(extra);
    List<StandingQuery> queries = queriesFor(s.id());
    StreamPipeline p = new StreamPipeline(vertx, s, worker, queries, trackerConfig(config.tracker()), ids, listeners);
    pipelines.put(s.id(), p);
    streamConfigs.put(s.id(), s);
    p.start().onComplete(r -> LOG.log(System.Logger.Level.INFO, "stream " + s.id() + " ended: "
        + (r.succeeded() ? r.result() : r.cause().getMessage())));
    return info(s.id());
  }

  /** Stops and forgets a stream; false if there is none with that id. */
  public boolean removeStream(String id) throws Exception {
    StreamPipeline p;
    synchronized (this) {
      p = pipelines.remove(id);
      streamConfigs.remove(id);
    }
    if (p == null) return false;
    p.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    worker.drop(id).get(30, TimeUnit.SECONDS);
    store.forget(id);
    return true;
  }

  public synchronized List<StreamInfo> streams() {
    return pipelines.keySet().stream().map(this::info).toList();
  }

  public synchronized StreamInfo stream(String id) { return pipelines.containsKey(id) ? info(id) : null; }

  private StreamInfo info(String id) {
    StreamPipeline p = pipelines.get(id);
    StreamStats st = p.stats();
    return new StreamInfo(id, streamConfigs.get(id).url().redacted(), p.state(), p.processed(), p.failed(), st,
        p.queries().stream().map(q -> q.query().text()).toList());
  }

  /** An ad-hoc query about a stream's latest frame. Bad query text fails the future with IllegalArgumentException. */
  public CompletableFuture<Answer> ask(String stream, String text) {
    Query q;
    try {
      q = Query.parse(text, model.classes(), model.colors());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    synchronized (this) {
      if (!pipelines.containsKey(stream)) {
        return CompletableFuture.failedFuture(new java.util.NoSuchElementException("no stream '" + stream + "'"));
      }
    }
    return worker.ask(stream, q);
  }

  /** Frames published to ROS so far (0 when ROS is off). */
  public long rosPublished() { return ros == null ? 0 : ros.published(); }

  public RosPublishing ros() { return ros; }

  /** ByteTrack knobs of the config file onto the tracker (match thresholds are IoU distances there, similarities here). */
  static TrackerConfig trackerConfig(TrackerSection t) {
    TrackerConfig d = TrackerConfig.DEFAULTS;
    return new TrackerConfig(d.frameRate(), t.trackHighThresh(), t.trackLowThresh(), t.newTrackThresh(),
        1 - t.matchThresh(), t.secondMatchThresh(), 1 - t.unconfirmedMatchThresh(), d.fuseScore(), t.trackBuffer(),
        t.minHits(), d.duplicateThreshold(), t.pointGatePx(), d.pointNoiseScale(), d.boxState(), d.matchBuffer(),
        d.lostMatchBuffer(), d.motionCompensation(), d.cameraMotionNoise(), d.observationRecovery(), d.coastFrames(),
        t.reidThresh(), d.reidMargin(), t.reidBuffer());
  }

  /** Stops every stream (in-flight frames finish and are published), flushes ROS, frees the model. */
  @Override
  public void close() {
    List<Future<Void>> stops = new ArrayList<>();
    synchronized (this) {
      for (StreamPipeline p : pipelines.values()) stops.add(p.stop());
      pipelines.clear();
    }
    for (Future<Void> f : stops) {
      try {
        f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "a stream did not stop cleanly: " + e.getMessage());
      }
    }
    worker.close();
    if (ros != null) ros.close();
    model.close();
    kernels.close();
  }
}
