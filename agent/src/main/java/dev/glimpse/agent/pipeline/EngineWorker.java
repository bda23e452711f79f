package dev.glimpse.agent.pipeline;

import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.FrameContext;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.types.Frame;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The one place engine work runs (issue contract: one in-flight batch per device): a single platform thread that
 * owns every stream's {@link FrameContext}. Callers on the event loop submit a frame and get a future; the engine
 * never runs on the caller's thread. The clock is injected so timings in tests and replays come from one source.
 */
public final class EngineWorker implements AutoCloseable {
  private final GlimpseModel model;
  private final int capacity;
  private final LongSupplier nanoClock;
  private final ExecutorService thread;
  private final Map<String, FrameContext> contexts = new LinkedHashMap<>();   // worker thread only

  /** @param capacity frames kept in each stream's context (1..999) */
  public EngineWorker(GlimpseModel model, int capacity, LongSupplier nanoClock) {
    this.model = model;
    this.capacity = capacity;
    this.nanoClock = nanoClock;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "glimpse-engine");
      t.setDaemon(true);
      return t;
    });
  }

  public GlimpseModel model() { return model; }

  /**
   * Encodes {@code frame} into its stream's context and asks {@code due}; the frame is closed (its buffer returned)
   * once its pixels are copied, before the work starts.
   */
  public CompletableFuture<FrameResult> submit(Frame frame, List<StandingQuery> due) {
    byte[] rgb;
    try (frame) {
      rgb = packedRgb(frame);
    }
    String stream = frame.streamId();
    long seq = frame.sequence(), pts = frame.ptsMicros() == Frame.NO_PTS ? frame.monotonicNanos() / 1000 : frame.ptsMicros();
    int w = frame.width(), h = frame.height();
    long decoded = frame.monotonicNanos();
    return CompletableFuture.supplyAsync(() -> {
      FrameContext ctx = contexts.computeIfAbsent(stream, s -> model.newContext(capacity));
      long t0 = nanoClock.getAsLong();
      ctx.append(rgb, w, h);
      double encodeMs = (nanoClock.getAsLong() - t0) / 1e6;
      Map<String, Answer> answers = new LinkedHashMap<>();
      Map<String, Double> times = new LinkedHashMap<>();
      for (StandingQuery q : due) {
        long t1 = nanoClock.getAsLong();
        answers.put(q.query().text(), ctx.ask(q.query(), FrameContext.DEFAULT_MAX_NEW));
        times.put(q.query().text(), (nanoClock.getAsLong() - t1) / 1e6);
      }
      return new FrameResult(seq, pts, w, h, answers, encodeMs, times, ctx.kv(), rgb, decoded);
    }, thread);
  }

  /**
   * Asks an ad-hoc query about a stream's latest frame, queued behind the frames already submitted; fails when the
   * stream has no frame yet.
   */
  public CompletableFuture<dev.glimpse.csa.engine.Answer> ask(String stream, dev.glimpse.csa.engine.Query q) {
    return CompletableFuture.supplyAsync(() -> {
      FrameContext ctx = contexts.get(stream);
      if (ctx == null) throw new IllegalStateException("stream '" + stream + "' has no frame in its context yet");
      return ctx.ask(q, FrameContext.DEFAULT_MAX_NEW);
    }, thread);
  }

  /** Forgets a stream's context (stream removed, or reset between videos). */
  public CompletableFuture<Void> drop(String stream) {
    return CompletableFuture.runAsync(() -> {
      FrameContext ctx = contexts.remove(stream);
      if (ctx != null) ctx.close();
    }, thread);
  }

  /** Tightly packed RGB [H, W, 3] of an RGB24 frame (decoders may pad rows). */
  static byte[] packedRgb(Frame f) {
    int row = f.width() * 3;
    byte[] out = new byte[row * f.height()];
    ByteBuffer src = f.pixels().view();
    for (int y = 0; y < f.height(); y++) src.get(y * f.stride(), out, y * row, row);
    return out;
  }

  @Override
  public void close() {
    try {
      thread.execute(() -> {                          // after the queued work; frees GPU sessions' device memory
        for (FrameContext c : contexts.values()) c.close();
        contexts.clear();
      });
    } catch (java.util.concurrent.RejectedExecutionException alreadyClosed) {
      // closed before: the contexts were closed then
    }
    thread.shutdown();
    try {
      if (!thread.awaitTermination(30, TimeUnit.SECONDS)) thread.shutdownNow();
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
