package dev.glimpse.ingest;

import dev.glimpse.config.StreamConfig;
import dev.glimpse.types.Frame;
import dev.glimpse.types.PixelFormat;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs one {@link FrameStream} on a Vert.x event loop and records what it delivers, so tests can wait for events
 * and frames (with timeouts, never sleeps). Frames are closed right after recording, as a well-behaved consumer
 * would; {@link #keepFirst} frames are copied first.
 */
final class StreamHarness implements AutoCloseable {
  /** What a test checks about a delivered frame. */
  record Got(long sequence, long ptsMicros, long monotonicNanos, long receivedNanos, int width, int height,
             PixelFormat format, boolean onEventLoop, Frame copy) {}

  final FrameStream stream;
  private final List<StreamEvent> events = new ArrayList<>();
  private final List<Got> frames = new ArrayList<>();
  private final List<Throwable> errors = new ArrayList<>();
  private final int keepFirst;
  private boolean ended;
  private Runnable beforeClose = () -> { };

  StreamHarness(Vertx vertx, StreamConfig config, IngestOptions options, IngestEnv env, int keepFirst) {
    this(vertx.getOrCreateContext(), config, options, env, keepFirst, () -> { });
  }

  StreamHarness(Context context, StreamConfig config, IngestOptions options, IngestEnv env, int keepFirst, Runnable onBlocked) {
    this.keepFirst = keepFirst;
    this.stream = FrameStream.create(context, config, options, env, onBlocked);
    stream.stateHandler(this::onEvent).exceptionHandler(this::onError).endHandler(v -> onEnd()).handler(this::onFrame);
  }

  /** Runs before closing, e.g. to let a scripted source return from a blocking call (as a socket timeout would). */
  StreamHarness beforeClose(Runnable r) {
    beforeClose = r;
    return this;
  }

  StreamHarness start() {
    stream.start();
    return this;
  }

  private synchronized void onEvent(StreamEvent e) {
    events.add(e);
    notifyAll();
  }

  private synchronized void onError(Throwable t) {
    errors.add(t);
    notifyAll();
  }

  private synchronized void onEnd() {
    ended = true;
    notifyAll();
  }

  private void onFrame(Frame f) {
    try (f) {
      Frame copy;
      synchronized (this) {
        copy = frames.size() < keepFirst ? Frame.copyOf(f) : null;
      }
      Got g = new Got(f.sequence(), f.ptsMicros(), f.monotonicNanos(), System.nanoTime(), f.width(), f.height(), f.format(),
          Context.isOnEventLoopThread(), copy);
      synchronized (this) {
        frames.add(g);
        notifyAll();
      }
    }
  }

  /** Waits until {@code n} frames in total arrived; fails the test after {@code timeout}. */
  synchronized List<Got> awaitFrames(int n, Duration timeout) throws InterruptedException {
    awaitCondition(() -> frames.size() >= n, timeout, "waiting for " + n + " frames");
    return List.copyOf(frames);
  }

  /** Waits for the first event after index {@code from} that matches; returns it. */
  synchronized StreamEvent awaitEvent(int from, Predicate<StreamEvent> p, Duration timeout, String what) throws InterruptedException {
    StreamEvent[] found = {null};
    awaitCondition(() -> {
      for (int i = from; i < events.size(); i++) {
        if (p.test(events.get(i))) {
          found[0] = events.get(i);
          return true;
        }
      }
      return false;
    }, timeout, "waiting for " + what);
    return found[0];
  }

  StreamEvent awaitState(StreamState s, Duration timeout) throws InterruptedException {
    return awaitEvent(0, e -> e.state() == s, timeout, s.name());
  }

  synchronized void awaitEnd(Duration timeout) throws InterruptedException {
    awaitCondition(() -> ended, timeout, "the end handler");
  }

  private void awaitCondition(java.util.function.BooleanSupplier ok, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ok.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("timed out after " + timeout.toMillis() + " ms " + what + "; events: " + events
          + "; frames: " + frames.size() + "; stats: " + stream.stats());
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  synchronized List<StreamEvent> events() { return List.copyOf(events); }

  synchronized int eventCount() { return events.size(); }

  synchronized List<Got> frames() { return List.copyOf(frames); }

  synchronized int frameCount() { return frames.size(); }

  synchronized List<Throwable> errors() { return List.copyOf(errors); }

  synchronized List<StreamState> states() { return events.stream().map(StreamEvent::state).toList(); }

  /** Closes the stream and waits until its grab thread has exited. */
  @Override
  public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
    beforeClose.run();
    try {
      stream.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while closing", e);
    }
    for (Got g : frames()) if (g.copy() != null) g.copy().close();
  }

  static Duration seconds(double s) { return Duration.ofMillis(Math.round(s * 1000)); }
}
