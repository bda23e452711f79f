package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.QosProfile;
import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.MessageType;
import dev.glimpse.ros.msg.RosTypes;
import dev.glimpse.ros.msg.Samples;
import dev.glimpse.types.Stamp;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Java ↔ a Cyclone DDS C program built here from the IDL (idlc + gcc), over UDP on loopback: every type round-trips
 * through C's own deserializer and serializer, the C side checks every Detection2DArray field, and images, compressed
 * images and queries published in C arrive in Java.
 */
class CyclonePeerTest {
  static final int DOMAIN = 42;
  static final Duration WAIT = Duration.ofSeconds(15);
  /** The C peer's header: stamp 1700000000.123456789, frame "cam". */
  static final Stamp PEER_STAMP = new Stamp(1_700_000_000L, 123_456_789);
  static Path peer;
  static RosBridge bridge;

  @BeforeAll
  static void setUp() throws Exception {
    peer = NativePeers.cyclonePeer();
    bridge = RosBridge.open(RosBridgeConfig.loopback(DOMAIN));
  }

  @AfterAll
  static void tearDown() {
    if (bridge != null) bridge.close();
  }

  @Test
  void everyTypeRoundTripsThroughC() throws Exception {
    for (Map.Entry<MessageType<?>, Object> e : Samples.byType().entrySet()) {
      String name = e.getKey().rosName().substring(e.getKey().rosName().lastIndexOf('/') + 1);
      assertEquals(e.getValue(), echo(name, e.getKey(), e.getValue()), name + " changed on its way through C");
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T echo(String name, MessageType<T> type, Object value) throws Exception {
    BlockingQueue<T> back = new LinkedBlockingQueue<>();
    try (Subscription _ = bridge.subscribe("/echo/out_" + name, type, QosProfile.RELIABLE, back::add);
         Publisher<T> p = bridge.publisher("/echo/in_" + name, type, QosProfile.RELIABLE);
         PeerProcess c = PeerProcess.start(peer, "echo", DOMAIN, name, "rt/echo/in_" + name, "rt/echo/out_" + name)) {
      c.awaitLine("READY", WAIT);
      assertTrue(p.awaitSubscribers(1, WAIT), "C reader did not match");
      assertTrue(p.publish((T) value));
      c.awaitLine("ECHO", WAIT);
      T got = back.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(got != null, "no echo of " + name);
      return got;
    }
  }

  @Test
  void cSubscriberSeesEveryDetectionField() throws Exception {
    Detection2DArray sent = Samples.detections(50);
    try (StreamPublisher front = bridge.stream("front");
         PeerProcess c = PeerProcess.start(peer, "dump", DOMAIN, "Detection2DArray", "rt/glimpse/front/detections", 1)) {
      c.awaitLine("READY", WAIT);
      assertTrue(front.detections().awaitSubscribers(1, WAIT));
      assertTrue(front.detections().publish(sent));
      PeerJson.assertDetections(sent, PeerJson.parse(c.await(l -> l.startsWith("{"), WAIT)));
    }
  }

  @Test
  void lateCSubscriberGetsTheLatchedLabelInfo() throws Exception {
    try (StreamPublisher rear = bridge.stream("rear")) {
      assertTrue(rear.publishLabels(Samples.STAMP, "rear_optical", List.of("person", "red cone"), 0.4f));
      try (PeerProcess c = PeerProcess.start(peer, "dump", DOMAIN, "LabelInfo", "rt/glimpse/rear/label_info", 1,
          "latched")) {
        PeerJson.assertLabels(DetectionMapping.labelInfo(new dev.glimpse.ros.msg.Header(Samples.STAMP, "rear_optical"),
            List.of("person", "red cone"), 0.4f), PeerJson.parse(c.await(l -> l.startsWith("{"), WAIT)));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"rgb8, 3, 8", "bgr8, 3, 0", "mono8, 1, 5"})
  void rawImagesFromCArrive(String encoding, int channels, int padding) throws Exception {
    int w = 17;
    int h = 9;
    int step = w * channels + padding;
    RosImage f = firstFrame("/cam/" + encoding, false, "pub-image", DOMAIN, "rt/cam/" + encoding, w, h, encoding, step,
        step * h, 200);
    assertEquals(PEER_STAMP, f.stamp());
    assertEquals("cam", f.frameId());
    assertEquals(RosImage.Encoding.of(encoding), f.encoding());
    assertEquals(w, f.width());
    assertEquals(h, f.height());
    byte[] want = new byte[w * h * channels];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w * channels; x++) want[y * w * channels + x] = (byte) ((y * step + x) * 7 + 3);
    }
    assertArrayEquals(want, f.pixels());
  }

  @ParameterizedTest
  @CsvSource({"png, TYPE_3BYTE_BGR", "jpeg, TYPE_3BYTE_BGR", "png, TYPE_BYTE_GRAY"})
  void compressedImagesFromCArriveDecoded(String format, String type) throws Exception {
    Path file = TestImages.write(format, type.equals("TYPE_BYTE_GRAY"));
    RosImage f = firstFrame("/cam/" + format + "_" + type, true, "pub-compressed", DOMAIN,
        "rt/cam/" + format + "_" + type, format, file, 200);
    assertEquals(PEER_STAMP, f.stamp());
    BufferedImage reference = ImageIO.read(file.toFile());
    TestImages.assertPixels(reference, f);
  }

  @Test
  void queriesFromCArrive() throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    try (Subscription _ = bridge.subscribeQueries(got::add);
         PeerProcess _ = PeerProcess.start(peer, "pub-string", DOMAIN, "rt/glimpse/query", "point to all red cone", 5)) {
      String q = got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals("point to all red cone", q);
    }
  }

  @Test
  void malformedImagesFromCAreDroppedAndCounted() throws Exception {
    BlockingQueue<RosImage> frames = new LinkedBlockingQueue<>();
    long before = bridge.counters().malformed();
    Path garbage = NativePeers.OUT.resolve("garbage.jpg");
    Files.write(garbage, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0x00, 1, 2, 3, 4, 5});
    try (Subscription _ = bridge.subscribeImages("/bad/raw", frames::add);
         Subscription _ = bridge.subscribeCompressedImages("/bad/jpeg", frames::add)) {
      try (PeerProcess _ = PeerProcess.start(peer, "pub-image", DOMAIN, "rt/bad/raw", 10, 10, "rgb8", 30, 299, 100)) {
        Await.until(() -> bridge.counters().malformed() > before, WAIT, "a short raw image counted as malformed");
      }
      long afterRaw = bridge.counters().malformed();
      try (PeerProcess _ = PeerProcess.start(peer, "pub-compressed", DOMAIN, "rt/bad/jpeg", "jpeg", garbage, 100)) {
        Await.until(() -> bridge.counters().malformed() > afterRaw, WAIT, "a corrupt JPEG counted as malformed");
      }
      assertTrue(frames.isEmpty(), "a malformed image reached the callback");
    }
  }

  /** Subscribes, starts the C publisher, and returns the first frame that arrives. */
  private static RosImage firstFrame(String topic, boolean compressed, Object... peerArgs) throws Exception {
    BlockingQueue<RosImage> frames = new LinkedBlockingQueue<>();
    try (Subscription _ = compressed ? bridge.subscribeCompressedImages(topic, frames::add)
        : bridge.subscribeImages(topic, frames::add); PeerProcess _ = PeerProcess.start(peer, peerArgs)) {
      RosImage f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(f != null, "no frame on " + topic);
      return f;
    }
  }
}
