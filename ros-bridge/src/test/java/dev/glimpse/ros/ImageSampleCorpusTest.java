package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.QosProfile;
import dev.glimpse.ingest.FrameSource;
import dev.glimpse.ros.ImageSampleFaults.Case;
import dev.glimpse.ros.ImageSampleFaults.Expect;
import dev.glimpse.ros.RosImageSource.Kind;
import dev.glimpse.ros.cdr.MalformedSampleException;
import dev.glimpse.ros.msg.CompressedImage;
import dev.glimpse.ros.msg.Header;
import dev.glimpse.ros.msg.Image;
import dev.glimpse.ros.msg.RosTypes;
import dev.glimpse.types.Frame;
import dev.glimpse.types.PixelFormat;
import dev.glimpse.types.Stamp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded corpus of bad {@code sensor_msgs/Image} and {@code CompressedImage} samples ({@link ImageSampleFaults}),
 * each fed to a {@link RosImageSource} through the handler its subscription runs on the receive thread (decoding
 * from a native segment, as a DDS sample arrives), right after a good image. Every bad sample must be dropped with a
 * {@link MalformedSampleException} that says what is wrong, and counted by the source; or decode into a whole image.
 * Never another exception (the bridge would log it as a failed callback), never an allocation far beyond the
 * sample's own size, and the good image before it is delivered, intact, either way. A handful of bad samples then
 * go through DDS from a second participant, between good ones, and the stream goes on with each one counted.
 */
class ImageSampleCorpusTest {
  static final int DOMAIN = 47;
  static final Duration WAIT = Duration.ofSeconds(10);
  /** Bytes that handling one sample may allocate beyond {@value #ALLOCATION_FACTOR} bytes per byte of pixels it may claim. */
  private static final long ALLOCATION_SLACK = 4L << 20;
  private static final int ALLOCATION_FACTOR = 4;
  static RosBridge bridge;
  static RosBridge pub;

  @BeforeAll
  static void open() {
    bridge = RosBridge.open(RosBridgeConfig.loopback(DOMAIN));
    pub = RosBridge.open(RosBridgeConfig.loopback(DOMAIN));
  }

  @AfterAll
  static void close() {
    if (pub != null) pub.close();
    if (bridge != null) bridge.close();
  }

  /** How a sample ended. */
  enum Outcome { DROPPED, DELIVERED, CRASHED }

  /** A good sample of {@code kind} stamped {@code sec}: a 4x3 rgb8 image or a 6x4 PNG. */
  static byte[] good(Kind kind, int sec) {
    Header h = new Header(new Stamp(sec, 0), "good");
    if (kind == Kind.RAW) {
      Image m = ImageSampleFaults.rawBases().getFirst();
      return RosTypes.IMAGE.encode(new Image(h, m.height(), m.width(), m.encoding(), 0, m.step(), m.data()));
    }
    return RosTypes.COMPRESSED_IMAGE.encode(new CompressedImage(h, "png", ImageSampleFaults.encoded("png", false)));
  }

  /** Feeds one sample as the receive thread would: from native memory, through the source's handler. */
  static Outcome feed(RosImageSource src, byte[] sample, StringBuilder why) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(Math.max(1, sample.length)).asSlice(0, sample.length);
      MemorySegment.copy(sample, 0, seg, ValueLayout.JAVA_BYTE, 0, sample.length);
      src.onSample(seg);
      return Outcome.DELIVERED;
    } catch (MalformedSampleException e) {
      why.append(e.getMessage());
      return Outcome.DROPPED;
    } catch (Throwable t) {
      why.append(t);
      return Outcome.CRASHED;
    }
  }

  @Test
  void everyBadSampleIsDroppedAndCountedOrDecodedAndTheGoodImageBeforeItArrives() throws Exception {
    List<Case> corpus = ImageSampleFaults.corpus();
    assertTrue(corpus.size() >= 200, "corpus size " + corpus.size());
    RosImageSource.Options o = RosImageSource.Options.of("corpus").withCapacity(2);
    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    try (RosImageSource raw = RosImageSource.subscribe(bridge, "/corpus/raw", Kind.RAW, o);
         RosImageSource compressed = RosImageSource.subscribe(bridge, "/corpus/compressed", Kind.COMPRESSED, o)) {
      assertEquals(Outcome.DELIVERED, feed(compressed, good(Kind.COMPRESSED, 0), new StringBuilder()), "ImageIO ready");
      byte[] goodPng;
      try (Frame f = compressed.poll()) {
        goodPng = f.pixels().toByteArray();
      }
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      for (int i = 0; i < corpus.size(); i++) {
        Case k = corpus.get(i);
        RosImageSource src = k.kind() == Kind.RAW ? raw : compressed;
        long malformed = src.malformed();
        String failure = null;
        if (feed(src, good(k.kind(), i + 1), new StringBuilder()) != Outcome.DELIVERED) failure = "the good image was not delivered";
        StringBuilder why = new StringBuilder();
        long before = threads.getCurrentThreadAllocatedBytes();
        Outcome out = feed(src, k.sample(), why);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        outcomes.merge(k.kind() + " " + out, 1, Integer::sum);
        long allowed = ALLOCATION_SLACK + (long) ALLOCATION_FACTOR * k.sample().length
            * (k.kind() == Kind.RAW ? 1 : ImageDecoding.MAX_EXPANSION);
        if (failure == null) failure = checkOutcome(k, out, why.toString());
        if (failure == null && allocated > allowed) failure = "allocated " + allocated + " bytes (at most " + allowed + ")";
        if (failure == null && src.malformed() - malformed != (out == Outcome.DROPPED ? 1 : 0)) {
          failure = "malformed went from " + malformed + " to " + src.malformed();
        }
        if (failure == null) failure = checkFrames(src, i + 1, k.kind() == Kind.RAW ? null : goodPng, out == Outcome.DELIVERED);
        if (failure != null) {
          failures.add(k.name() + ": " + failure);
          for (Frame f = src.poll(); f != null; f = src.poll()) f.close(); // start the next case from an empty mailbox
        }
      }
      String summary = corpus.size() + " samples: " + outcomes;
      System.out.println("image sample corpus: " + summary);
      assertTrue(failures.isEmpty(), failures.size() + " failures (" + summary + "):\n" + String.join("\n", failures));
      assertEquals(0, raw.drops() + compressed.drops(), "the mailbox never overflowed: nothing was lost to it");
      assertEquals(count(outcomes, "RAW DROPPED") + count(outcomes, "COMPRESSED DROPPED"), raw.malformed() + compressed.malformed(),
          "the sources counted every drop: " + summary);
      assertTrue(count(outcomes, "RAW DROPPED") >= 150 && count(outcomes, "COMPRESSED DROPPED") >= 20, summary);
    }
  }

  private static long count(Map<String, Integer> outcomes, String key) { return outcomes.getOrDefault(key, 0); }

  /** Null when {@code out} is what {@code k} allows, and a drop says what is wrong. */
  private static String checkOutcome(Case k, Outcome out, String why) {
    if (out == Outcome.CRASHED) return "crashed: " + why;
    if (k.expect() == Expect.DELIVERED && out != Outcome.DELIVERED) return "expected an image, dropped: " + why;
    if (k.expect() == Expect.DROPPED && out != Outcome.DROPPED) return "expected a drop, got an image";
    if (out == Outcome.DROPPED && !why.contains(k.says())) return "the reason does not say '" + k.says() + "': " + why;
    if (out == Outcome.DROPPED && why.isBlank()) return "a drop without a reason";
    return null;
  }

  /**
   * The good image stamped {@code sec} comes out first, whole (for raw images, the published pixels; for PNG, the
   * reference decode); then the bad sample's image if it decoded; then nothing.
   */
  private static String checkFrames(RosImageSource src, int sec, byte[] png, boolean badDelivered) {
    try (Frame f = src.poll()) {
      if (f == null) return "the good image before it was lost";
      if (!f.stamp().equals(new Stamp(sec, 0)) || !f.frameId().equals("good")) return "not the good image: " + f;
      byte[] want = png != null ? png : ImageSampleFaults.rawBases().getFirst().data();
      if (!Arrays.equals(want, f.pixels().toByteArray())) return "the good image's pixels changed";
    }
    if (badDelivered) {
      try (Frame f = src.poll()) {
        if (f == null) return "decoded, but no frame";
        if (f.width() <= 0 || f.height() <= 0 || f.pixels().size() != f.format().imageBytes(f.width(), f.height())) {
          return "a frame that is not whole: " + f;
        }
      }
    }
    return src.poll() == null ? null : "a frame from nowhere";
  }

  /** The corpus's own writer lays samples out as the bridge's does, so that its offsets aim where it says. */
  @Test
  void theLayoutWritesWhatTheBridgeWrites() throws MalformedSampleException {
    for (Image m : ImageSampleFaults.rawBases()) {
      assertArrayEquals(RosTypes.IMAGE.encode(m), SampleLayout.of(m, SampleLayout.CDR_LE).bytes(), m.encoding());
      for (int id : new int[] {SampleLayout.CDR_BE, SampleLayout.CDR2_LE, SampleLayout.CDR2_BE}) {
        assertEquals(m, RosTypes.IMAGE.decode(SampleLayout.of(m, id).bytes()), m.encoding() + " as " + id);
      }
    }
    CompressedImage c = new CompressedImage(ImageSampleFaults.HEADER, "png", ImageSampleFaults.encoded("png", false));
    assertArrayEquals(RosTypes.COMPRESSED_IMAGE.encode(c), SampleLayout.of(c, SampleLayout.CDR_LE).bytes());
    assertEquals(List.of(ImageSampleFaults.corpus().stream().map(k -> Arrays.hashCode(k.sample())).toList()),
        List.of(ImageSampleFaults.corpus().stream().map(k -> Arrays.hashCode(k.sample())).toList()), "reproducible");
  }

  /** As a FrameSource, each frame reports the samples dropped since the previous frame as corrupt. */
  @Test
  void asAFrameSourceEachFrameCountsTheBadSamplesBeforeIt() throws Exception {
    List<byte[]> bad = ImageSampleFaults.corpus().stream()
        .filter(k -> k.kind() == Kind.RAW && k.expect() == Expect.DROPPED).map(Case::sample).toList();
    int[] badBefore = {0, 2, 0, 5, 1};
    try (RosImageSource src = RosImageSource.subscribe(bridge, "/corpus/session", Kind.RAW,
        RosImageSource.Options.of("s").withCapacity(badBefore.length))) {
      int next = 0;
      for (int i = 0; i < badBefore.length; i++) {
        for (int j = 0; j < badBefore[i]; j++) assertEquals(Outcome.DROPPED, feed(src, bad.get(next++), new StringBuilder()));
        assertEquals(Outcome.DELIVERED, feed(src, good(Kind.RAW, i + 1), new StringBuilder()));
      }
      assertEquals(8, src.malformed());
      ByteBuffer buf = ByteBuffer.allocateDirect(src.info().frameBytes());
      for (int i = 0; i < badBefore.length; i++) {
        FrameSource.Decoded d = src.next(buf);
        assertNotNull(d);
        assertEquals((i + 1) * 1_000_000L, d.ptsMicros());
        assertEquals(badBefore[i], d.corrupt(), "frame " + i);
      }
    }
  }

  /**
   * Through DDS: a second participant publishes good images with bad ones between them (short data, an encoding we
   * do not take, a step shorter than a row, zero and absurd sizes; a corrupt JPEG and a forged 8192x8192 PNG header on
   * the compressed topic). Every good image arrives in order, every bad one is counted by the source and the
   * bridge, and no callback fails.
   */
  @Test
  void throughDdsTheStreamGoesOnAndEveryBadSampleIsCounted() throws Exception {
    Image base = ImageSampleFaults.rawBases().getFirst();
    List<Image> bad = List.of(
        new Image(ImageSampleFaults.HEADER, 3, 4, "rgb8", 0, 12, new byte[35]),
        new Image(ImageSampleFaults.HEADER, 3, 4, "rgba16", 0, 32, new byte[96]),
        new Image(ImageSampleFaults.HEADER, 3, 4, "rgb8", 0, 11, new byte[36]),
        new Image(ImageSampleFaults.HEADER, 0, 4, "rgb8", 0, 12, new byte[0]),
        new Image(ImageSampleFaults.HEADER, Integer.MAX_VALUE, Integer.MAX_VALUE, "mono8", 0, Integer.MAX_VALUE, new byte[8]));
    long bridgeMalformed = bridge.counters().malformed(), handlerErrors = bridge.counters().handlerErrors();
    try (RosImageSource src = RosImageSource.subscribe(bridge, "/corpus/dds", Kind.RAW,
             RosImageSource.Options.of("dds").withFormat(PixelFormat.RGB24).withCapacity(bad.size() + 1));
         Publisher<Image> p = pub.publisher("/corpus/dds", RosTypes.IMAGE, QosProfile.RELIABLE)) {
      assertTrue(src.subscription().awaitPublishers(1, WAIT) && p.awaitSubscribers(1, WAIT), "matched");
      int sent = 0;
      for (int i = 0; i <= bad.size(); i++) {
        Image good = new Image(new Header(new Stamp(i + 1, 0), "good"), base.height(), base.width(), base.encoding(), 0,
            base.step(), base.data());
        sent = publish(p, good, src, sent);
        if (i < bad.size()) sent = publish(p, bad.get(i), src, sent);
      }
      assertEquals(bad.size() + 1, src.received());
      assertEquals(bad.size(), src.malformed());
      ByteBuffer buf = ByteBuffer.allocateDirect(src.info().frameBytes());
      for (int i = 0; i <= bad.size(); i++) {
        FrameSource.Decoded d = src.next(buf);
        assertNotNull(d, "good image " + (i + 1));
        assertEquals((i + 1) * 1_000_000L, d.ptsMicros(), "in order, none lost");
        assertEquals(i == 0 ? 0 : 1, d.corrupt(), "the bad sample before good image " + (i + 1));
        byte[] px = new byte[base.data().length];
        buf.get(0, px);
        assertArrayEquals(base.data(), px);
      }
      assertEquals(0, src.drops());
    }
    try (RosImageSource src = RosImageSource.subscribe(bridge, "/corpus/dds_compressed", Kind.COMPRESSED,
             RosImageSource.Options.of("ddsc").withCapacity(3));
         Publisher<CompressedImage> p = pub.publisher("/corpus/dds_compressed", RosTypes.COMPRESSED_IMAGE, QosProfile.RELIABLE)) {
      assertTrue(src.subscription().awaitPublishers(1, WAIT) && p.awaitSubscribers(1, WAIT), "matched");
      byte[] png = ImageSampleFaults.encoded("png", false);
      int sent = publish(p, new CompressedImage(new Header(new Stamp(1, 0), "good"), "png", png), src, 0);
      sent = publish(p, new CompressedImage(ImageSampleFaults.HEADER, "jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, 0, 1}), src, sent);
      sent = publish(p, new CompressedImage(ImageSampleFaults.HEADER, "png", ImageSampleFaults.forgedPng(8192, 8192, 16, 6)), src, sent);
      publish(p, new CompressedImage(new Header(new Stamp(2, 0), "good"), "png", png), src, sent);
      assertEquals(2, src.received());
      assertEquals(2, src.malformed());
      try (Frame a = src.poll(); Frame b = src.poll()) {
        assertEquals(new Stamp(1, 0), a.stamp());
        assertEquals(new Stamp(2, 0), b.stamp());
      }
    }
    assertEquals(bad.size() + 2, bridge.counters().malformed() - bridgeMalformed, "the bridge counted them too");
    assertEquals(handlerErrors, bridge.counters().handlerErrors(), "no callback failed");
  }

  /** Publishes {@code m} and waits until the source has decoded or dropped it (one at a time: nothing is lost to QoS). */
  private static <T> int publish(Publisher<T> p, T m, RosImageSource src, int sent) {
    assertTrue(p.publish(m));
    int n = sent + 1;
    Await.until(() -> src.received() + src.malformed() == n, WAIT, "sample " + n);
    return n;
  }
}
