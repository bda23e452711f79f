package dev.glimpse.ingest;

import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.MailboxConfig.MailboxPolicy;
import dev.glimpse.types.Frame;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between a stream's grab thread (producer) and its consumer on the event loop.
 * <ul>
 *   <li>{@code latest} (live): a full mailbox drops its oldest frame to make room, so the consumer always gets
 *       the newest; every drop is counted. The grab thread never waits, so the camera's socket is always
 *       read.</li>
 *   <li>{@code all} (replay): a full mailbox makes the grab thread wait (backpressure): nothing is dropped and a
 *       file is read no faster than the pipeline takes it.</li>
 * </ul>
 * Frames in the mailbox are owned by it: dropped and discarded frames are closed here, so their buffers return to
 * the pool. {@link #poll()} never blocks (it is called on the event loop).
 */
final class Mailbox {
  private final MailboxPolicy policy;
  private final int capacity;
  private final StreamCounters counters;
  private final ArrayDeque<Frame> queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final Runnable onBlocked; // called each time the producer starts to wait for room (tests observe it)
  private boolean closed;

  Mailbox(MailboxConfig config, StreamCounters counters, Runnable onBlocked) {
    this.policy = config.policy();
    this.capacity = config.capacity();
    this.counters = counters;
    this.queue = new ArrayDeque<>(capacity);
    this.onBlocked = onBlocked;
  }

  Mailbox(MailboxConfig config, StreamCounters counters) { this(config, counters, () -> { }); }

  /**
   * Puts a frame in, taking ownership of it. Under {@code all}, waits while full. Returns false when the mailbox
   * is closed (the frame is then closed and counted as discarded).
   */
  boolean put(Frame frame) throws InterruptedException {
    lock.lock();
    try {
      if (policy == MailboxPolicy.LATEST) {
        while (!closed && queue.size() >= capacity) {
          queue.pollFirst().close();
          counters.drops.incrementAndGet();
        }
      } else {
        while (!closed && queue.size() >= capacity) {
          onBlocked.run();
          notFull.await();
        }
      }
      if (closed) {
        frame.close();
        counters.discarded.incrementAndGet();
        return false;
      }
      queue.addLast(frame);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The oldest frame, now owned by the caller, or null when empty. Never blocks for long. */
  Frame poll() {
    lock.lock();
    try {
      Frame f = queue.pollFirst();
      if (f != null) notFull.signal();
      return f;
    } finally {
      lock.unlock();
    }
  }

  boolean isEmpty() {
    lock.lock();
    try {
      return queue.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the queued frames (counted as discarded), refuses new ones and wakes a waiting producer. */
  void close() {
    lock.lock();
    try {
      closed = true;
      for (Frame f; (f = queue.pollFirst()) != null; ) {
        f.close();
        counters.discarded.incrementAndGet();
      }
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
