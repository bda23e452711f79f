package dev.glimpse.agent.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small hand-made manifests written into a test's temporary directory. */
public final class EvalTestData {
  public static final Path SMOKE_MODEL =
      Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvalTestData() {}

  /** A query of a manifest; gt / ignored objects as built by {@link #obj}. */
  public static ObjectNode query(String text, String task, String target, List<ObjectNode> gt, List<ObjectNode> ignored) {
    ObjectNode q = JSON.createObjectNode().put("text", text).put("task", task).put("target", target);
    gt.forEach(q.putArray("gt")::add);
    ignored.forEach(q.putArray("ignored")::add);
    return q;
  }

  /** A ground-truth object: visible box, point, class, occlusion. */
  public static ObjectNode obj(int[] box, int[] point, String cls, double occlusion) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode b = o.putArray("box");
    for (int v : box) b.add(v);
    ArrayNode p = o.putArray("point");
    for (int v : point) p.add(v);
    return o.put("class", cls).put("color", "red").put("occlusion", occlusion);
  }

  /**
   * Writes {@code dir/manifest.json} with one scene per entry of {@code queriesPerScene} and a seeded random RGB
   * PNG of width × height per scene (its rgb_sha256 computed as the engine reads it).
   */
  public static Path write(Path dir, int width, int height, long seed, List<List<ObjectNode>> queriesPerScene)
      throws IOException {
    Files.createDirectories(dir.resolve("images"));
    ObjectNode root = JSON.createObjectNode().put("format", EvalManifest.FORMAT).put("frame_tag", 0);
    ArrayNode scenes = root.putArray("scenes");
    Random rnd = new Random(seed);
    for (int s = 0; s < queriesPerScene.size(); s++) {
      BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      byte[] rgb = new byte[width * height * 3];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int c = rnd.nextInt(1 << 24);
          img.setRGB(x, y, c);
          int i = 3 * (y * width + x);
          rgb[i] = (byte) (c >> 16);
          rgb[i + 1] = (byte) (c >> 8);
          rgb[i + 2] = (byte) c;
        }
      }
      String name = "images/%04d.png".formatted(s);
      ImageIO.write(img, "png", dir.resolve(name).toFile());
      ObjectNode sc = scenes.addObject().put("id", s).put("image", name).put("width", width).put("height", height)
          .put("rgb_sha256", sha256(rgb));
      queriesPerScene.get(s).forEach(sc.putArray("queries")::add);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), root);
    return dir;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
