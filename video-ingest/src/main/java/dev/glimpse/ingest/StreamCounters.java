package dev.glimpse.ingest;

import java.util.concurrent.atomic.AtomicLong;

/** The live counters behind {@link StreamStats}: written by the grab thread and the event loop, read by anyone. */
final class StreamCounters {
  final AtomicLong frames = new AtomicLong();
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong drops = new AtomicLong();
  final AtomicLong corrupt = new AtomicLong();
  final AtomicLong reconnects = new AtomicLong();
  final AtomicLong stalls = new AtomicLong();
  final AtomicLong discarded = new AtomicLong();

  StreamStats snapshot() {
    return new StreamStats(frames.get(), delivered.get(), drops.get(), corrupt.get(), reconnects.get(), stalls.get(),
        discarded.get());
  }
}
