package dev.glimpse.ingest;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadFactory;
import java.util.random.RandomGenerator;

/**
 * What ingest takes from its surroundings, injected (house style rule 9): clocks, the seed of the reconnect
 * jitter, the threads that grab, and the opener of sources. Tests swap any of them; production uses
 * {@link #system()}.
 *
 * @param clock   monotonic and wall clocks
 * @param seed    seed of each stream's jitter RNG (mixed with the stream id, so streams do not jitter in step)
 * @param threads makes each stream's grab thread. Platform threads by default: grabbing blocks inside native
 *                FFmpeg calls, which would pin a virtual thread's carrier for the whole blocking read
 * @param opener  opens sessions; {@link FrameSources#open} by default
 */
public record IngestEnv(IngestClock clock, long seed, ThreadFactory threads, SourceOpener opener) {
  public IngestEnv {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(threads, "threads");
    Objects.requireNonNull(opener, "opener");
  }

  public static IngestEnv system() {
    return new IngestEnv(IngestClock.system(), 0x6C1D5EEDL, Thread.ofPlatform().daemon(true).factory(), FrameSources::open);
  }

  public IngestEnv withOpener(SourceOpener o) { return new IngestEnv(clock, seed, threads, o); }

  public IngestEnv withClock(IngestClock c) { return new IngestEnv(c, seed, threads, opener); }

  /** The jitter RNG of one stream: the same seed and id give the same reconnect schedule. */
  RandomGenerator rngFor(String streamId) { return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + streamId.hashCode()); }
}
