package dev.glimpse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.MailboxConfig.MailboxPolicy;
import dev.glimpse.types.Frame;
import dev.glimpse.types.PixelFormat;
import dev.glimpse.types.Stamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The two mailbox policies: latest drops (and counts) the oldest, all holds the producer back and drops nothing. */
class MailboxTest {
  private final BufferPool pool = new BufferPool(4, 16);

  private Frame frame(long seq) {
    return new Frame("s", "s", seq, seq, new Stamp(0, 0), seq, 2, 2, 2, PixelFormat.GRAY8, pool.wrap(pool.acquire()));
  }

  @Test
  void latestKeepsTheNewestAndCountsEveryDrop() throws InterruptedException {
    StreamCounters counters = new StreamCounters();
    Mailbox box = new Mailbox(new MailboxConfig(MailboxPolicy.LATEST, 2), counters);
    List<Frame> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Frame f = frame(i);
      all.add(f);
      assertTrue(box.put(f), "latest never refuses or waits");
    }
    assertEquals(8, counters.drops.get());
    for (int i = 0; i < 8; i++) assertFalse(all.get(i).pixels().isOpen(), "dropped frame " + i + " went back to the pool");
    assertEquals(8, box.poll().sequence());
    assertEquals(9, box.poll().sequence());
    assertNull(box.poll());
    assertTrue(pool.allocated() <= 10);
  }

  @Test
  void allHoldsTheProducerBackAndLosesNothing() throws Exception {
    StreamCounters counters = new StreamCounters();
    Semaphore blocked = new Semaphore(0);
    Mailbox box = new Mailbox(new MailboxConfig(MailboxPolicy.ALL, 2), counters, blocked::release);
    int n = 6;
    CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < n; i++) box.put(frame(i));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(blocked.tryAcquire(10, TimeUnit.SECONDS), "the producer waits once the mailbox is full");
    assertEquals(2, box.size(), "it did not run ahead of the consumer");
    assertFalse(producer.isDone());
    List<Long> got = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (got.size() < n) {
      assertTrue(System.nanoTime() < deadline, "the producer moves on as the consumer takes frames: got " + got);
      Frame f = box.poll();
      if (f == null) {
        Thread.onSpinWait(); // the producer is between two puts
        continue;
      }
      try (f) {
        got.add(f.sequence());
      }
    }
    producer.get(10, TimeUnit.SECONDS);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), got, "every frame, in order");
    assertEquals(0, counters.drops.get());
  }

  @Test
  void closeDiscardsQueuedFramesAndReleasesAWaitingProducer() throws Exception {
    StreamCounters counters = new StreamCounters();
    CountDownLatch blocked = new CountDownLatch(1);
    Mailbox box = new Mailbox(new MailboxConfig(MailboxPolicy.ALL, 1), counters, blocked::countDown);
    Frame queued = frame(0), waiting = frame(1);
    assertTrue(box.put(queued));
    CompletableFuture<Boolean> put = CompletableFuture.supplyAsync(() -> {
      try {
        return box.put(waiting);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(blocked.await(10, TimeUnit.SECONDS));
    box.close();
    assertFalse(put.get(10, TimeUnit.SECONDS), "a closed mailbox refuses the frame");
    assertFalse(queued.pixels().isOpen());
    assertFalse(waiting.pixels().isOpen());
    assertEquals(2, counters.discarded.get());
  }
}
