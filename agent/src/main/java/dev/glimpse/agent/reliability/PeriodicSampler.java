package dev.glimpse.agent.reliability;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Takes a sample at a fixed rate on its own daemon thread and keeps every sample. The run's own thread can wait for
 * the n-th sample (a monitor wait with a deadline), which is how a soak lasts its duration without sleeping.
 *
 * @param <T> what one sample holds
 */
final class PeriodicSampler<T> implements AutoCloseable {
  /** Takes one sample at {@code seconds} since the run started. */
  interface Probe<T> {
    T sample(double seconds) throws IOException;
  }

  private final long t0Nanos;
  private final Probe<T> probe;
  private final ScheduledExecutorService timer;
  private final List<T> samples = new ArrayList<>();
  private IOException error;

  /** Starts sampling now, then every {@code every}; {@code t0Nanos} (System.nanoTime) is time zero. */
  PeriodicSampler(String name, long t0Nanos, Duration every, Probe<T> probe) {
    this.t0Nanos = t0Nanos;
    this.probe = probe;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
    timer.scheduleAtFixedRate(this::takeOne, 0, every.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void takeOne() {
    try {
      T s = probe.sample((System.nanoTime() - t0Nanos) / 1e9);
      synchronized (this) {
        samples.add(s);
        notifyAll();
      }
    } catch (IOException e) {
      synchronized (this) {
        if (error == null) error = e;
        notifyAll();
      }
    }
  }

  synchronized List<T> samples() { return List.copyOf(samples); }

  /**
   * Waits until {@code n} samples were taken, or a sample matches {@code stop} (returned then), or sampling failed;
   * throws after {@code timeout}.
   */
  synchronized T awaitSample(int n, Predicate<T> stop, Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (samples.size() < n && (samples.isEmpty() || !stop.test(samples.getLast()))) {
      if (error != null) throw error;
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new IOException("only " + samples.size() + " of " + n + " samples after " + timeout.toSeconds() + " s");
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return samples.getLast();
  }

  /** Stops sampling (a sample in progress completes); throws the first sampling error, if any. */
  @Override
  public void close() throws IOException, InterruptedException {
    timer.shutdown();
    if (!timer.awaitTermination(30, TimeUnit.SECONDS)) timer.shutdownNow();
    synchronized (this) {
      if (error != null) throw error;
    }
  }
}
