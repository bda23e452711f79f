package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.Detection2DArray.Detection2D;
import dev.glimpse.ros.msg.Header;
import dev.glimpse.ros.msg.LabelInfo;
import dev.glimpse.ros.msg.ObjectHypothesisWithPose;
import java.io.IOException;

/** Compares what a native peer printed (JSON, doubles as %.17g so they round-trip exactly) with what we sent. */
final class PeerJson {
  private PeerJson() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode parse(String line) throws IOException {
    return JSON.readTree(line);
  }

  static void assertHeader(Header want, JsonNode got, String where) {
    assertEquals(want.stamp().sec(), got.get("sec").asLong(), where + ".stamp.sec");
    assertEquals(want.stamp().nanosec(), got.get("nanosec").asLong(), where + ".stamp.nanosec");
    assertEquals(want.frameId(), got.get("frame_id").asText(), where + ".frame_id");
  }

  /** Every field of every detection, result, pose, covariance entry and box. */
  static void assertDetections(Detection2DArray want, JsonNode got) {
    assertHeader(want.header(), got.get("header"), "header");
    assertEquals(want.detections().size(), got.get("detections").size(), "detections.size");
    for (int i = 0; i < want.detections().size(); i++) {
      Detection2D d = want.detections().get(i);
      JsonNode g = got.get("detections").get(i);
      String at = "detections[" + i + "]";
      assertHeader(d.header(), g.get("header"), at + ".header");
      assertEquals(d.results().size(), g.get("results").size(), at + ".results.size");
      for (int k = 0; k < d.results().size(); k++) {
        ObjectHypothesisWithPose r = d.results().get(k);
        JsonNode gr = g.get("results").get(k);
        String rat = at + ".results[" + k + "]";
        assertEquals(r.classId(), gr.get("class_id").asText(), rat + ".hypothesis.class_id");
        assertEquals(r.score(), gr.get("score").asDouble(), rat + ".hypothesis.score");
        ObjectHypothesisWithPose.Pose p = r.pose();
        double[] pose = {p.x(), p.y(), p.z(), p.qx(), p.qy(), p.qz(), p.qw()};
        for (int j = 0; j < 7; j++) assertEquals(pose[j], gr.get("pose").get(j).asDouble(), rat + ".pose[" + j + "]");
        double[] cov = r.covariance();
        assertEquals(36, gr.get("covariance").size());
        for (int j = 0; j < 36; j++) {
          assertEquals(cov[j], gr.get("covariance").get(j).asDouble(), rat + ".pose.covariance[" + j + "]");
        }
      }
      Detection2DArray.BoundingBox2D b = d.bbox();
      double[] box = {b.centerX(), b.centerY(), b.theta(), b.sizeX(), b.sizeY()};
      for (int j = 0; j < 5; j++) assertEquals(box[j], g.get("bbox").get(j).asDouble(), at + ".bbox[" + j + "]");
      assertEquals(d.id(), g.get("id").asText(), at + ".id");
    }
  }

  static void assertLabels(LabelInfo want, JsonNode got) {
    assertHeader(want.header(), got.get("header"), "header");
    assertEquals(want.classMap().size(), got.get("class_map").size());
    for (int i = 0; i < want.classMap().size(); i++) {
      assertEquals(want.classMap().get(i).classId(), got.get("class_map").get(i).get("class_id").asInt());
      assertEquals(want.classMap().get(i).className(), got.get("class_map").get(i).get("class_name").asText());
    }
    assertEquals(want.threshold(), (float) got.get("threshold").asDouble());
  }
}
