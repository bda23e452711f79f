package dev.glimpse.ingest;

import static dev.glimpse.ingest.StreamHarness.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.MailboxConfig.MailboxPolicy;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delivery into Vert.x with the simulator and a real file: mailbox policies, backpressure, pacing, threads. */
class DeliveryTest {
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() { vertx = Vertx.vertx(); }

  @AfterAll
  static void stopVertx() throws Exception { vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); }

  private static StreamConfig config(String url, MailboxPolicy policy, int capacity, StreamConfig.Pacing pacing, boolean loop) {
    return new StreamConfig("sim1", SourceUrl.parse(url), StreamConfig.Transport.TCP, new MailboxConfig(policy, capacity),
        pacing, loop, Duration.ofSeconds(10), Duration.ofSeconds(2), BackoffConfig.defaults(), "sim1_optical", 0, 0);
  }

  @Test
  void latestKeepsTheNewestFrameWhileTheConsumerIsPausedAndCountsEveryDrop() throws Exception {
    StreamConfig c = config("sim://seed=2&size=32x32&frames=40", MailboxPolicy.LATEST, 1, StreamConfig.Pacing.FAST, false);
    try (StreamHarness h = new StreamHarness(vertx, c, IngestOptions.defaults(), IngestEnv.system(), 0)) {
      h.stream.pause();
      h.start();
      h.awaitState(StreamState.ENDED, seconds(20)); // the grabber ran to the end without waiting for us
      assertEquals(0, h.frameCount());
      h.stream.fetch(1);
      List<StreamHarness.Got> got = h.awaitFrames(1, seconds(5));
      assertEquals(39, got.getFirst().sequence(), "the newest frame wins");
      h.awaitEnd(seconds(5));
      StreamStats s = h.stream.stats();
      assertEquals(40, s.frames());
      assertEquals(39, s.drops());
      assertEquals(1, s.delivered());
    }
  }

  @Test
  void allHoldsTheGrabberBackAndDeliversEveryFrameInOrder() throws Exception {
    StreamConfig c = config("sim://seed=2&size=32x32&frames=40", MailboxPolicy.ALL, 2, StreamConfig.Pacing.FAST, false);
    CountDownLatch blocked = new CountDownLatch(1);
    try (StreamHarness h = new StreamHarness(vertx.getOrCreateContext(), c, IngestOptions.defaults(), IngestEnv.system(), 0,
        blocked::countDown)) {
      h.stream.pause();
      h.start();
      assertTrue(blocked.await(20, TimeUnit.SECONDS), "the grabber waits for the paused consumer");
      assertEquals(3, h.stream.stats().frames(), "two frames queued, one in hand: the grabber did not run ahead");
      h.stream.resume();
      h.awaitEnd(seconds(20));
      List<StreamHarness.Got> got = h.frames();
      assertEquals(40, got.size());
      for (int i = 0; i < 40; i++) assertEquals(i, got.get(i).sequence());
      assertEquals(0, h.stream.stats().drops());
      assertTrue(got.stream().allMatch(StreamHarness.Got::onEventLoop), "delivered on the event loop");
    }
  }

  @Test
  void realtimeReplayFollowsTimestampsAndFastDoesNot() throws Exception {
    String url = "sim://seed=2&size=32x32&fps=30&frames=16";
    long realtime = spanNanos(config(url, MailboxPolicy.ALL, 8, StreamConfig.Pacing.REALTIME, false));
    long fast = spanNanos(config(url, MailboxPolicy.ALL, 8, StreamConfig.Pacing.FAST, false));
    assertTrue(realtime >= 450_000_000L, "15 intervals of 33.3 ms take at least 500 ms (-10%): " + realtime / 1_000_000 + " ms");
    assertTrue(realtime < 2_000_000_000L, "and not much longer: " + realtime / 1_000_000 + " ms");
    assertTrue(fast < realtime / 2, "fast replay is not paced: " + fast / 1_000_000 + " ms vs " + realtime / 1_000_000 + " ms");
  }

  /** Monotonic capture time from the first to the last frame of a replay. */
  private static long spanNanos(StreamConfig c) throws Exception {
    try (StreamHarness h = new StreamHarness(vertx, c, IngestOptions.defaults(), IngestEnv.system(), 0).start()) {
      h.awaitEnd(seconds(20));
      List<StreamHarness.Got> got = h.frames();
      assertEquals(16, got.size());
      return got.getLast().monotonicNanos() - got.getFirst().monotonicNanos();
    }
  }

  @Test
  void aLoopedFileReplaysForeverOnOneTimeline() throws Exception {
    String file = TestMedia.h264Mp4(160, 120, 30).toString();
    StreamConfig c = config(file, MailboxPolicy.ALL, 4, StreamConfig.Pacing.FAST, true);
    try (StreamHarness h = new StreamHarness(vertx, c, IngestOptions.defaults(), IngestEnv.system(), 0).start()) {
      List<StreamHarness.Got> got = h.awaitFrames(75, seconds(20)).subList(0, 75);
      for (int i = 1; i < got.size(); i++) {
        assertEquals(i, got.get(i).sequence());
        long step = got.get(i).ptsMicros() - got.get(i - 1).ptsMicros();
        assertTrue(step > 30_000 && step < 36_000, "one frame interval between frames " + (i - 1) + " and " + i + ": " + step + " µs");
      }
      assertEquals(0, h.stream.stats().reconnects());
    }
  }
}
