package dev.glimpse.agent.pipeline;

import dev.glimpse.config.StreamConfig;
import dev.glimpse.csa.engine.Answer;
import dev.glimpse.ingest.FrameStream;
import dev.glimpse.ingest.StreamStats;
import dev.glimpse.tracker.ColourHistogram;
import dev.glimpse.tracker.IdSource;
import dev.glimpse.tracker.MultiLabelTracker;
import dev.glimpse.tracker.TrackerConfig;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Frame;
import dev.glimpse.types.PixelFormat;
import dev.glimpse.types.Stamp;
import dev.glimpse.types.Track;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream, end to end (issue 8): ingest ({@link FrameStream}, frames decoded on the stream's own thread) → the
 * {@link EngineWorker} (encode into the stream's context, standing queries due on this frame) → one tracker per
 * query → listeners. Runs on one Vert.x context and never blocks it: the engine's result comes back with
 * {@code runOnContext}, and the boxes' colour histograms (pixel reads) are computed on a Vert.x worker thread.
 * Exactly one frame per stream is with the engine at a time; the stream is paused meanwhile, so a {@code latest}
 * mailbox drops (and counts) stale frames live, and an {@code all} mailbox holds the decoder back in replays.
 * Tracker ids come from an injected {@link IdSource} so a replay is deterministic.
 */
public final class StreamPipeline {
  private final Vertx vertx;
  private final StreamConfig config;
  private final EngineWorker worker;
  private final List<StandingQuery> queries;
  private final List<PipelineListener> listeners;
  private final Map<String, MultiLabelTracker> trackers = new HashMap<>();
  private final Map<String, Long> lastAsked = new HashMap<>();
  private final Promise<StreamStats> done = Promise.promise();
  private final AtomicLong processed = new AtomicLong(), failed = new AtomicLong();
  private Context context;
  private FrameStream stream;
  private boolean ended;
  private int inFlight;

  public StreamPipeline(Vertx vertx, StreamConfig config, EngineWorker worker, List<StandingQuery> queries,
      TrackerConfig trackerConfig, IdSource ids, List<PipelineListener> listeners) {
    this.vertx = vertx;
    this.config = config;
    this.worker = worker;
    this.queries = List.copyOf(queries);
    this.listeners = List.copyOf(listeners);
    for (StandingQuery q : queries) trackers.put(q.query().text(), new MultiLabelTracker(trackerConfig, ids));
  }

  /** Starts ingest on a new event-loop context; the future completes with the final stats when the stream ends. */
  public Future<StreamStats> start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      stream = FrameStream.create(vertx, config);
      stream.stateHandler(e -> {
        for (PipelineListener l : listeners) l.onStreamEvent(config.id(), e);
      });
      stream.handler(this::onFrame).endHandler(x -> {
        ended = true;
        finishIfIdle();
      }).exceptionHandler(e -> done.tryFail(e));
      stream.pause();
      stream.start();
      stream.fetch(1);
    });
    return done.future();
  }

  public String id() { return config.id(); }

  /** The stream's standing queries, parsed once at construction. */
  public List<StandingQuery> queries() { return queries; }

  /** Frames the engine finished, and frames whose engine work failed (dropped and counted). */
  public long processed() { return processed.get(); }

  public long failed() { return failed.get(); }

  /** The ingest state (CONNECTING, STREAMING, …), or STARTING before ingest runs. */
  public String state() { return stream == null ? "STARTING" : stream.state().name(); }

  /** Ingest counters so far. */
  public StreamStats stats() { return stream == null ? null : stream.stats(); }

  /**
   * Stops ingest; in-flight engine work finishes and is published; then the start() future completes, and so does
   * the returned one (so a caller may close the publishers next).
   */
  public Future<Void> stop() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> stream.close().onComplete(x -> {
      ended = true;
      finishIfIdle();
      done.future().onComplete(r -> p.complete());
    }));
    return p.future();
  }

  private void onFrame(Frame frame) {                              // event loop
    long pts = frame.ptsMicros() == Frame.NO_PTS ? frame.monotonicNanos() / 1000 : frame.ptsMicros();
    List<StandingQuery> due = new ArrayList<>();
    for (StandingQuery q : queries) {
      String text = q.query().text();
      Long last = lastAsked.get(text);
      double period = q.hz() == 0 ? 0 : 1e6 / q.hz();
      if (q.hz() == 0 || last == null || pts - last >= period) {
        due.add(q);
        // The first answer comes at once; later ones keep a phase of their own per stream and query, so that streams
        // started together do not all ask on the same frame time (each query holds the one engine for its decode).
        lastAsked.put(text, last == null ? pts + Math.round(period * phase(config.id(), text)) : pts);
      }
    }
    Stamp stamp = frame.stamp();
    String frameId = frame.frameId();
    inFlight++;
    worker.submit(frame, due).whenComplete((r, e) -> context.runOnContext(v -> {
      if (e != null) {
        finished(frame, e);
        return;
      }
      // The histograms read pixels (up to 2 × 1024 per box): on a worker thread, in frame order (ordered), since the
      // engine thread is the pipeline's bottleneck and the event loop must not wait on them.
      context.executeBlocking(() -> frameDetections(r), true).onComplete(ar -> {
        if (ar.succeeded()) publish(r, stamp, frameId, ar.result());
        finished(frame, ar.cause());
      });
    }));
  }

  /** On the event loop, once a frame is published or has failed: counts a failure, then asks for the next frame. */
  private void finished(Frame frame, Throwable e) {
    inFlight--;
    if (e != null) {
      failed.incrementAndGet();                                    // counted; the stream goes on
      System.getLogger(StreamPipeline.class.getName()).log(System.Logger.Level.WARNING,
          "stream " + config.id() + ": frame " + frame.sequence() + " dropped, its processing failed: " + e.getMessage());
    }
    if (ended) finishIfIdle();
    else stream.fetch(1);
  }

  /** Per standing query answered on this frame: its latest-frame detections, boxes with their appearance. */
  private Map<String, List<Detection>> frameDetections(FrameResult r) {
    Map<String, List<Detection>> out = new HashMap<>();
    for (StandingQuery q : queries) {
      Answer a = r.answers().get(q.query().text());
      if (a == null) continue;
      List<Detection> latest = a.detections().stream().filter(d -> d.frameOffset() == 0).toList();
      out.put(q.query().text(), withAppearances(latest, r));
    }
    return out;
  }

  /**
   * Publishes one frame's answers and tracks. The tracker steps by media time (the frame's presentation time, or its
   * ingest time when the source has none), not by the wall-clock stamp the headers carry: frames read ahead into the
   * mailbox get wall stamps milliseconds apart and later ones seconds apart while the engine works, which would make
   * the tracker's clock race and expire every track.
   */
  private void publish(FrameResult r, Stamp stamp, String frameId, Map<String, List<Detection>> detections) {
    processed.incrementAndGet();
    for (PipelineListener l : listeners) l.onFrame(config.id(), r);
    for (StandingQuery q : queries) {
      List<Detection> items = detections.get(q.query().text());
      if (items == null) continue;
      Detections dets = new Detections(config.id(), r.sequence(), stamp, frameId, r.width(), r.height(), items);
      List<Track> tracks = trackers.get(q.query().text()).update(onMediaClock(dets, r.ptsMicros()));
      for (PipelineListener l : listeners) l.onTracks(config.id(), q, r, dets, tracks);
    }
  }

  /**
   * The boxes with the {@link ColourHistogram} of what they hold in the frame the engine saw (for the tracker's
   * re-identification); points, and every detection of a result without pixels, are left as they are. A few
   * thousand pixel reads per box.
   */
  static List<Detection> withAppearances(List<Detection> detections, FrameResult r) {
    if (r.rgb() == null) return detections;
    ByteBuffer rgb = ByteBuffer.wrap(r.rgb()).asReadOnlyBuffer();
    List<Detection> out = new ArrayList<>(detections.size());
    for (Detection d : detections) {
      out.add(d.isBox() ? d.withAppearance(ColourHistogram.of(rgb, r.width(), r.height(), PixelFormat.RGB24, d.box())) : d);
    }
    return out;
  }

  /**
   * A fixed fraction of the query period in [0, 1) for a stream and query: the offset of its second and later asks
   * from its first. Deterministic (a replay asks on the same frames); spread like a random number over stream ids.
   */
  static double phase(String stream, String query) {
    long z = stream.hashCode() * 0x9E3779B97F4A7C15L + query.hashCode();
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;          // SplitMix64's finaliser
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }

  /** The same detections stamped with the frame's media time, the clock the tracker steps by. */
  static Detections onMediaClock(Detections dets, long mediaMicros) {
    return new Detections(dets.streamId(), dets.sequence(), Stamp.ofNanos(Math.multiplyExact(mediaMicros, 1000L)),
        dets.frameId(), dets.width(), dets.height(), dets.items());
  }

  private void finishIfIdle() {
    if (inFlight > 0 || done.future().isComplete()) return;
    StreamStats s = stream.stats();
    for (PipelineListener l : listeners) l.onEnd(config.id(), s);
    done.tryComplete(s);
  }
}
