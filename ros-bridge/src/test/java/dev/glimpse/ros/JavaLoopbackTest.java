package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.QosProfile;
import dev.glimpse.ros.dds.DdsException;
import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.DiagnosticArray;
import dev.glimpse.ros.msg.Image;
import dev.glimpse.ros.msg.LabelInfo;
import dev.glimpse.ros.msg.MessageType;
import dev.glimpse.ros.msg.RosTypes;
import dev.glimpse.ros.msg.Samples;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Point;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two bridges in one JVM on a private loopback domain: every type across DDS, QoS reporting, bad samples. */
class JavaLoopbackTest {
  static final int DOMAIN = 41;
  static final Duration WAIT = Duration.ofSeconds(10);
  static RosBridge pub;
  static RosBridge sub;

  @BeforeAll
  static void open() {
    pub = RosBridge.open(RosBridgeConfig.loopback(DOMAIN));
    sub = RosBridge.open(RosBridgeConfig.loopback(DOMAIN).withNamespace("/"));
  }

  @AfterAll
  static void close() {
    if (sub != null) sub.close();
    if (pub != null) pub.close();
  }

  @Test
  void everyTypeCrossesDdsUnchanged() throws Exception {
    for (Map.Entry<MessageType<?>, Object> e : Samples.byType().entrySet()) {
      String topic = "/loopback/" + e.getKey().rosName().replace('/', '_');
      assertEquals(e.getValue(), sendAndReceive(topic, e.getKey(), e.getValue()), e.getKey().rosName());
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T sendAndReceive(String topic, MessageType<T> type, Object value) throws Exception {
    BlockingQueue<T> got = new LinkedBlockingQueue<>();
    try (Subscription _ = sub.subscribe(topic, type, QosProfile.RELIABLE, got::add);
         Publisher<T> p = pub.publisher(topic, type, QosProfile.RELIABLE)) {
      assertTrue(p.awaitSubscribers(1, WAIT), "no match on " + topic);
      assertTrue(p.publish((T) value));
      T m = got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(m != null, "nothing received on " + topic);
      return m;
    }
  }

  @Test
  void tracksArePublishedWithTheSourceHeaderAndTrackIds() throws Exception {
    BlockingQueue<Detection2DArray> got = new LinkedBlockingQueue<>();
    try (Subscription _ = sub.subscribe("/glimpse/front/detections", RosTypes.DETECTION2D_ARRAY,
        QosProfile.RELIABLE, got::add); StreamPublisher front = pub.stream("front")) {
      assertTrue(front.detections().awaitSubscribers(1, WAIT));
      Detections source = new Detections("front", 12, Samples.STAMP, "front_optical", 756, 756, List.of());
      Track box = new Track(7, "person", new Box(10, 20, 50, 100), null, 0.9, 0, 0, 3, TrackState.TRACKED);
      Track point = new Track(8, "red cone", null, new Point(300, 400), 0.6, 0, 0, 1, TrackState.TRACKED);
      assertTrue(front.publishTracks(source, List.of(box, point)));
      Detection2DArray m = got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(m != null);
      assertEquals(Samples.STAMP, m.header().stamp());
      assertEquals("front_optical", m.header().frameId());
      assertEquals(List.of("7", "8"), m.detections().stream().map(Detection2DArray.Detection2D::id).toList());
      Detection2DArray.BoundingBox2D b = m.detections().getFirst().bbox();
      assertEquals(List.of(30.0, 60.0, 40.0, 80.0), List.of(b.centerX(), b.centerY(), b.sizeX(), b.sizeY()));
      assertEquals(new Detection2DArray.BoundingBox2D(300, 400, 0, 0, 0), m.detections().get(1).bbox());
      assertEquals("red cone", m.detections().get(1).results().getFirst().classId());
      assertEquals(0.6, m.detections().get(1).results().getFirst().score());
    }
  }

  @Test
  void labelInfoIsLatchedForLateSubscribers() throws Exception {
    try (StreamPublisher rear = pub.stream("rear")) {
      assertTrue(rear.publishLabels(Samples.STAMP, "rear_optical", List.of("person", "forklift"), 0.3f));
      BlockingQueue<LabelInfo> got = new LinkedBlockingQueue<>();
      try (Subscription _ = sub.subscribe("/glimpse/rear/label_info", RosTypes.LABEL_INFO, QosProfile.LATCHED,
          got::add)) {
        LabelInfo m = got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(m != null, "late subscriber got no label info");
        assertEquals(List.of("person", "forklift"), m.classMap().stream().map(LabelInfo.VisionClass::className).toList());
        assertEquals(0.3f, m.threshold());
      }
    }
  }

  @Test
  void diagnosticsCarryTheCallersRowsAndTheBridgesOwn() throws Exception {
    BlockingQueue<DiagnosticArray> got = new LinkedBlockingQueue<>();
    try (Subscription _ = sub.subscribe("/diagnostics", RosTypes.DIAGNOSTIC_ARRAY, QosProfile.RELIABLE, got::add)) {
      DiagnosticArray.DiagnosticStatus front = DiagnosticsMapping.status("glimpse: front", DiagnosticArray.Level.OK,
          "30 fps", "cam0", Map.of("fps", "30.0"));
      Await.until(() -> {
        pub.publishDiagnostics(Samples.STAMP, List.of(front)); // periodic, like diagnostic_updater
        return !got.isEmpty();
      }, WAIT, "diagnostics");
      DiagnosticArray m = got.take();
      assertEquals(Samples.STAMP, m.header().stamp());
      assertEquals(front, m.status().getFirst());
      assertEquals(DiagnosticsMapping.BRIDGE_STATUS, m.status().get(1).name());
      assertTrue(m.status().get(1).values().stream().anyMatch(kv -> kv.key().equals("samples_written")));
    }
  }

  @Test
  void incompatibleQosIsCountedOnBothSides() throws Exception {
    long offered = pub.counters().offeredIncompatibleQos();
    long requested = sub.counters().requestedIncompatibleQos();
    QosProfile bestEffort = new QosProfile(QosProfile.Reliability.BEST_EFFORT, QosProfile.Durability.VOLATILE,
        QosProfile.History.KEEP_LAST, 5);
    try (Publisher<String> p = pub.publisher("/qos_mismatch", RosTypes.STRING, bestEffort);
         Subscription _ = sub.subscribe("/qos_mismatch", RosTypes.STRING, QosProfile.RELIABLE, m -> { })) {
      Await.until(() -> pub.counters().offeredIncompatibleQos() > offered, WAIT, "offered-incompatible QoS");
      Await.until(() -> sub.counters().requestedIncompatibleQos() > requested, WAIT, "requested-incompatible QoS");
      assertEquals(0, p.subscribers());
    }
  }

  @Test
  void openingFailsWithTheReason() {
    DdsException noLib = assertThrows(DdsException.class,
        () -> RosBridge.open(RosBridgeConfig.loopback(DOMAIN).withLibrary("/nonexistent/libddsc.so")));
    assertTrue(noLib.getMessage().contains("/nonexistent/libddsc.so"), noLib.getMessage());
    DdsException badXml = assertThrows(DdsException.class,
        () -> RosBridge.open(RosBridgeConfig.loopback(44).withCycloneConfig("<CycloneDDS><Bogus/></CycloneDDS>")));
    assertTrue(badXml.getMessage().contains("dds_create_domain(44)"), badXml.getMessage());
  }

  @Test
  void badImagesAreDroppedAndCountedAndGoodOnesStillArrive() throws Exception {
    BlockingQueue<RosImage> frames = new LinkedBlockingQueue<>();
    long malformed = sub.counters().malformed();
    try (Subscription _ = sub.subscribeImages("/camera/image_raw", frames::add);
         Publisher<Image> p = pub.publisher("/camera/image_raw", RosTypes.IMAGE, QosProfile.RELIABLE)) {
      assertTrue(p.awaitSubscribers(1, WAIT));
      Image good = Samples.image(4, 3, "bgr8", 3, 0);
      Image shortData = new Image(Samples.HEADER, 3, 4, "bgr8", 0, 12, new byte[35]);
      Image unsupported = new Image(Samples.HEADER, 3, 4, "rgba16", 0, 32, new byte[96]);
      assertTrue(p.publish(shortData) && p.publish(unsupported) && p.publish(good));
      RosImage f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(f != null);
      assertEquals(RosImage.Encoding.BGR8, f.encoding());
      assertEquals(4, f.width());
      assertEquals(2, sub.counters().malformed() - malformed);
      assertTrue(frames.isEmpty());
    }
  }
}
