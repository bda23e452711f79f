package dev.glimpse.encoder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Optional: the full-size glimpse-tiny random-weight fixtures of training/dump_fixtures.py (too large to commit),
 * every frame's vision/aligner intermediates within 1e-4. Run with
 * <pre>
 *   python3 -m training.dump_fixtures --random --out /tmp/random-fixtures
 *   GLIMPSE_RANDOM_FIXTURES=/tmp/random-fixtures bin/mvn25 -B -o -pl encoder test -Dtest=FullSizeFixturesTest
 * </pre>
 * Reference kernels run on grids up to 18×18 patches; larger grids (756², 1008×672) use the vector kernels only.
 */
@EnabledIfEnvironmentVariable(named = "GLIMPSE_RANDOM_FIXTURES", matches = ".+")
class FullSizeFixturesTest {
  @Test
  void everyFrameMatches() throws Exception {
    Path dir = Path.of(System.getenv("GLIMPSE_RANDOM_FIXTURES"));
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().startsWith("fixtures-")).sorted().toList();
    }
    assertTrue(!files.isEmpty(), "no fixtures-*.safetensors in " + dir);
    StringBuilder report = new StringBuilder();
    boolean ok = true;
    try (Kernels ref = Kernels.create("reference", 1); Kernels vec = Kernels.create("vector", 2);
        VisionEncoder encRef = VisionEncoder.load(ref, dir); VisionEncoder encVec = VisionEncoder.load(vec, dir)) {
      for (Path f : files) {
        try (Arena arena = Arena.ofConfined()) {
          Safetensors fx = Safetensors.open(f, arena);
          for (String key : fx.tensors().keySet()) {
            if (!key.endsWith(".image_rgb")) continue;
            String prefix = key.substring(0, key.length() - "image_rgb".length());
            Tensor img = fx.tensors().get(key);
            int h = img.shape()[0], w = img.shape()[1];
            for (VisionEncoder enc : List.of(encRef, encVec)) {
              boolean isRef = enc == encRef;
              Preprocess.Pixels px = new Preprocess(enc.config()).apply(Fixtures.bytes(img), w, h);
              Preprocess.Placement pl = px.placement();
              if (isRef && pl.gridW() * pl.gridH() > 252 * 252) continue;
              Map<String, float[]> seen = new LinkedHashMap<>();
              enc.encodePixels(px.values(), pl, (name, x, shape) -> seen.put(name, x.clone()));
              seen.put("pixel_values", px.values());
              for (Map.Entry<String, float[]> e : seen.entrySet()) {
                Tensor want = fx.tensors().get(prefix + e.getKey());
                if (want == null) continue;
                double err = Fixtures.relError(e.getValue(), want.toFloats());
                ok &= err <= 1e-4;
                report.append(String.format("%-10s %-14s %4dx%-4d %-28s %.3e%n", isRef ? "reference" : "vector",
                    prefix, pl.gridW(), pl.gridH(), e.getKey(), err));
              }
            }
          }
        }
      }
    }
    System.out.print(report);
    assertTrue(ok, report.toString());
  }
}
