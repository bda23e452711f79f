package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.RosConfig;
import dev.glimpse.ros.cdr.MalformedSampleException;
import dev.glimpse.ros.msg.CompressedImage;
import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.DiagnosticArray.DiagnosticStatus;
import dev.glimpse.ros.msg.DiagnosticArray.Level;
import dev.glimpse.ros.msg.Image;
import dev.glimpse.ros.msg.Samples;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Point;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Glimpse values → ROS messages, images → frames, names, and configuration; no DDS involved. */
class MappingTest {

  @Test
  void detectionsKeepTheSourceHeaderAndSkipEarlierFrames() {
    Detection box = Detection.ofBox("person", new Box(0, 10, 20, 50), 0.8);
    Detection point = Detection.ofPoint("cone", new Point(5, 6), 0.4);
    Detection earlier = new Detection("person", new Box(1, 1, 2, 2), null, 0.9, -3);
    Detections d = new Detections("front", 4, Samples.STAMP, "front_optical", 640, 480, List.of(box, point, earlier));
    Detection2DArray m = DetectionMapping.fromDetections(d);
    assertEquals(Samples.STAMP, m.header().stamp());
    assertEquals(2, m.detections().size());
    Detection2DArray.Detection2D first = m.detections().getFirst();
    assertEquals(m.header(), first.header());
    assertEquals(new Detection2DArray.BoundingBox2D(10, 30, 0, 20, 40), first.bbox());
    assertEquals("person", first.results().getFirst().classId());
    assertEquals(0.8, first.results().getFirst().score());
    assertEquals(1.0, first.results().getFirst().pose().qw(), "identity orientation, the message default");
    assertEquals("", first.id());
    assertEquals(new Detection2DArray.BoundingBox2D(5, 6, 0, 0, 0), m.detections().get(1).bbox());
  }

  @Test
  void labelInfoNumbersTheLabelsInOrder() {
    var m = DetectionMapping.labelInfo(Samples.HEADER, List.of("a", "b", "c"), 0.5f);
    assertEquals(List.of(0, 1, 2), m.classMap().stream().map(c -> c.classId()).toList());
    assertEquals("c", m.classMap().get(2).className());
  }

  @Test
  void diagnosticsKeepTheCallersRowsInOrderAndTheBridgeWarnsOnTrouble() {
    Map<String, String> kv = new LinkedHashMap<>();
    kv.put("fps", "29.9");
    kv.put("reconnects", "2");
    kv.put("drops", "0");
    DiagnosticStatus s = DiagnosticsMapping.status("glimpse: front", Level.OK, "ok", "cam0", kv);
    assertEquals(List.of("fps", "reconnects", "drops"), s.values().stream().map(v -> v.key()).toList());
    var clean = DiagnosticsMapping.bridgeStatus("glimpse", "libddsc.so", new dev.glimpse.ros.dds.DdsCounters());
    assertEquals(Level.OK, clean.level());
    assertTrue(clean.values().stream().anyMatch(v -> v.key().equals("dropped_malformed") && v.value().equals("0")));
  }

  @Test
  void rawImagesLoseTheirRowPaddingAndKeepTheirPixels() throws MalformedSampleException {
    Image padded = Samples.image(4, 3, "rgb8", 3, 5);
    RosImage f = ImageDecoding.fromImage(padded);
    assertEquals(36, f.pixels().length);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 12; x++) assertEquals(padded.data()[y * 17 + x], f.pixels()[y * 12 + x]);
    }
    Image packed = Samples.image(4, 3, "mono8", 1, 0);
    assertArrayEquals(packed.data(), ImageDecoding.fromImage(packed).pixels());
  }

  @Test
  void invalidRawImagesAreMalformed() {
    assertThrows(MalformedSampleException.class, () -> ImageDecoding.fromImage(
        new Image(Samples.HEADER, 2, 2, "rgb8", 0, 5, new byte[12])));       // step < width * 3
    assertThrows(MalformedSampleException.class, () -> ImageDecoding.fromImage(
        new Image(Samples.HEADER, 0, 2, "rgb8", 0, 6, new byte[0])));        // empty
    assertThrows(MalformedSampleException.class, () -> ImageDecoding.fromImage(
        new Image(Samples.HEADER, 100_000, 100_000, "mono8", 0, 100_000, new byte[10]))); // too large
    assertThrows(MalformedSampleException.class, () -> ImageDecoding.fromImage(
        new Image(Samples.HEADER, 2, 2, "16UC1", 0, 4, new byte[8])));       // unsupported
  }

  @Test
  void compressedPngWithAlphaBecomesBgr8() throws Exception {
    BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0xff_10_20_30);
    argb.setRGB(2, 1, 0xff_ff_00_80);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(argb, "png", png);
    RosImage f = ImageDecoding.fromCompressed(new CompressedImage(Samples.HEADER, "bgr8; png compressed bgr8",
        png.toByteArray()));
    assertEquals(RosImage.Encoding.BGR8, f.encoding());
    assertArrayEquals(new byte[] {0x30, 0x20, 0x10}, java.util.Arrays.copyOfRange(f.pixels(), 0, 3));
    assertArrayEquals(new byte[] {(byte) 0x80, 0, (byte) 0xff}, java.util.Arrays.copyOfRange(f.pixels(), 15, 18));
    assertThrows(MalformedSampleException.class,
        () -> ImageDecoding.fromCompressed(new CompressedImage(Samples.HEADER, "tiff", png.toByteArray())));
  }

  @Test
  void topicNamesResolveInTheNamespaceAndMapToDds() {
    RosBridgeConfig c = RosBridgeConfig.defaults().withNamespace("/robot1");
    assertEquals("/robot1/glimpse/front/detections", c.detectionsTopic("front"));
    assertEquals("/robot1/glimpse/query", c.queryTopic());
    assertEquals("/diagnostics", c.diagnosticsTopic());
    assertEquals("rt/robot1/glimpse/front/label_info", RosBridgeConfig.ddsTopicName(c.labelInfoTopic("front")));
    assertThrows(IllegalArgumentException.class, () -> RosBridgeConfig.ddsTopicName("relative/name"));
  }

  @Test
  void configReportsEveryProblemAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RosBridgeConfig(300, "robot1",
        "9bad", RosBridgeConfig.defaults().topics(), RosBridgeConfig.defaults().qos(), Optional.of(" "),
        Optional.empty()));
    for (String key : List.of("domain_id", "namespace", "node_name", "cyclone_config")) {
      assertTrue(e.getMessage().contains(key), e.getMessage());
    }
    RosBridgeConfig fromAgent = RosBridgeConfig.from(RosConfig.defaults());
    assertEquals(0, fromAgent.domainId());
    assertEquals(Optional.empty(), fromAgent.cycloneConfig());
  }

  @Test
  void libraryCandidatesPreferConfigThenEnvThenRosThenDebian() {
    assertEquals(List.of("/x/libddsc.so"), LibraryLocator.candidates(Optional.of("/x/libddsc.so"), Map.of()));
    assertEquals(List.of("/y.so"), LibraryLocator.candidates(Optional.empty(), Map.of(LibraryLocator.ENV, "/y.so")));
    List<String> ros = LibraryLocator.candidates(Optional.empty(), Map.of("ROS_DISTRO", "jazzy"));
    assertEquals("/opt/ros/jazzy/lib/" + LibraryLocator.multiarch() + "/libddsc.so.0", ros.getFirst());
    assertEquals(List.of("libddsc.so.0", "libddsc.so.0debian", "libddsc.so"),
        LibraryLocator.candidates(Optional.empty(), Map.of()));
  }
}
