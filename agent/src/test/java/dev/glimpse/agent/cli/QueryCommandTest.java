package dev.glimpse.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code glimpse query --json} prints the contract; bad input is one clear usage error. */
class QueryCommandTest {
  static final Path SMOKE = Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  @TempDir Path tmp;

  String[] run(String... args) {
    CommandLine cl = GlimpseCli.newCommandLine();
    StringWriter out = new StringWriter(), err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void jsonHoldsTheAnswerDetectionsInImagePixelsAndTheKvSize() throws Exception {
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(3);
    for (int y = 0; y < 200; y++) for (int x = 0; x < 320; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
    Path png = tmp.resolve("img.png");
    ImageIO.write(img, "png", png.toFile());
    String[] r = run("query", "--model", SMOKE.toString(), "--image", png.toString(), "--text", "Box all  objects", "--json",
        "--max-tokens", "60");
    assertEquals("0", r[0], r[2]);
    JsonNode j = new ObjectMapper().readTree(r[1]);
    assertTrue(j.get("answer").asText().startsWith("<|ref|>objects<|/ref|><|box|>["), j.toString());
    for (JsonNode d : j.get("detections")) {
      assertEquals("objects", d.get("label").asText());
      assertTrue(d.get("point").isNull());
      JsonNode b = d.get("box");
      assertTrue(b.get(0).asDouble() >= 0 && b.get(2).asDouble() <= 320 && b.get(3).asDouble() <= 200, "pixels: " + b);
      assertTrue(d.get("score").asDouble() >= 0 && d.get("score").asDouble() <= 1);
    }
    assertTrue(j.get("kv").get("rows_per_layer").asInt() > 0 && j.get("kv").get("bytes").asLong() > 0, j.toString());
  }

  @Test
  void unknownQueriesAndMissingImagesAreUsageErrors() {
    String[] r = run("query", "--model", SMOKE.toString(), "--image", tmp.resolve("none.png").toString(), "--text", "box all person");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("no such file"), r[2]);
    String[] m = run("query", "--model", tmp.toString(), "--image", tmp.resolve("none.png").toString(), "--text", "x");
    assertEquals("2", m[0], "the image is checked first");
  }
}
