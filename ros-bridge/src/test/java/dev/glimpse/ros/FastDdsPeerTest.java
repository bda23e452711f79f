package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.Samples;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Java ↔ a Fast DDS 2.9 C++ program built here from the IDL (fastddsgen + g++): the second DDS implementation that
 * ROS 2 ships (rmw_fastrtps), over UDP on loopback. It checks every Detection2DArray field and publishes images and
 * queries that arrive in Java.
 */
class FastDdsPeerTest {
  static final int DOMAIN = 43;
  static final Duration WAIT = Duration.ofSeconds(20);
  static Path peer;
  static RosBridge bridge;

  @BeforeAll
  static void setUp() throws Exception {
    peer = NativePeers.fastddsPeer();
    bridge = RosBridge.open(RosBridgeConfig.loopback(DOMAIN));
  }

  @AfterAll
  static void tearDown() {
    if (bridge != null) bridge.close();
  }

  @Test
  void fastDdsSubscriberSeesEveryDetectionField() throws Exception {
    Detection2DArray sent = Samples.detections(5);
    try (StreamPublisher front = bridge.stream("front");
         PeerProcess f = PeerProcess.start(peer, "dump", DOMAIN, "rt/glimpse/front/detections", 1)) {
      f.awaitLine("READY", WAIT);
      assertTrue(front.detections().awaitSubscribers(1, WAIT), "Fast DDS reader did not match");
      assertTrue(front.detections().publish(sent));
      PeerJson.assertDetections(sent, PeerJson.parse(f.await(l -> l.startsWith("{"), WAIT)));
    }
  }

  @Test
  void rawImageFromFastDdsArrives() throws Exception {
    int w = 12;
    int h = 5;
    int step = w * 3 + 4;
    RosImage img = firstFrame("/fast/image_raw", false, "pub-image", DOMAIN, "rt/fast/image_raw", w, h, "rgb8", step,
        step * h, 200);
    assertEquals(CyclonePeerTest.PEER_STAMP, img.stamp());
    assertEquals("cam", img.frameId());
    byte[] want = new byte[w * h * 3];
    for (int y = 0; y < h; y++) for (int x = 0; x < w * 3; x++) want[y * w * 3 + x] = (byte) ((y * step + x) * 7 + 3);
    assertArrayEquals(want, img.pixels());
  }

  @Test
  void compressedImageFromFastDdsArrivesDecoded() throws Exception {
    Path file = TestImages.write("png", false);
    RosImage img = firstFrame("/fast/compressed", true, "pub-compressed", DOMAIN, "rt/fast/compressed", "png", file, 200);
    BufferedImage reference = ImageIO.read(file.toFile());
    TestImages.assertPixels(reference, img);
  }

  @Test
  void queriesFromFastDdsArrive() throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    try (Subscription _ = bridge.subscribeQueries(got::add);
         PeerProcess _ = PeerProcess.start(peer, "pub-string", DOMAIN, "rt/glimpse/query", "box all forklift", 5)) {
      assertEquals("box all forklift", got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  private static RosImage firstFrame(String topic, boolean compressed, Object... peerArgs) throws Exception {
    BlockingQueue<RosImage> frames = new LinkedBlockingQueue<>();
    try (Subscription _ = compressed ? bridge.subscribeCompressedImages(topic, frames::add)
        : bridge.subscribeImages(topic, frames::add); PeerProcess _ = PeerProcess.start(peer, peerArgs)) {
      RosImage img = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(img != null, "no frame on " + topic);
      return img;
    }
  }
}
