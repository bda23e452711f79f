package dev.glimpse.agent.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A held-out evaluation set written by {@code python3 -m training.eval_manifest}: {@code DIR/manifest.json} and the
 * PNG images it names. Per scene one image and its queries; per query the ground truth that the metrics of
 * docs/model.md §8.4 need (training/evaluate.py {@code score}). Reading validates everything and reports every
 * problem at once.
 *
 * @param dir      the manifest's directory (images are resolved against it)
 * @param frameTag the frame TAG the answers were computed with (a fresh engine context gives its frame 0)
 * @param scenes   in file order
 */
public record EvalManifest(Path dir, int frameTag, List<Scene> scenes) {
  public static final String FORMAT = "glimpse-eval-manifest-1";
  static final Set<String> TASKS = Set.of("box", "point", "count");
  private static final int MAX_LISTED = 20;

  public EvalManifest {
    scenes = List.copyOf(scenes);
  }

  /** One image and the queries asked about it. {@code rgbSha256}: SHA-256 of the packed RGB [H, W, 3] pixels. */
  public record Scene(int id, Path image, int width, int height, String rgbSha256, List<Item> queries) {
    public Scene {
      queries = List.copyOf(queries);
    }
  }

  /**
   * One query and its ground truth: {@code gt} = listable objects matching the target (empty for an absent target),
   * {@code ignored} = matching objects too little visible to be required or penalised.
   */
  public record Item(String text, String task, String target, List<GtObject> gt, List<GtObject> ignored) {
    public Item {
      gt = List.copyOf(gt);
      ignored = List.copyOf(ignored);
    }
  }

  /** An object in image pixels: visible box [x1, y1, x2, y2], visible point [x, y], class and occlusion 0..1. */
  public record GtObject(double[] box, double[] point, String cls, double occlusion) {}

  /** The manifest is not usable; {@link #problems()} lists every problem found. */
  public static final class InvalidManifestException extends IOException {
    private final List<String> problems;

    InvalidManifestException(Path file, List<String> problems) {
      super(file + " is not a usable eval manifest (write one with python3 -m training.eval_manifest): "
          + String.join("; ", problems.size() > MAX_LISTED ? problems.subList(0, MAX_LISTED) : problems)
          + (problems.size() > MAX_LISTED ? "; ... and " + (problems.size() - MAX_LISTED) + " more" : ""));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() { return problems; }
  }

  /** Number of queries over all scenes. */
  public int queryCount() { return scenes.stream().mapToInt(s -> s.queries().size()).sum(); }

  /** Reads and validates {@code dir/manifest.json}; image files must exist (their pixels are checked when read). */
  public static EvalManifest read(Path dir) throws IOException {
    Path file = dir.resolve("manifest.json");
    if (!Files.isRegularFile(file)) {
      throw new InvalidManifestException(file, List.of("no such file"));
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new InvalidManifestException(file, List.of("not JSON: " + e.getOriginalMessage()));
    }
    List<String> problems = new ArrayList<>();
    if (!FORMAT.equals(root.path("format").asText(null))) {
      problems.add("format: expected \"" + FORMAT + "\", got " + root.path("format"));
    }
    int tag = root.path("frame_tag").isInt() ? root.path("frame_tag").asInt() : -1;
    if (tag < 0 || tag > 999) problems.add("frame_tag: expected an integer 0..999, got " + root.path("frame_tag"));
    JsonNode arr = root.path("scenes");
    if (!arr.isArray() || arr.isEmpty()) problems.add("scenes: expected a non-empty array");
    List<Scene> scenes = new ArrayList<>();
    for (int s = 0; s < arr.size(); s++) {
      Scene scene = scene(dir, arr.get(s), "scenes[" + s + "]", problems);
      if (scene != null) scenes.add(scene);
    }
    if (!problems.isEmpty()) throw new InvalidManifestException(file, problems);
    return new EvalManifest(dir, tag, scenes);
  }

  private static Scene scene(Path dir, JsonNode n, String at, List<String> problems) {
    int before = problems.size();
    String image = n.path("image").asText("");
    Path path = dir.resolve(image).normalize();
    if (image.isEmpty() || Path.of(image).isAbsolute() || !path.startsWith(dir.normalize())) {
      problems.add(at + ".image: expected a relative path inside the manifest's directory, got " + n.path("image"));
    } else if (!Files.isRegularFile(path)) {
      problems.add(at + ".image: no such file " + path);
    }
    int w = positiveInt(n.path("width"), at + ".width", problems), h = positiveInt(n.path("height"), at + ".height", problems);
    String sha = n.path("rgb_sha256").asText("");
    if (!sha.matches("[0-9a-f]{64}")) problems.add(at + ".rgb_sha256: expected 64 lower-case hex digits");
    JsonNode qs = n.path("queries");
    if (!qs.isArray() || qs.isEmpty()) problems.add(at + ".queries: expected a non-empty array");
    List<Item> items = new ArrayList<>();
    for (int q = 0; q < qs.size(); q++) {
      String qa = at + ".queries[" + q + "]";
      JsonNode qn = qs.get(q);
      String task = qn.path("task").asText("");
      if (!TASKS.contains(task)) problems.add(qa + ".task: expected box, point or count, got " + qn.path("task"));
      String text = qn.path("text").asText(""), target = qn.path("target").asText("");
      if (text.isBlank() || target.isBlank()) problems.add(qa + ": text and target must be non-empty strings");
      items.add(new Item(text, task, target, objects(qn.path("gt"), qa + ".gt", true, problems),
          objects(qn.path("ignored"), qa + ".ignored", false, problems)));
    }
    return problems.size() == before ? new Scene(n.path("id").asInt(), path, w, h, sha, items) : null;
  }

  private static List<GtObject> objects(JsonNode arr, String at, boolean full, List<String> problems) {
    List<GtObject> out = new ArrayList<>();
    if (!arr.isArray()) {
      problems.add(at + ": expected an array");
      return out;
    }
    for (int i = 0; i < arr.size(); i++) {
      JsonNode o = arr.get(i);
      String oa = at + "[" + i + "]";
      double[] box = numbers(o.path("box"), 4, oa + ".box", problems);
      if (box != null && (box[2] < box[0] || box[3] < box[1])) problems.add(oa + ".box: expected x1 <= x2 and y1 <= y2");
      double[] point = full ? numbers(o.path("point"), 2, oa + ".point", problems) : null;
      String cls = o.path("class").asText("");
      if (full && cls.isEmpty()) problems.add(oa + ".class: expected a class name");
      double occ = o.path("occlusion").asDouble(0.0);
      if (o.has("occlusion") && !o.path("occlusion").isNumber()) problems.add(oa + ".occlusion: expected a number");
      out.add(new GtObject(box, point, cls, occ));
    }
    return out;
  }

  private static double[] numbers(JsonNode arr, int n, String at, List<String> problems) {
    if (!arr.isArray() || arr.size() != n) {
      problems.add(at + ": expected " + n + " numbers, got " + arr);
      return null;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      if (!arr.get(i).isNumber()) {
        problems.add(at + ": expected " + n + " numbers, got " + arr);
        return null;
      }
      v[i] = arr.get(i).asDouble();
    }
    return v;
  }

  private static int positiveInt(JsonNode n, String at, List<String> problems) {
    if (!n.isInt() || n.asInt() <= 0) {
      problems.add(at + ": expected a positive integer, got " + n);
      return 0;
    }
    return n.asInt();
  }
}
