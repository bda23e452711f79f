package dev.glimpse.ingest;

import dev.glimpse.types.Stamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The two clocks ingest reads, injected so that replays and tests control time (house style rule 9).
 *
 * @param monotonic nanoseconds on a clock that never jumps ({@code System::nanoTime}): stall detection, pacing,
 *                  {@code Frame.monotonicNanos}
 * @param wall      the wall clock of {@code Frame.stamp} (ROS header stamps)
 */
public record IngestClock(LongSupplier monotonic, InstantSource wall) {
  public IngestClock {
    Objects.requireNonNull(monotonic, "monotonic");
    Objects.requireNonNull(wall, "wall");
  }

  /** The process's clocks. */
  public static IngestClock system() { return new IngestClock(System::nanoTime, InstantSource.system()); }

  public long nanos() { return monotonic.getAsLong(); }

  public Stamp stamp() {
    Instant t = wall.instant();
    return new Stamp(t.getEpochSecond(), t.getNano());
  }
}
