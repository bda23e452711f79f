package dev.glimpse.ros.dds;

import java.time.Duration;
import java.util.function.IntSupplier;

/** Waiting on an entity's monitor until enough peers are matched (the status listener calls notifyAll). */
final class MatchWait {
  private MatchWait() {}

  /**
   * Waits, without polling, until {@code matched} reaches {@code n}; false on timeout. The caller holds
   * {@code monitor}'s lock (a synchronized method of the reader or writer).
   */
  static boolean atLeast(Object monitor, IntSupplier matched, int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (matched.getAsInt() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      monitor.wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
