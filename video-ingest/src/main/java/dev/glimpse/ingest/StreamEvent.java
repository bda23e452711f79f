package dev.glimpse.ingest;

import dev.glimpse.types.Stamp;
import java.time.Duration;

/**
 * A change of a stream's {@link StreamState}, with what a person needs to understand it.
 *
 * @param streamId       the stream
 * @param state          the new state
 * @param monotonicNanos when, on the injected monotonic clock
 * @param stamp          when, on the injected wall clock
 * @param attempt        for {@code RECONNECTING}: the attempt number since the last frame (1, 2, ...); else 0
 * @param backoff        for {@code RECONNECTING}: the wait before this attempt; else zero
 * @param detail         why, in words (the error, the stall time, the codec and size when streaming); never null
 * @param info           for {@code STREAMING}: what the source delivers; else null
 * @param error          for {@code FAILED} and for outages: the error naming the source; else null
 * @param stats          the counters at the time of the event
 */
public record StreamEvent(String streamId, StreamState state, long monotonicNanos, Stamp stamp, int attempt,
                          Duration backoff, String detail, SourceInfo info, SourceException error, StreamStats stats) {
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(streamId).append(' ').append(state);
    if (state == StreamState.RECONNECTING) sb.append(" #").append(attempt).append(" after ").append(backoff.toMillis()).append(" ms");
    if (!detail.isEmpty()) sb.append(": ").append(detail);
    return sb.toString();
  }
}
