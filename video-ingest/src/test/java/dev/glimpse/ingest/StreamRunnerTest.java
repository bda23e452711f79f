package dev.glimpse.ingest;

import static dev.glimpse.ingest.StreamHarness.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.MailboxConfig.MailboxPolicy;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The grab loop's state machine against scripted sources and an injected clock: stalls, backoff, failure, loops. */
class StreamRunnerTest {
  private static Vertx vertx;
  private static final BackoffConfig FAST_BACKOFF = new BackoffConfig(Duration.ofMillis(1), Duration.ofMillis(4), 2, 0.2);
  private final AtomicLong now = new AtomicLong(); // the injected monotonic clock, ns
  private final IngestClock clock = new IngestClock(now::get, InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z")));
  private final AtomicLong closed = new AtomicLong();
  private final CountDownLatch release = new CountDownLatch(1); // ends "idle" sessions at close, as a socket timeout would
  private final AtomicBoolean openedOnEventLoop = new AtomicBoolean();

  @BeforeAll
  static void startVertx() { vertx = Vertx.vertx(); }

  @AfterAll
  static void stopVertx() throws Exception { vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); }

  private static StreamConfig config(String url, MailboxPolicy policy, boolean loop) {
    SourceUrl u = SourceUrl.parse(url);
    return new StreamConfig("cam", u, StreamConfig.Transport.TCP, new MailboxConfig(policy, 64),
        u.kind().isLive() ? StreamConfig.Pacing.REALTIME : StreamConfig.Pacing.FAST,
        loop, Duration.ofSeconds(10), Duration.ofSeconds(2), FAST_BACKOFF, "cam_optical", 0, 0);
  }

  private StreamHarness harness(StreamConfig c, SourceOpener opener, int keep) {
    SourceOpener checked = spec -> {
      if (Context.isOnEventLoopThread()) openedOnEventLoop.set(true);
      return opener.open(spec);
    };
    IngestEnv env = IngestEnv.system().withClock(clock).withOpener(checked);
    return new StreamHarness(vertx, c, IngestOptions.defaults(), env, keep).beforeClose(release::countDown).start();
  }

  /** Frames 0..n-1 at 30 fps on the injected clock, then waits for the test to end (a healthy idle session). */
  private FrameSource healthy(int n) {
    return new FakeSource((i, dst) -> {
      if (i < n) {
        now.addAndGet(33_333_333L);
        return FakeSource.frame(i, dst);
      }
      awaitRelease();
      return null;
    }, closed);
  }

  private void awaitRelease() {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aSlowGrabClosesTheSessionDropsItsStaleFrameAndReconnects() throws Exception {
    AtomicInteger sessions = new AtomicInteger();
    SourceOpener opener = spec -> sessions.getAndIncrement() == 0 ? new FakeSource((i, dst) -> {
      now.addAndGet(i == 5 ? 3_000_000_000L : 33_333_333L); // the 6th grab takes 3 s: a frozen server
      return FakeSource.frame(i, dst);
    }, closed) : healthy(5);
    try (StreamHarness h = harness(config("rtsp://127.0.0.1:1/cam", MailboxPolicy.LATEST, false), opener, 10)) {
      List<StreamHarness.Got> got = h.awaitFrames(10, seconds(10));
      assertEquals(List.of(StreamState.CONNECTING, StreamState.STREAMING, StreamState.STALLED, StreamState.RECONNECTING,
          StreamState.STREAMING), h.states());
      StreamEvent stalled = h.awaitState(StreamState.STALLED, seconds(1));
      assertTrue(stalled.detail().contains("no frame within 2000 ms (waited 3000 ms)"), stalled.detail());
      int[] firstBytes = got.stream().mapToInt(g -> g.copy().pixels().view().get(0)).toArray();
      assertEquals("[0, 1, 2, 3, 4, 0, 1, 2, 3, 4]", java.util.Arrays.toString(firstBytes),
          "the frame of the slow grab (index 5 of session 1) is stale and never delivered");
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), got.stream().map(StreamHarness.Got::sequence).toList());
      assertTrue(got.stream().allMatch(StreamHarness.Got::onEventLoop), "frames are delivered on the event loop");
      assertFalse(openedOnEventLoop.get(), "sources are opened on the grab thread, never on the event loop");
      StreamStats s = h.stream.stats();
      assertEquals(1, s.stalls());
      assertEquals(1, s.reconnects());
      assertEquals(1, closed.get(), "the stalled session was closed");
    }
  }

  @Test
  void failedOpensBackOffExponentiallyWithSeededJitterThenRecover() throws Exception {
    AtomicInteger opens = new AtomicInteger();
    SourceOpener opener = spec -> {
      if (opens.getAndIncrement() < 3) throw new SourceException(spec.name(), "cannot open: Connection refused (-111)", false);
      return healthy(3);
    };
    try (StreamHarness h = harness(config("rtsp://127.0.0.1:1/cam", MailboxPolicy.LATEST, false), opener, 0)) {
      h.awaitFrames(3, seconds(10));
      List<StreamEvent> reconnecting = h.events().stream().filter(e -> e.state() == StreamState.RECONNECTING).toList();
      Backoff expected = new Backoff(FAST_BACKOFF, IngestEnv.system().rngFor("cam"));
      assertEquals(3, reconnecting.size());
      for (int k = 0; k < 3; k++) {
        StreamEvent e = reconnecting.get(k);
        assertEquals(k + 1, e.attempt());
        assertEquals(expected.delay(k + 1), e.backoff(), "the schedule follows the seeded RNG");
        assertTrue(e.error().getMessage().startsWith("rtsp://127.0.0.1:1/cam: cannot open"), e.error().getMessage());
      }
      assertEquals(StreamState.STREAMING, h.states().getLast());
      assertEquals(3, h.stream.stats().reconnects());
    }
  }

  @Test
  void aPermanentErrorFailsOnceAndEndsTheStream() throws Exception {
    SourceOpener opener = spec -> {
      throw new SourceException(spec.name(), "no such file: /nowhere/x.mp4", true);
    };
    try (StreamHarness h = harness(config("/nowhere/x.mp4", MailboxPolicy.ALL, false), opener, 0)) {
      h.awaitEnd(seconds(10));
      assertEquals(List.of(StreamState.CONNECTING, StreamState.FAILED), h.states());
      SourceException e = assertInstanceOf(SourceException.class, h.errors().getFirst());
      assertEquals("/nowhere/x.mp4: no such file: /nowhere/x.mp4", e.getMessage());
      h.stream.done().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(0, h.stream.stats().reconnects());
    }
  }

  @Test
  void aLoopedReplayContinuesSequenceAndTimelineWithoutReconnecting() throws Exception {
    SourceOpener opener = spec -> new FakeSource((i, dst) -> i < 3 ? FakeSource.frame(i, dst) : null, closed);
    try (StreamHarness h = harness(config("file:///fake/clip.mp4", MailboxPolicy.ALL, true), opener, 0)) {
      List<StreamHarness.Got> got = h.awaitFrames(9, seconds(10)).subList(0, 9);
      for (int i = 0; i < 9; i++) {
        assertEquals(i, got.get(i).sequence());
        assertEquals(i * 33_333L, got.get(i).ptsMicros(), "pass n+1 follows pass n on one timeline");
      }
      assertEquals(0, h.stream.stats().reconnects(), "a loop is not a reconnect");
      assertFalse(h.states().contains(StreamState.RECONNECTING));
    }
  }

  @Test
  void aReplayEndsAfterItsLastFrame() throws Exception {
    SourceOpener opener = spec -> new FakeSource((i, dst) -> i < 3 ? FakeSource.frame(i, dst) : null, closed);
    try (StreamHarness h = harness(config("file:///fake/clip.mp4", MailboxPolicy.ALL, false), opener, 0)) {
      h.awaitEnd(seconds(10));
      assertEquals(3, h.frameCount(), "the end handler comes after the last frame");
      assertEquals(StreamState.ENDED, h.states().getLast());
      assertTrue(h.events().getLast().detail().startsWith("end of file:///fake/clip.mp4"), h.events().getLast().detail());
    }
  }

  @Test
  void aLiveSessionThatEndsIsReopened() throws Exception {
    AtomicInteger sessions = new AtomicInteger();
    SourceOpener opener = spec -> sessions.getAndIncrement() == 0
        ? new FakeSource((i, dst) -> i < 2 ? FakeSource.frame(i, dst) : null, closed) : healthy(2);
    try (StreamHarness h = harness(config("rtsp://127.0.0.1:1/cam", MailboxPolicy.LATEST, false), opener, 0)) {
      h.awaitFrames(4, seconds(10));
      StreamEvent e = h.awaitState(StreamState.RECONNECTING, seconds(1));
      assertEquals("the server ended the session", e.detail());
      assertEquals(List.of(StreamState.CONNECTING, StreamState.STREAMING, StreamState.RECONNECTING, StreamState.STREAMING), h.states());
    }
  }

  @Test
  void damagedFramesAreCountedAndSkipped() throws Exception {
    SourceOpener opener = spec -> new FakeSource((i, dst) -> {
      if (i >= 6) return null;
      if (i % 2 == 1) return new FrameSource.Decoded(i * 33_333L, 2, true); // lost one, and this one is damaged
      return FakeSource.frame(i, dst);
    }, closed);
    try (StreamHarness h = harness(config("file:///fake/clip.mp4", MailboxPolicy.ALL, false), opener, 0)) {
      h.awaitEnd(seconds(10));
      assertEquals(3, h.frameCount());
      assertEquals(6, h.stream.stats().corrupt());
    }
  }

  @Test
  void closeWhileRetryingEndsPromptly() throws Exception {
    SourceOpener opener = spec -> {
      throw new SourceException(spec.name(), "cannot open: Connection refused (-111)", false);
    };
    StreamConfig c = new StreamConfig("cam", SourceUrl.parse("rtsp://127.0.0.1:1/cam"), StreamConfig.Transport.TCP,
        new MailboxConfig(MailboxPolicy.LATEST, 1), StreamConfig.Pacing.REALTIME, false, Duration.ofSeconds(10),
        Duration.ofSeconds(2), new BackoffConfig(Duration.ofSeconds(30), Duration.ofSeconds(60), 2, 0), "cam", 0, 0);
    StreamHarness h = harness(c, opener, 0);
    h.awaitState(StreamState.RECONNECTING, seconds(10));
    long t0 = System.nanoTime();
    h.close();
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "a 30 s backoff does not delay close");
    assertEquals(StreamState.ENDED, h.stream.state());
  }
}
