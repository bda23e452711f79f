package dev.glimpse.ingest;

import dev.glimpse.config.StreamConfig;
import dev.glimpse.types.Frame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The grab loop of one stream, on its own thread: open, grab, pace, hand over, and survive outages.
 *
 * <p>Outage design (infra notes §3). A dead RTSP server makes {@code grab} return null at once: the session ends
 * and we reconnect. A frozen one would block {@code grab} forever, so network sources get a socket timeout
 * ({@link SourceSpec#stallTimeout()}); after it, JavaCV hands back a stale frame from the drained decoder, and the
 * session never delivers again even if the server resumes. A watchdog thread cannot help: JavaCV's
 * {@code grab} and {@code release} are synchronized on the grabber, so closing from outside waits for the stuck
 * grab. Hence the check sits here, in the loop: <b>any grab of a live source slower than the stall timeout
 * discards its frame and closes the session</b> ({@link StreamState#STALLED}), and we reconnect with exponential
 * backoff and jitter. Retries never stop for live sources: a camera that is down may come back.
 */
final class StreamRunner implements Runnable {
  /** Where the runner reports; called on the grab thread, so implementations must not block. */
  interface Listener {
    void event(StreamEvent e);

    /** A frame was put in the mailbox. */
    void frameReady();
  }

  /** A replay that falls this far behind its timestamps restarts its clock instead of rushing to catch up. */
  static final long MAX_REPLAY_LAG_NANOS = 250_000_000L;

  private enum End { STOPPED, END_OF_STREAM, STALLED, ERROR }

  private final StreamConfig config;
  private final SourceSpec spec;
  private final SourceOpener opener;
  private final IngestClock clock;
  private final Backoff backoff;
  private final Mailbox mailbox;
  private final StreamCounters counters;
  private final Listener listener;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean stopping;

  private BufferPool pool;
  private long sequence;
  private int attempt;                  // reconnect attempts since the last frame
  private SourceException sessionError; // why the last session ended, when End.ERROR
  private String stallDetail;           // how the last session stalled, when End.STALLED
  private long sessionFrames;           // frames delivered by the current session
  // replay timeline: loops continue the PTS; pacing maps PTS to the monotonic clock
  private long ptsOffset, lastPts = Frame.NO_PTS, anchorPts = Frame.NO_PTS, anchorNanos;
  private boolean newPass = true;

  StreamRunner(StreamConfig config, SourceSpec spec, SourceOpener opener, IngestClock clock, Backoff backoff,
               Mailbox mailbox, StreamCounters counters, Listener listener) {
    this.config = config;
    this.spec = spec;
    this.opener = opener;
    this.clock = clock;
    this.backoff = backoff;
    this.mailbox = mailbox;
    this.counters = counters;
    this.listener = listener;
  }

  /** Asks the loop to finish: waits and queued frames are abandoned; a grab in progress completes first. */
  void stop() {
    stopping = true;
    stop.countDown();
    mailbox.close();
  }

  @Override
  public void run() {
    try {
      loop();
    } catch (InterruptedException e) {
      emit(StreamState.ENDED, "interrupted", null, null);
    } catch (RuntimeException | Error e) { // a bug: report it rather than die silently
      emit(StreamState.FAILED, "internal error: " + e, null, new SourceException(spec.name(), "internal error: " + e, true, e));
    }
  }

  private void loop() throws InterruptedException {
    emit(StreamState.CONNECTING, "opening " + spec.name(), null, null);
    while (!stopping) {
      long openStart = clock.nanos();
      FrameSource source;
      try {
        source = opener.open(spec);
      } catch (SourceException e) {
        if (stopping) break;
        if (e.permanent()) {
          emit(StreamState.FAILED, e.reason(), null, e);
          return;
        }
        if (!reconnectAfter(e.reason(), e)) break;
        continue;
      }
      End end;
      try (source) {
        end = stream(source, openStart);
      }
      switch (end) {
        case STOPPED -> { } // the while condition ends the loop; so does a stop during any backoff below
        case END_OF_STREAM -> {
          if (!spec.live()) {
            if (config.loop() && sessionFrames > 0) {
              newPass = true;
              continue;
            }
            emit(StreamState.ENDED, sessionFrames > 0 || sequence > 0 ? "end of " + spec.name() : "no frames in " + spec.name(), null, null);
            return;
          }
          reconnectAfter("the server ended the session", null);
        }
        case STALLED -> {
          counters.stalls.incrementAndGet();
          emit(StreamState.STALLED, stallDetail, null, null);
          reconnectAfter("stalled: " + stallDetail, null);
        }
        case ERROR -> {
          if (sessionError.permanent()) {
            emit(StreamState.FAILED, sessionError.reason(), null, sessionError);
            return;
          }
          reconnectAfter(sessionError.reason(), sessionError);
        }
      }
    }
    emit(StreamState.ENDED, "closed", null, null);
  }

  /** Counts the attempt, publishes RECONNECTING and waits out the backoff; false if stopped meanwhile. */
  private boolean reconnectAfter(String reason, SourceException error) throws InterruptedException {
    attempt++;
    Duration wait = backoff.delay(attempt);
    counters.reconnects.incrementAndGet();
    listener.event(new StreamEvent(config.id(), StreamState.RECONNECTING, clock.nanos(), clock.stamp(), attempt, wait,
        reason, null, error, counters.snapshot()));
    return !stop.await(wait.toNanos(), TimeUnit.NANOSECONDS) && !stopping;
  }

  /** Grabs frames from one session until it ends; says how it ended. */
  private End stream(FrameSource source, long openStart) throws InterruptedException {
    SourceInfo info = source.info();
    if (pool == null || pool.bytes() != info.frameBytes()) {
      pool = new BufferPool(info.frameBytes(), config.mailbox().capacity() + 2);
    }
    sessionFrames = 0;
    long stallNanos = config.stallTimeout().toNanos(), openNanos = config.openTimeout().toNanos();
    long periodMicros = info.fps() > 0 ? Math.round(1e6 / info.fps()) : 33_333;
    while (!stopping) {
      ByteBuffer buf = pool.acquire();
      long t0 = clock.nanos();
      FrameSource.Decoded d;
      try {
        d = source.next(buf);
      } catch (SourceException e) {
        pool.recycle(buf);
        sessionError = e;
        return End.ERROR;
      } catch (RuntimeException e) {
        pool.recycle(buf);
        sessionError = new SourceException(spec.name(), "decoding failed: " + e, !spec.live(), e);
        return End.ERROR;
      }
      long t1 = clock.nanos();
      // The slow-grab check (class comment), before looking at the result: after the socket timeout a frozen
      // server's grab returns either a stale frame or null, and neither means the server ended the session.
      // The first frame may take the whole open timeout.
      long took = sessionFrames == 0 ? t1 - openStart : t1 - t0;
      long limit = sessionFrames == 0 ? Math.max(openNanos, stallNanos) : stallNanos;
      if (spec.live() && took > limit) {
        pool.recycle(buf);
        stallDetail = (sessionFrames == 0 ? "no first frame within " : "no frame within ") + millis(limit)
            + " (waited " + millis(took) + "); closing the session";
        return End.STALLED;
      }
      if (d == null) {
        pool.recycle(buf);
        return End.END_OF_STREAM;
      }
      if (d.corrupt() > 0) counters.corrupt.addAndGet(d.corrupt());
      if (d.skip()) {
        pool.recycle(buf);
        continue;
      }
      long pts = timeline(d.ptsMicros(), periodMicros);
      if (!pace(pts)) {
        pool.recycle(buf);
        return End.STOPPED;
      }
      if (sessionFrames++ == 0) {
        attempt = 0;
        emit(StreamState.STREAMING, info.toString(), info, null);
      }
      Frame frame = new Frame(config.id(), config.frameId(), sequence++, clock.nanos(), clock.stamp(), pts,
          info.width(), info.height(), info.format().rowBytes(info.width()), info.format(), pool.wrap(buf));
      counters.frames.incrementAndGet();
      if (!mailbox.put(frame)) return End.STOPPED;
      listener.frameReady();
    }
    return End.STOPPED;
  }

  /** Live sources keep their own PTS; replays continue their timeline across loops (pass n+1 follows pass n). */
  private long timeline(long pts, long periodMicros) {
    if (pts == Frame.NO_PTS || spec.live()) return pts;
    if (newPass) {
      ptsOffset = lastPts == Frame.NO_PTS ? 0 : lastPts + periodMicros - pts;
      newPass = false;
    }
    lastPts = pts + ptsOffset;
    return lastPts;
  }

  /** Real-time replay: waits until the frame's time has come; false if stopped meanwhile. */
  private boolean pace(long pts) throws InterruptedException {
    if (spec.live() || config.pacing() == StreamConfig.Pacing.FAST || pts == Frame.NO_PTS) return !stopping;
    long now = clock.nanos();
    if (anchorPts == Frame.NO_PTS || pts < anchorPts) {
      anchorPts = pts;
      anchorNanos = now;
      return !stopping;
    }
    long wait = anchorNanos + (pts - anchorPts) * 1000 - now;
    if (wait <= 0) {
      if (-wait > MAX_REPLAY_LAG_NANOS) { // far behind (a slow consumer under `all`): restart the clock here
        anchorPts = pts;
        anchorNanos = now;
      }
      return !stopping;
    }
    return !stop.await(wait, TimeUnit.NANOSECONDS) && !stopping;
  }

  private void emit(StreamState state, String detail, SourceInfo info, SourceException error) {
    listener.event(new StreamEvent(config.id(), state, clock.nanos(), clock.stamp(), 0, Duration.ZERO, detail, info,
        error, counters.snapshot()));
  }

  private static String millis(long nanos) { return (nanos / 1_000_000) + " ms"; }
}
