package dev.glimpse.agent.reliability;

import dev.glimpse.agent.pipeline.FrameResult;
import dev.glimpse.agent.pipeline.PipelineListener;
import dev.glimpse.ingest.StreamEvent;
import dev.glimpse.ingest.StreamState;
import dev.glimpse.ingest.StreamStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Watches one stream of a running agent: its ingest events and its engine results, so that a reliability run can
 * wait for "the next STREAMING" or "a result from frame n on" with a deadline (monitor waits, never sleeps).
 *
 * <p>It also checks that nothing is lost silently. Ingest numbers frames consecutively; the pipeline publishes
 * them in order; a frame that a {@code latest} mailbox dropped, or whose engine work failed, leaves a gap in the
 * published sequence numbers. So {@code gaps == drops + failed} exactly, and any difference is a frame lost
 * without being counted. Callbacks arrive on the stream's event loop and only record.
 */
public final class PipelineWatch implements PipelineListener {
  /** A published frame: its ingest sequence number and when it was published, on the injected clock. */
  public record Result(long sequence, long nanos) {}

  /** Published frames so far, the frames missing between them, and the last sequence number. */
  public record Counts(long results, long gaps, long lastSequence) {}

  private static final int RECENT = 4096;

  private final LongSupplier nanoClock;
  private final List<StreamEvent> events = new ArrayList<>();
  private final ArrayDeque<Result> recent = new ArrayDeque<>();
  private long results, gaps, nextSequence, lastSequence = -1;
  private StreamStats finalStats;

  /** @param nanoClock the monotonic clock results are stamped with ({@code System::nanoTime}, as ingest's events) */
  public PipelineWatch(LongSupplier nanoClock) { this.nanoClock = nanoClock; }

  @Override
  public synchronized void onStreamEvent(String stream, StreamEvent event) {
    events.add(event);
    notifyAll();
  }

  @Override
  public synchronized void onFrame(String stream, FrameResult result) {
    long seq = result.sequence();
    if (seq > nextSequence) gaps += seq - nextSequence;
    nextSequence = Math.max(nextSequence, seq + 1);
    lastSequence = seq;
    results++;
    recent.addLast(new Result(seq, nanoClock.getAsLong()));
    if (recent.size() > RECENT) recent.removeFirst();
    notifyAll();
  }

  @Override
  public synchronized void onEnd(String stream, StreamStats stats) {
    finalStats = stats;
    notifyAll();
  }

  public synchronized int eventCount() { return events.size(); }

  public synchronized List<StreamEvent> events() { return List.copyOf(events); }

  public synchronized Counts counts() { return new Counts(results, gaps, lastSequence); }

  /** Whether ingest ever reported FAILED (a permanent error: the stream stops). */
  public synchronized boolean failed() { return events.stream().anyMatch(e -> e.state() == StreamState.FAILED); }

  /** The first event at index ≥ {@code from} in {@code state}; waits for it up to {@code timeout}. */
  public synchronized StreamEvent awaitEvent(int from, StreamState state, Duration timeout)
      throws InterruptedException, TimeoutException {
    StreamEvent[] found = {null};
    await(() -> {
      for (int i = from; i < events.size(); i++) {
        if (events.get(i).state() == state) {
          found[0] = events.get(i);
          return true;
        }
      }
      return false;
    }, timeout, () -> state + " (events since #" + from + ": " + events.subList(Math.min(from, events.size()), events.size()) + ")");
    return found[0];
  }

  /** The first published frame with sequence ≥ {@code sequence}; waits for it up to {@code timeout}. */
  public synchronized Result awaitResult(long sequence, Duration timeout) throws InterruptedException, TimeoutException {
    await(() -> lastSequence >= sequence, timeout, () -> "a result from frame " + sequence + " on (last: " + lastSequence + ")");
    for (Result r : recent) if (r.sequence() >= sequence) return r;
    return recent.getLast(); // older ones were trimmed: the caller waited very long after it arrived
  }

  /** The stream's final counters, once it has ended or been stopped; waits up to {@code timeout}. */
  public synchronized StreamStats awaitEnd(Duration timeout) throws InterruptedException, TimeoutException {
    await(() -> finalStats != null, timeout, () -> "the end of the stream");
    return finalStats;
  }

  private void await(BooleanSupplier ok, Duration timeout, Supplier<String> what) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ok.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new TimeoutException("no " + what.get() + " within " + timeout.toMillis() + " ms");
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
