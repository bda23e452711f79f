package dev.glimpse.agent.eval;

import static dev.glimpse.agent.eval.EvalTestData.obj;
import static dev.glimpse.agent.eval.EvalTestData.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest reads back as written; a bad one is refused with every problem named by its JSON path. */
class EvalManifestTest {
  @TempDir Path tmp;

  Path good() throws Exception {
    return EvalTestData.write(tmp, 32, 24, 7, List.of(List.of(
        query("box all person", "box", "person", List.of(obj(new int[] {1, 2, 10, 20}, new int[] {5, 9}, "person", 0.25)),
            List.of(obj(new int[] {20, 2, 22, 4}, new int[] {21, 3}, "person", 0.0))),
        query("count red cone", "count", "red cone", List.of(), List.of()))));
  }

  @Test
  void readsWhatWasWritten() throws Exception {
    EvalManifest m = EvalManifest.read(good());
    assertEquals(0, m.frameTag());
    assertEquals(1, m.scenes().size());
    assertEquals(2, m.queryCount());
    EvalManifest.Scene s = m.scenes().get(0);
    assertEquals(32, s.width());
    assertEquals(tmp.resolve("images/0000.png"), s.image());
    EvalManifest.GtObject o = s.queries().get(0).gt().get(0);
    assertEquals(List.of(1.0, 2.0, 10.0, 20.0), List.of(o.box()[0], o.box()[1], o.box()[2], o.box()[3]));
    assertEquals("person", o.cls());
    assertEquals(0.25, o.occlusion());
    assertEquals(1, s.queries().get(0).ignored().size());
    assertTrue(s.queries().get(1).gt().isEmpty());
  }

  @Test
  void everyProblemIsListedWithItsPath() throws Exception {
    Path dir = good();
    String json = Files.readString(dir.resolve("manifest.json"))
        .replace("\"glimpse-eval-manifest-1\"", "\"glimpse-eval-manifest-0\"")
        .replace("\"task\" : \"count\"", "\"task\" : \"counts\"")
        .replace("\"images/0000.png\"", "\"../outside.png\"")
        .replaceFirst("\"box\" : \\[ 1, 2, 10, 20 \\]", "\"box\" : [ 1, 2, 10 ]");
    Files.writeString(dir.resolve("manifest.json"), json);
    EvalManifest.InvalidManifestException e = assertThrows(EvalManifest.InvalidManifestException.class,
        () -> EvalManifest.read(dir));
    assertEquals(4, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("format: expected \"glimpse-eval-manifest-1\""), e.getMessage());
    assertTrue(e.getMessage().contains("scenes[0].image: expected a relative path inside the manifest's directory"),
        e.getMessage());
    assertTrue(e.getMessage().contains("scenes[0].queries[0].gt[0].box: expected 4 numbers"), e.getMessage());
    assertTrue(e.getMessage().contains("scenes[0].queries[1].task: expected box, point or count, got \"counts\""),
        e.getMessage());
    assertTrue(e.getMessage().contains("python3 -m training.eval_manifest"), "says how to make a good one");
  }

  @Test
  void missingFilesAndNonJsonAreRefused() throws Exception {
    var none = assertThrows(EvalManifest.InvalidManifestException.class, () -> EvalManifest.read(tmp));
    assertEquals(List.of("no such file"), none.problems());
    Path dir = good();
    Files.delete(dir.resolve("images/0000.png"));
    var gone = assertThrows(EvalManifest.InvalidManifestException.class, () -> EvalManifest.read(dir));
    assertTrue(gone.problems().get(0).startsWith("scenes[0].image: no such file"), gone.getMessage());
    Files.writeString(dir.resolve("manifest.json"), "{\"format\": ");
    var broken = assertThrows(EvalManifest.InvalidManifestException.class, () -> EvalManifest.read(dir));
    assertTrue(broken.problems().get(0).startsWith("not JSON"), broken.getMessage());
  }

  @Test
  void inconsistentValuesAreRefused() throws Exception {
    Path dir = good();
    String json = Files.readString(dir.resolve("manifest.json"))
        .replace("\"frame_tag\" : 0", "\"frame_tag\" : 1000")
        .replace("\"width\" : 32", "\"width\" : -32")
        .replaceFirst("\"box\" : \\[ 1, 2, 10, 20 \\]", "\"box\" : [ 10, 2, 1, 20 ]")
        .replaceFirst("\"rgb_sha256\" : \"[0-9a-f]+\"", "\"rgb_sha256\" : \"xyz\"");
    Files.writeString(dir.resolve("manifest.json"), json);
    var e = assertThrows(EvalManifest.InvalidManifestException.class, () -> EvalManifest.read(dir));
    assertEquals(List.of("frame_tag: expected an integer 0..999, got 1000",
        "scenes[0].width: expected a positive integer, got -32",
        "scenes[0].rgb_sha256: expected 64 lower-case hex digits",
        "scenes[0].queries[0].gt[0].box: expected x1 <= x2 and y1 <= y2"), e.problems());
  }
}
