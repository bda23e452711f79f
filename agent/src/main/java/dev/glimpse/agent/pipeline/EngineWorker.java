package dev.glimpse.agent.pipeline;

import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.FrameContext;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.csa.engine.Query;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.types.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one place engine work runs (issue contract: one in-flight batch per device): a single platform thread that
 * owns every stream's {@link FrameContext}. Callers on the event loop submit a frame and get a future; the engine
 * never runs on the caller's thread. Frames of different streams that are waiting together (each stream has at most
 * one frame here at a time) are encoded as one batch of up to {@code maxBatch} (engine.max_batch): on the GPU one
 * batched encode, on the CPU one after another; each is then appended to its own context and asked its queries, in
 * the order submitted. Jobs run in submission order: an ad-hoc query sees the frames submitted before it. The clock
 * is injected so timings in tests and replays come from one source.
 */
public final class EngineWorker implements AutoCloseable {
  private final GlimpseModel model;
  private final int capacity;
  private final int maxBatch;
  private final LongSupplier nanoClock;
  private final ExecutorService thread;
  private final Map<String, FrameContext> contexts = new LinkedHashMap<>();   // worker thread only
  private final Deque<Job> jobs = new ArrayDeque<>();                        // guarded by itself

  /** Work queued for the engine thread: a frame to encode and ask, or any other task. */
  private sealed interface Job permits FrameJob, TaskJob {}

  private record FrameJob(String stream, long seq, long pts, int w, int h, long decoded, byte[] rgb,
      List<StandingQuery> due, CompletableFuture<FrameResult> result) implements Job {}

  private record TaskJob(Runnable task, CompletableFuture<?> result) implements Job {}

  /** @param capacity frames kept in each stream's context (1..999); frames are encoded one at a time */
  public EngineWorker(GlimpseModel model, int capacity, LongSupplier nanoClock) {
    this(model, capacity, 1, nanoClock);
  }

  /**
   * @param capacity frames kept in each stream's context (1..999)
   * @param maxBatch the most frames (of different streams, one size) encoded together
   */
  public EngineWorker(GlimpseModel model, int capacity, int maxBatch, LongSupplier nanoClock) {
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    this.model = model;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
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
    long pts = frame.ptsMicros() == Frame.NO_PTS ? frame.monotonicNanos() / 1000 : frame.ptsMicros();
    CompletableFuture<FrameResult> result = new CompletableFuture<>();
    enqueue(new FrameJob(frame.streamId(), frame.sequence(), pts, frame.width(), frame.height(), frame.monotonicNanos(),
        rgb, List.copyOf(due), result));
    return result;
  }

  /** Runs {@code task} on the engine thread after the jobs queued before it; its result completes the future. */
  private <T> CompletableFuture<T> task(Supplier<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    enqueue(new TaskJob(() -> {
      try {
        f.complete(work.get());
      } catch (RuntimeException | Error e) {
        f.completeExceptionally(e);
      }
    }, f));
    return f;
  }

  private void enqueue(Job job) {
    synchronized (jobs) {
      jobs.addLast(job);
    }
    try {
      thread.execute(this::drain);                   // one drain per job; a drain may take several frames at once
    } catch (RejectedExecutionException e) {
      synchronized (jobs) {
        jobs.remove(job);
      }
      Throwable closed = new IllegalStateException("the engine worker is closed", e);
      switch (job) {
        case FrameJob fj -> fj.result().completeExceptionally(closed);
        case TaskJob tj -> tj.result().completeExceptionally(closed);
      }
    }
  }

  /** Engine thread: the next job, or the run of frame jobs at the head of the queue that can be encoded together. */
  private void drain() {
    List<FrameJob> batch = new ArrayList<>();
    Job first;
    synchronized (jobs) {
      first = jobs.pollFirst();
      if (first instanceof FrameJob f) {
        batch.add(f);
        while (batch.size() < maxBatch && jobs.peekFirst() instanceof FrameJob next && next.w() == f.w()
            && next.h() == f.h() && batch.stream().noneMatch(b -> b.stream().equals(next.stream()))) {
          batch.add(next);
          jobs.pollFirst();
        }
      }
    }
    if (first == null) return;                       // taken by an earlier drain's batch
    if (first instanceof TaskJob t) {
      t.task().run();
      return;
    }
    runFrames(batch);
  }

  private void runFrames(List<FrameJob> batch) {
    List<VisionEncoder.Encoded> encoded;
    long t0 = nanoClock.getAsLong();
    try {
      FrameJob f = batch.getFirst();
      encoded = batch.size() == 1 ? List.of(model.frameEncoder().encode(f.rgb(), f.w(), f.h()))
          : model.frameEncoder().encodeBatch(batch.stream().map(FrameJob::rgb).toList(), f.w(), f.h());
    } catch (RuntimeException | Error e) {
      for (FrameJob j : batch) j.result().completeExceptionally(e);
      return;
    }
    double encodeShareMs = (nanoClock.getAsLong() - t0) / 1e6 / batch.size();
    for (int i = 0; i < batch.size(); i++) {
      FrameJob j = batch.get(i);
      try {
        FrameContext ctx = contexts.computeIfAbsent(j.stream(), s -> model.newContext(capacity));
        long t1 = nanoClock.getAsLong();
        ctx.appendEncoded(encoded.get(i), j.w(), j.h());
        double encodeMs = encodeShareMs + (nanoClock.getAsLong() - t1) / 1e6;
        Map<String, Answer> answers = new LinkedHashMap<>();
        Map<String, Double> times = new LinkedHashMap<>();
        for (StandingQuery q : j.due()) {
          long t2 = nanoClock.getAsLong();
          answers.put(q.query().text(), ctx.ask(q.query(), FrameContext.DEFAULT_MAX_NEW));
          times.put(q.query().text(), (nanoClock.getAsLong() - t2) / 1e6);
        }
        j.result().complete(new FrameResult(j.seq(), j.pts(), j.w(), j.h(), answers, encodeMs, times, ctx.kv(), j.rgb(),
            j.decoded()));
      } catch (RuntimeException | Error e) {
        j.result().completeExceptionally(e);
      }
    }
  }

  /**
   * Asks an ad-hoc query about a stream's latest frame, queued behind the frames already submitted; fails when the
   * stream has no frame yet.
   */
  public CompletableFuture<Answer> ask(String stream, Query q) {
    return task(() -> {
      FrameContext ctx = contexts.get(stream);
      if (ctx == null) throw new IllegalStateException("stream '" + stream + "' has no frame in its context yet");
      return ctx.ask(q, FrameContext.DEFAULT_MAX_NEW);
    });
  }

  /** Forgets a stream's context (stream removed, or reset between videos). */
  public CompletableFuture<Void> drop(String stream) {
    return task(() -> {
      FrameContext ctx = contexts.remove(stream);
      if (ctx != null) ctx.close();
      return null;
    });
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
    } catch (RejectedExecutionException alreadyClosed) {
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
