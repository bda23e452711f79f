package dev.glimpse.agent.reliability;

import dev.glimpse.agent.pipeline.FrameResult;
import dev.glimpse.agent.pipeline.PipelineListener;
import dev.glimpse.agent.pipeline.StandingQuery;
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
import dev.glimpse.ingest.StreamStats;
import dev.glimpse.ros.RosBridge;
import dev.glimpse.ros.RosBridgeConfig;
import dev.glimpse.ros.Subscription;
import dev.glimpse.ros.msg.RosTypes;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Issue 10's load run: K streams replayed from files at their own frame rate (as cameras: newest frame wins, drops
 * counted) through one running agent ({@link AgentRuntime}: ingest → engine → tracker → ROS 2), for growing K. Each
 * level runs a warm-up, then a measured window in which it counts frames decoded, processed and dropped, and the
 * latency from a frame's decode to the DDS write of its tracks; a second DDS participant subscribes to every
 * stream's detections and counts what arrives. A level is held when nothing was dropped and every decoded frame
 * was processed. After the sweep, the largest held K is run again at an overload factor (e.g. 2×K streams).
 *
 * <p>One model and one engine for the whole run: streams are added and removed between levels, so each level starts
 * with empty contexts and the device memory of the last level's contexts is freed.
 */
public final class StreamsRun {
  /** What to run. */
  public record Spec(List<Path> videos, List<Integer> levels, double overload, Duration warmup, Duration window,
      String query, double queryHz, EngineConfig engine, int mailbox, boolean ros, int rosDomain) {
    public Spec {
      videos = List.copyOf(videos);
      levels = List.copyOf(levels);
      Objects.requireNonNull(warmup, "warmup");
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(engine, "engine");
      if (videos.isEmpty()) throw new IllegalArgumentException("at least one video is needed");
      if (levels.isEmpty() || levels.stream().anyMatch(k -> k < 1)) {
        throw new IllegalArgumentException("stream counts must be ≥ 1, got " + levels);
      }
      if (!(overload >= 0)) throw new IllegalArgumentException("overload must be ≥ 0 (0 = none), got " + overload);
      if (!(queryHz >= 0)) throw new IllegalArgumentException("query rate must be ≥ 0 Hz, got " + queryHz);
      if (mailbox < 1) throw new IllegalArgumentException("mailbox must be ≥ 1 frame, got " + mailbox);
    }
  }

  /**
   * One level's numbers over its measured window.
   *
   * @param streams      concurrent streams
   * @param overload     true for the overload run after the sweep
   * @param seconds      length of the measured window
   * @param decoded      frames ingest decoded (all streams)
   * @param processed    frames the engine finished
   * @param dropped      frames dropped by the streams' mailboxes (newest wins)
   * @param published    DDS messages written (one per answered standing query)
   * @param received     messages the second participant received
   * @param latencyMs    decode → DDS write (or → tracks, without ROS), ms
   * @param engineMs     engine time per frame (encode + context prefill + queries due), ms
   * @param kvBytesPerFrame context bytes per frame (all layers)
   * @param deviceMiB    GPU memory in use at the end of the window (nvidia-smi), −1 without a GPU
   * @param rssMiB       resident memory of this process at the end of the window
   * @param held         nothing dropped, and the engine kept up with ingest: every frame decoded in the window was
   *                     processed, but for those still in the mailboxes or in flight at its end
   */
  public record Level(int streams, boolean overload, double seconds, long decoded, long processed, long dropped,
      long published, long received, Summary latencyMs, Summary engineMs, double kvBytesPerFrame, long deviceMiB,
      double rssMiB, boolean held) {
    /** Frames per second the engine finished, all streams. */
    public double fps() { return processed / seconds; }
  }

  private final Spec spec;
  private final LongSupplier nanoClock;
  private final Consumer<String> log;
  private String engineDescription = "not started";

  /**
   * @param nanoClock the clock ingest stamps frames with ({@code System::nanoTime}); latency is measured on it
   * @param log       progress lines
   */
  public StreamsRun(Spec spec, LongSupplier nanoClock, Consumer<String> log) {
    this.spec = spec;
    this.nanoClock = nanoClock;
    this.log = log;
  }

  /** Where the engine ran, as it described itself once started. */
  public String engineDescription() { return engineDescription; }

  /** The agent's configuration: no streams yet (levels add them), the standing query, ROS on loopback when asked. */
  AgentConfig config() {
    QueryRate rate = spec.queryHz() == 0 ? QueryRate.EVERY_FRAME : new QueryRate.Hertz(spec.queryHz());
    RosConfig d = RosConfig.defaults();
    RosConfig ros = new RosConfig(spec.ros(), spec.rosDomain(), d.namespace(), d.nodeName(), d.topics(), d.qos(),
        Optional.of(RosBridgeConfig.LOOPBACK_ONLY));
    return new AgentConfig(new IngestConfig(List.of()), spec.engine(), List.of(new QueryConfig(spec.query(), rate, List.of())),
        TrackerSection.defaults(), ros, HttpConfig.defaults(), MetricsConfig.defaults(), Optional.empty());
  }

  /** Stream {@code i}: video {@code i mod n}, replayed at its own rate and looped, newest frames win. */
  StreamConfig stream(int i) {
    Path video = spec.videos().get(i % spec.videos().size()).toAbsolutePath();
    String id = "cam" + i;
    return new StreamConfig(id, SourceUrl.parse(video.toString()), StreamConfig.Transport.TCP,
        new MailboxConfig(MailboxConfig.MailboxPolicy.LATEST, spec.mailbox()), StreamConfig.Pacing.REALTIME, true,
        Duration.ofSeconds(10), StreamConfig.DEFAULT_STALL_TIMEOUT, BackoffConfig.defaults(), id, 0, 0);
  }

  /** Runs the sweep (stopping after the first level not held) and the overload run; returns every level. */
  public List<Level> run() throws Exception {
    Vertx vertx = Vertx.vertx();
    Recorder recorder = new Recorder(nanoClock);
    List<Level> out = new ArrayList<>();
    try (AgentRuntime rt = AgentRuntime.start(config(), vertx, List.of(recorder));
         RosBridge peer = spec.ros() ? RosBridge.open(RosBridgeConfig.loopback(spec.rosDomain())) : null) {
      if (rt.ros() != null) {
        recorder.rosOn();
        rt.ros().observe((stream, r, written) -> recorder.published(r, written));
      }
      engineDescription = "frames on " + rt.model().frameEncoder().describe() + ", language model on "
          + rt.model().lmSessions().describe();
      log.accept("engine: " + engineDescription);
      int best = 0;
      for (int k : spec.levels()) {
        Level l = level(rt, peer, recorder, k, false);
        out.add(l);
        if (!l.held()) break;
        best = k;
      }
      if (spec.overload() > 0 && best > 0) {
        out.add(level(rt, peer, recorder, (int) Math.ceil(best * spec.overload()), true));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return out;
  }

  private Level level(AgentRuntime rt, RosBridge peer, Recorder recorder, int k, boolean overload) throws Exception {
    log.accept((overload ? "overload: " : "level: ") + k + " stream(s)");
    AtomicLong received = new AtomicLong();
    List<Subscription> subs = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try {
      for (int i = 0; i < k; i++) {
        StreamConfig s = stream(i);
        ids.add(s.id());
        if (peer != null) {
          subs.add(peer.subscribe(rt.config().ros().detectionsTopic(s.id()), RosTypes.DETECTION2D_ARRAY,
              peer.config().qos().detections(), m -> received.incrementAndGet()));
        }
        rt.addStream(s);
      }
      Thread.sleep(spec.warmup().toMillis());         // a measured window after start-up, not synchronisation
      long[] before = totals(rt, ids);
      long receivedBefore = received.get();
      long t0 = nanoClock.getAsLong();
      recorder.start(t0);
      Thread.sleep(spec.window().toMillis());
      long t1 = nanoClock.getAsLong();
      long[] after = totals(rt, ids);
      Recorder.Window w = recorder.stop();
      long rx = received.get() - receivedBefore;
      ResourceSample rss = ResourceSample.take((t1 - t0) / 1e9, false);
      Level l = new Level(k, overload, (t1 - t0) / 1e9, after[0] - before[0], w.processed(), after[1] - before[1],
          w.published(), rx, w.latency(), w.engine(), w.kvBytesPerFrame(), deviceMiB(), rss.rssMiB(),
          after[1] == before[1] && w.processed() >= after[0] - before[0] - (spec.mailbox() + 1L) * k);
      log.accept(String.format("  %d stream(s): %.1f frames/s processed of %.1f decoded, %d dropped, latency p50 %.1f p99 %.1f ms, %s",
          k, l.fps(), l.decoded() / l.seconds(), l.dropped(), l.latencyMs().median(), l.latencyMs().p99(), l.held() ? "held" : "NOT held"));
      return l;
    } finally {
      for (String id : ids) rt.removeStream(id);
      for (Subscription s : subs) s.close();
    }
  }

  /** {decoded, dropped} summed over the streams. */
  private static long[] totals(AgentRuntime rt, List<String> ids) {
    long decoded = 0, dropped = 0;
    for (String id : ids) {
      AgentRuntime.StreamInfo s = rt.stream(id);
      if (s == null) continue;
      StreamStats st = s.stats();
      decoded += st.frames();
      dropped += st.drops();
    }
    return new long[] {decoded, dropped};
  }

  /** GPU memory in use as nvidia-smi reports it (MiB), or −1 where there is no nvidia-smi. */
  static long deviceMiB() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits")
          .redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes()).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return -1;
      return Long.parseLong(text.lines().findFirst().orElse("-1").strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Frames and messages of the measured window, from the pipeline's callbacks (event loops, publishing thread). */
  static final class Recorder implements PipelineListener {
    record Window(long processed, long published, Summary latency, Summary engine, double kvBytesPerFrame) {}

    private final LongSupplier nanoClock;
    private volatile boolean rosOff = true;
    private long from = Long.MAX_VALUE;               // frames decoded at or after this count
    private boolean open;
    private long processed, published;
    private double kvBytesPerFrame;
    private final List<Double> latency = new ArrayList<>(), engine = new ArrayList<>();

    Recorder(LongSupplier nanoClock) { this.nanoClock = nanoClock; }

    /** With ROS on, the DDS write ends a frame's latency ({@link #published}); else its tracks reaching listeners. */
    void rosOn() { rosOff = false; }

    synchronized void start(long t0) {
      from = t0;
      open = true;
      processed = published = 0;
      latency.clear();
      engine.clear();
    }

    synchronized Window stop() {
      open = false;
      return new Window(processed, published, summary(latency), summary(engine), kvBytesPerFrame);
    }

    private static Summary summary(List<Double> v) { return Summary.of(v.stream().mapToDouble(Double::doubleValue).toArray()); }

    @Override
    public synchronized void onFrame(String stream, FrameResult r) {
      if (!open || r.decodedNanos() < from) return;
      processed++;
      double ms = r.encodeMs();
      for (double q : r.queryMs().values()) ms += q;
      engine.add(ms);
      if (r.kv().frames() > 0) kvBytesPerFrame = (double) r.kv().bytes() / r.kv().frames();
    }

    @Override
    public void onTracks(String stream, StandingQuery q, FrameResult r, Detections d, List<Track> tracks) {
      if (rosOff) published(r, nanoClock.getAsLong());
    }

    synchronized void published(FrameResult r, long writtenNanos) {
      if (!open || r.decodedNanos() < from) return;
      published++;
      latency.add((writtenNanos - r.decodedNanos()) / 1e6);
    }
  }
}
