package dev.glimpse.ingest;

import dev.glimpse.config.StreamConfig;
import dev.glimpse.types.Frame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One video stream as a Vert.x {@link ReadStream} of {@link Frame}s, delivered on the context it was created on
 * (an event loop). Grabbing and decoding run on the stream's own thread ({@link StreamRunner}); the event loop
 * only takes ready frames out of the {@link Mailbox}, which never blocks.
 *
 * <p>Ownership: each frame passed to the handler belongs to the handler, which must {@code close()} it (or hand
 * it on); that returns its buffer to the pool. Flow control is the usual ReadStream one: {@link #pause()} /
 * {@link #fetch(long)} / {@link #resume()}. While paused, a {@code latest} mailbox keeps only the newest frames
 * (counting drops) and an {@code all} mailbox holds the grab thread back.
 *
 * <pre>{@code
 * FrameStream s = FrameStream.create(vertx, config);
 * s.stateHandler(e -> log(e)).handler(frame -> encoder.submit(frame)).start();
 * }</pre>
 */
public final class FrameStream implements ReadStream<Frame> {
  private static final System.Logger LOG = System.getLogger(FrameStream.class.getName());
  private final Context context;
  private final StreamConfig config;
  private final StreamCounters counters = new StreamCounters();
  private final Mailbox mailbox;
  private final StreamRunner runner;
  private final Thread thread;
  private final Promise<Void> done = Promise.promise();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile long demand = Long.MAX_VALUE;
  private volatile Handler<Frame> handler;
  private volatile Handler<Void> endHandler;
  private volatile Handler<Throwable> exceptionHandler;
  private volatile Handler<StreamEvent> stateHandler;
  private volatile StreamState state = StreamState.CONNECTING;
  private boolean terminal, ended; // context thread only

  private FrameStream(Context context, StreamConfig config, IngestOptions options, IngestEnv env, Runnable onBlocked) {
    this.context = context;
    this.config = config;
    this.mailbox = new Mailbox(config.mailbox(), counters, onBlocked);
    Backoff backoff = new Backoff(config.reconnect(), env.rngFor(config.id()));
    StreamRunner.Listener listener = new StreamRunner.Listener() {
      @Override
      public void event(StreamEvent e) {
        state = e.state();
        context.runOnContext(v -> onEvent(e));
      }

      @Override
      public void frameReady() { scheduleDrain(); }
    };
    this.runner = new StreamRunner(config, SourceSpec.of(config, options), env.opener(), env.clock(), backoff, mailbox,
        counters, listener);
    this.thread = env.threads().newThread(() -> {
      try {
        runner.run();
      } finally {
        context.runOnContext(v -> done.tryComplete());
      }
    });
    thread.setName("glimpse-ingest-" + config.id());
  }

  /** A stream with default options and the system clocks; call {@link #start()} after setting handlers. */
  public static FrameStream create(Vertx vertx, StreamConfig config) {
    return create(vertx.getOrCreateContext(), config, IngestOptions.defaults(), IngestEnv.system());
  }

  /** A stream delivering on {@code context}; call {@link #start()} after setting handlers. */
  public static FrameStream create(Context context, StreamConfig config, IngestOptions options, IngestEnv env) {
    return new FrameStream(context, config, options, env, () -> { });
  }

  /** As {@link #create(Context, StreamConfig, IngestOptions, IngestEnv)}, telling {@code onBlocked} (on the grab thread) each time backpressure holds the grabber. */
  static FrameStream create(Context context, StreamConfig config, IngestOptions options, IngestEnv env, Runnable onBlocked) {
    return new FrameStream(context, config, options, env, onBlocked);
  }

  /** Starts the grab thread. Events and frames go to the handlers set so far (or later). Idempotent. */
  public FrameStream start() {
    if (started.compareAndSet(false, true)) thread.start();
    return this;
  }

  /** Stops grabbing and closes queued frames. Completes, on the context, once the grab thread has exited. */
  public Future<Void> close() {
    runner.stop();
    if (started.compareAndSet(false, true)) done.tryComplete(); // never started: nothing to wait for
    return done.future();
  }

  /** Completes once the grab thread has exited (end of stream, failure or close). */
  public Future<Void> done() { return done.future(); }

  public String id() { return config.id(); }

  /** The latest state the grab thread reported. */
  public StreamState state() { return state; }

  /** The counters now. Thread-safe. */
  public StreamStats stats() { return counters.snapshot(); }

  /** Receives every state change, on the context. */
  public FrameStream stateHandler(Handler<StreamEvent> h) {
    stateHandler = h;
    return this;
  }

  @Override
  public FrameStream handler(Handler<Frame> h) {
    handler = h;
    if (h != null) scheduleDrain();
    return this;
  }

  @Override
  public FrameStream exceptionHandler(Handler<Throwable> h) {
    exceptionHandler = h;
    return this;
  }

  @Override
  public FrameStream endHandler(Handler<Void> h) {
    endHandler = h;
    scheduleDrain(); // the stream may already be over
    return this;
  }

  @Override
  public FrameStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public FrameStream resume() {
    demand = Long.MAX_VALUE;
    scheduleDrain();
    return this;
  }

  @Override
  public FrameStream fetch(long amount) {
    if (amount < 0) throw new IllegalArgumentException("fetch amount must be >= 0: " + amount);
    long d = demand;
    demand = d + amount < 0 ? Long.MAX_VALUE : d + amount; // saturate; single writer in practice (the context)
    scheduleDrain();
    return this;
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) context.runOnContext(v -> drain());
  }

  /** On the context: hands queued frames to the handler while there is demand. */
  private void drain() {
    drainScheduled.set(false);
    Handler<Frame> h;
    while (demand > 0 && (h = handler) != null) {
      Frame f = mailbox.poll();
      if (f == null) break;
      if (demand != Long.MAX_VALUE) demand--;
      counters.delivered.incrementAndGet();
      try {
        h.handle(f);
      } catch (RuntimeException e) {
        reportError(e);
      }
    }
    maybeEnd();
  }

  private void onEvent(StreamEvent e) {
    Handler<StreamEvent> h = stateHandler;
    if (h != null) h.handle(e);
    if (e.state() == StreamState.FAILED) reportError(e.error());
    if (e.state().isTerminal()) {
      terminal = true;
      maybeEnd();
    }
  }

  private void reportError(Throwable t) {
    Handler<Throwable> h = exceptionHandler;
    if (h == null) h = context.exceptionHandler();
    if (h != null) {
      h.handle(t);
    } else {
      LOG.log(System.Logger.Level.WARNING, "stream " + config.id() + ": " + t.getMessage(), t);
    }
  }

  /** After FAILED or ENDED, once the consumer has taken every frame: the end handler, once. */
  private void maybeEnd() {
    Handler<Void> h = endHandler;
    if (terminal && !ended && h != null && mailbox.isEmpty()) {
      ended = true;
      h.handle(null);
    }
  }
}
