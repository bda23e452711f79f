package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.QosProfile;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.ingest.FrameStream;
import dev.glimpse.ingest.IngestEnv;
import dev.glimpse.ingest.IngestOptions;
import dev.glimpse.ingest.StreamEvent;
import dev.glimpse.ingest.StreamState;
import dev.glimpse.ingest.FrameSource;
import dev.glimpse.ingest.SourceException;
import dev.glimpse.ingest.SourceInfo;
import dev.glimpse.ros.msg.Header;
import dev.glimpse.ros.msg.Image;
import dev.glimpse.ros.msg.RosTypes;
import dev.glimpse.types.Frame;
import dev.glimpse.types.PixelFormat;
import dev.glimpse.types.Stamp;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RosImageSource}: Image and CompressedImage published by the Cyclone C peer and by a second Java bridge
 * arrive as ingest frames with the right size, pixels, stamp and frame_id; newest wins and drops are counted.
 */
class RosImageSourceTest {
  static final int DOMAIN = 45;
  static final Duration WAIT = Duration.ofSeconds(15);
  static Path peer;
  static RosBridge bridge;
  static RosBridge pub;

  @BeforeAll
  static void setUp() throws Exception {
    peer = NativePeers.cyclonePeer();
    bridge = RosBridge.open(RosBridgeConfig.loopback(DOMAIN));
    pub = RosBridge.open(RosBridgeConfig.loopback(DOMAIN));
  }

  @AfterAll
  static void tearDown() {
    if (pub != null) pub.close();
    if (bridge != null) bridge.close();
  }

  /** The C peer fills data[i] = i * 7 + 3 over step * height bytes (rows padded by {@code padding}). */
  @ParameterizedTest
  @CsvSource({"rgb8, 3, 8, RGB24", "bgr8, 3, 0, RGB24", "rgb8, 3, 2, BGR24", "mono8, 1, 5, GRAY8", "mono8, 1, 0, RGB24"})
  void rawImagesFromCArriveAsFrames(String encoding, int channels, int padding, PixelFormat format) throws Exception {
    int w = 17;
    int h = 9;
    int step = w * channels + padding;
    String topic = "/src/" + encoding + "_" + padding + "_" + format;
    long before = System.nanoTime();
    try (RosImageSource src = RosImageSource.subscribe(bridge, topic, RosImageSource.Kind.RAW,
             RosImageSource.Options.of("front").withFormat(format));
         PeerProcess _ = PeerProcess.start(peer, "pub-image", DOMAIN, "rt" + topic, w, h, encoding, step, step * h, 200);
         Frame f = src.take(WAIT)) {
      assertNotNull(f, "no frame on " + topic);
      assertHeader(f, before, format, w, h);
      byte[] got = f.pixels().toByteArray();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int[] src3 = new int[3]; // the published pixel as r, g, b (grey: all three)
          for (int c = 0; c < 3; c++) src3[c] = ((y * step + x * channels + (channels == 1 ? 0 : c)) * 7 + 3) & 0xff;
          if (encoding.equals("bgr8")) src3 = new int[] {src3[2], src3[1], src3[0]};
          assertPixel(format, src3, channels == 1, got, y * w + x, "(" + x + "," + y + ")");
        }
      }
      SourceInfo info = src.info();
      assertEquals(encoding, info.codec());
      assertEquals(w, info.width());
      assertEquals(h, info.height());
      assertEquals(format, info.format());
    }
  }

  @ParameterizedTest
  @CsvSource({"png, false, RGB24", "jpeg, false, RGB24", "jpeg, false, BGR24", "png, true, GRAY8"})
  void compressedImagesFromCArriveAsFrames(String fileFormat, boolean grey, PixelFormat format) throws Exception {
    Path file = TestImages.write(fileFormat, grey);
    BufferedImage reference = ImageIO.read(file.toFile()); // the same decoder as the bridge's: exact pixels
    String topic = "/src/" + fileFormat + (grey ? "_grey_" : "_colour_") + format;
    long before = System.nanoTime();
    try (RosImageSource src = RosImageSource.subscribe(bridge, topic, RosImageSource.Kind.COMPRESSED,
             RosImageSource.Options.of("front").withFormat(format));
         PeerProcess _ = PeerProcess.start(peer, "pub-compressed", DOMAIN, "rt" + topic, fileFormat, file, 200);
         Frame f = src.take(WAIT)) {
      assertNotNull(f, "no frame on " + topic);
      assertHeader(f, before, format, TestImages.W, TestImages.H);
      byte[] got = f.pixels().toByteArray();
      for (int y = 0; y < TestImages.H; y++) {
        for (int x = 0; x < TestImages.W; x++) {
          int rgb = reference.getRGB(x, y);
          int[] want = grey ? new int[] {reference.getRaster().getSample(x, y, 0), 0, 0}
              : new int[] {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
          if (grey) want[1] = want[2] = want[0];
          assertPixel(format, want, grey, got, y * TestImages.W + x, "(" + x + "," + y + ")");
        }
      }
      assertEquals("compressed", src.info().codec());
    }
  }

  @Test
  void aLiveTopicKeepsTheNewestImagesAndCountsEveryDrop() throws Exception {
    String topic = "/src/burst";
    try (RosImageSource one = RosImageSource.subscribe(bridge, topic, RosImageSource.Kind.RAW,
             RosImageSource.Options.of("a").withFormat(PixelFormat.GRAY8));
         RosImageSource three = RosImageSource.subscribe(bridge, topic, RosImageSource.Kind.RAW,
             RosImageSource.Options.of("b").withFormat(PixelFormat.GRAY8).withCapacity(3));
         Publisher<Image> p = pub.publisher(topic, RosTypes.IMAGE, QosProfile.RELIABLE)) {
      assertTrue(one.subscription().awaitPublishers(1, WAIT) && three.subscription().awaitPublishers(1, WAIT)
          && p.awaitSubscribers(2, WAIT), "matched");
      for (int i = 1; i <= 10; i++) { // one at a time, so that DDS's own keep-last-5 history never drops
        assertTrue(p.publish(mono(i, 4, 3)));
        int n = i;
        Await.until(() -> one.received() == n && three.received() == n, WAIT, "image " + n);
      }
      assertEquals(1, one.queued());
      assertEquals(9, one.drops());
      assertEquals(3, three.queued());
      assertEquals(7, three.drops());
      try (Frame f = one.take(WAIT)) {
        assertEquals(new Stamp(10, 500), f.stamp(), "newest wins");
        assertEquals(0, f.sequence());
        assertEquals(10, f.pixels().toByteArray()[0]);
      }
      assertNull(one.poll(), "nothing left");
      for (int i = 8; i <= 10; i++) {
        try (Frame f = three.poll()) {
          assertEquals(new Stamp(i, 500), f.stamp());
          assertEquals(i - 8, f.sequence());
        }
      }
      assertNull(three.take(Duration.ofMillis(50)), "nothing left: take times out");
    }
  }

  @Test
  void asAFrameSourceItFillsTheCallersBufferAndEndsTheSessionWhenTheSizeChanges() throws Exception {
    String topic = "/src/session";
    RosImageSource.Options o = RosImageSource.Options.of("s").withFormat(PixelFormat.GRAY8).withFirstImageTimeout(WAIT);
    try (Publisher<Image> p = pub.publisher(topic, RosTypes.IMAGE, QosProfile.RELIABLE)) {
      // no publisher is sending: opening fails after the first-image timeout, and retrying may help
      SourceException none = assertThrows(SourceException.class, () -> RosImageSource.opener(bridge, "/src/silent",
          RosImageSource.Kind.RAW, o.withFirstImageTimeout(Duration.ofMillis(200))).open(null));
      assertFalse(none.permanent());
      assertTrue(none.getMessage().contains("/src/silent"), none.getMessage());

      CompletableFuture<FrameSource> opening = CompletableFuture.supplyAsync(() -> {
        try {
          return RosImageSource.opener(bridge, topic, RosImageSource.Kind.RAW, o).open(null);
        } catch (SourceException e) {
          throw new CompletionException(e);
        }
      });
      FrameSource opened = null;
      for (long deadline = System.nanoTime() + WAIT.toNanos(); opened == null && System.nanoTime() < deadline; ) {
        p.publish(mono(1, 4, 3)); // a camera sends until someone listens: repeat until the open has its first image
        try {
          opened = opening.get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // not yet matched: send again
        }
      }
      assertNotNull(opened, "the opener got its first image");
      try (FrameSource s = opened) {
        SourceInfo info = s.info();
        assertEquals(4, info.width());
        assertEquals(3, info.height());
        assertEquals(PixelFormat.GRAY8, info.format());
        assertEquals("ros2", info.container());
        ByteBuffer buf = ByteBuffer.allocateDirect(info.frameBytes());
        assertTrue(p.publish(mono(7, 4, 3)));
        FrameSource.Decoded d;
        do { // the opener's first image may still be queued ahead of ours
          d = s.next(buf);
          assertNotNull(d);
        } while (d.ptsMicros() != 7_000_000L);
        assertEquals(0, d.corrupt());
        byte[] px = new byte[12];
        buf.get(0, px);
        assertArrayEquals(mono(7, 4, 3).data(), px);
        assertTrue(p.publish(mono(8, 5, 3)));
        SourceException changed = assertThrows(SourceException.class, () -> {
          for (int i = 0; i < 5; i++) assertNotNull(s.next(buf), "the 5x3 image arrives"); // until the 5x3 image
        });
        assertFalse(changed.permanent());
        assertTrue(changed.getMessage().contains("4x3 to 5x3"), changed.getMessage());
      }
    }
  }

  /**
   * Through ingest's own grab loop and Vert.x delivery (FrameStream with the opener injected; the stream's URL is
   * only a label of a live kind, as ingest has no ros2:// scheme): frames arrive on the event loop, and an image of
   * another size ends the session, which the loop reopens at the new size.
   */
  @Test
  void throughIngestsGrabLoopFramesReachTheEventLoopAndASizeChangeReopensTheSession() throws Exception {
    String topic = "/src/ingest";
    Vertx vertx = Vertx.vertx();
    BlockingQueue<Frame> got = new LinkedBlockingQueue<>();
    List<StreamEvent> events = new CopyOnWriteArrayList<>();
    StreamConfig c = new StreamConfig("ros_front", SourceUrl.parse("v4l2:///dev/ros/src/ingest"), StreamConfig.Transport.TCP,
        new MailboxConfig(MailboxConfig.MailboxPolicy.LATEST, 1), StreamConfig.Pacing.REALTIME, false,
        Duration.ofSeconds(10), Duration.ofSeconds(2),
        new BackoffConfig(Duration.ofMillis(50), Duration.ofMillis(200), 2, 0.2), "ros_front", 0, 0);
    IngestEnv env = IngestEnv.system().withOpener(RosImageSource.opener(bridge, topic, RosImageSource.Kind.RAW,
        RosImageSource.Options.of("ros_front").withFirstImageTimeout(Duration.ofSeconds(1))));
    try (Publisher<Image> p = pub.publisher(topic, RosTypes.IMAGE, QosProfile.RELIABLE)) {
      FrameStream stream = FrameStream.create(vertx.getOrCreateContext(), c, IngestOptions.defaults(), env);
      stream.stateHandler(events::add).handler(f -> {
        try (f) {
          got.add(Frame.copyOf(f));
        }
      }).start();
      try {
        Frame first = publishUntilAFrameOfWidth(p, got, 4, bgr(3, 4, 2));
        assertEquals(PixelFormat.RGB24, first.format());
        assertEquals(2, first.height());
        byte[] want = new byte[4 * 2 * 3];
        byte[] bgr = bgr(3, 4, 2).data();
        for (int i = 0; i < want.length; i += 3) { // bgr8 published, RGB24 delivered
          want[i] = bgr[i + 2];
          want[i + 1] = bgr[i + 1];
          want[i + 2] = bgr[i];
        }
        assertArrayEquals(want, first.pixels().toByteArray());
        Frame bigger = publishUntilAFrameOfWidth(p, got, 6, bgr(4, 6, 5));
        assertEquals(5, bigger.height());
        assertTrue(events.stream().anyMatch(e -> e.state() == StreamState.RECONNECTING && e.detail().contains("4x2 to 6x5")),
            "the size change ended the session: " + events);
      } finally {
        stream.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Publishes {@code m} every 20 ms (a camera's pace) until a frame {@code width} wide comes out of the stream. */
  private static Frame publishUntilAFrameOfWidth(Publisher<Image> p, BlockingQueue<Frame> got, int width, Image m)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      p.publish(m);
      Frame f = got.poll(20, TimeUnit.MILLISECONDS);
      if (f != null && f.width() == width) return f;
    }
    throw new AssertionError("no frame " + width + " pixels wide within " + WAIT);
  }

  /** A bgr8 image stamped {@code sec}.500 whose bytes are {@code i * 5 + sec}. */
  private static Image bgr(int sec, int w, int h) {
    byte[] data = new byte[w * h * 3];
    for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 5 + sec);
    return new Image(new Header(new Stamp(sec, 500), "cam"), h, w, "bgr8", 0, w * 3, data);
  }

  /** A 4x3-ish mono8 image stamped {@code sec}.500 whose pixels are {@code sec, sec+1, ...}. */
  private static Image mono(int sec, int w, int h) {
    byte[] data = new byte[w * h];
    for (int i = 0; i < data.length; i++) data[i] = (byte) (sec + i);
    return new Image(new Header(new Stamp(sec, 500), "cam_" + sec), h, w, "mono8", 0, w, data);
  }

  private static void assertHeader(Frame f, long receivedAfter, PixelFormat format, int w, int h) {
    assertEquals("front", f.streamId());
    assertEquals("cam", f.frameId(), "frame_id from the header");
    assertEquals(CyclonePeerTest.PEER_STAMP, f.stamp(), "capture time = the header stamp");
    assertEquals(CyclonePeerTest.PEER_STAMP.toNanos() / 1000, f.ptsMicros());
    assertTrue(f.monotonicNanos() >= receivedAfter && f.monotonicNanos() <= System.nanoTime(), "receive time");
    assertEquals(0, f.sequence());
    assertEquals(format, f.format());
    assertEquals(w, f.width());
    assertEquals(h, f.height());
    assertEquals(format.rowBytes(w), f.stride());
    assertEquals(format.imageBytes(w, h), f.pixels().size());
  }

  /** Pixel {@code i} of {@code got} in {@code format} is the published {@code rgb} (grey sources: r = g = b). */
  private static void assertPixel(PixelFormat format, int[] rgb, boolean grey, byte[] got, int i, String at) {
    switch (format) {
      case RGB24 -> assertArrayEquals(new int[] {rgb[0], rgb[1], rgb[2]}, px(got, i * 3), "rgb at " + at);
      case BGR24 -> assertArrayEquals(new int[] {rgb[2], rgb[1], rgb[0]}, px(got, i * 3), "bgr at " + at);
      case GRAY8 -> {
        int want = grey ? rgb[0] : (77 * rgb[0] + 150 * rgb[1] + 29 * rgb[2] + 128) >> 8;
        assertEquals(want, got[i] & 0xff, "grey at " + at);
      }
    }
  }

  private static int[] px(byte[] b, int o) {
    return new int[] {b[o] & 0xff, b[o + 1] & 0xff, b[o + 2] & 0xff};
  }
}
