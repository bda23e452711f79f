package dev.glimpse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every named vision/aligner intermediate equals training/vision.py within 1e-4 relative error (f32), for the
 * reference and the Vector API kernels. Fixtures: {@link Fixtures} (252×168 grid-native image, tiny config).
 */
class EncoderConformanceTest {
  static final double TOL = 1e-4;
  static final List<String> NAMES = List.of("vision.patch_embed.linear", "vision.patch_embed.out", "vision.blocks.0.out",
      "vision.blocks.1.out", "vision.blocks.2.out", "vision.norm.out", "aligner.out");

  @ParameterizedTest
  @ValueSource(strings = {"reference", "vector"})
  void intermediatesMatchPyTorch(String kernelsName) throws Exception {
    try (Arena arena = Arena.ofConfined(); Kernels kernels = Kernels.create(kernelsName, 2);
        VisionEncoder enc = VisionEncoder.load(kernels, Fixtures.dir())) {
      Safetensors fx = Fixtures.open(arena);
      Tensor img = fx.tensors().get("image_rgb");
      int h = img.shape()[0], w = img.shape()[1];
      Map<String, float[]> seen = new LinkedHashMap<>();
      Probe probe = (name, x, shape) -> seen.put(name, x.clone());
      VisionEncoder.Encoded out = enc.encode(Fixtures.bytes(img), w, h, probe);

      assertEquals(new Preprocess.Placement(w, h, 1.0, 0, 0, w, h), out.placement(), "grid-native: no resize");
      assertEquals(0.0, Fixtures.relError(
          new Preprocess(enc.config()).apply(Fixtures.bytes(img), w, h).values(),
          fx.tensors().get("pixel_values").toFloats()), 1e-7, "pixel_values");
      assertEquals(NAMES, List.copyOf(seen.keySet()));
      StringBuilder report = new StringBuilder(kernels.name() + " max relative error:\n");
      boolean ok = true;
      for (String name : NAMES) {
        double e = Fixtures.relError(seen.get(name), fx.tensors().get(name).toFloats());
        report.append(String.format("  %-28s %.3e%n", name, e));
        ok &= e <= TOL;
      }
      System.out.print(report);
      assertTrue(ok, report.toString());
      assertArrayEquals(seen.get("aligner.out"), out.rows());
      assertEquals(h / 42, out.nh());
      assertEquals(w / 42, out.nw());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vector"})
  void vectorAgreesWithReference(String kernelsName) throws Exception {
    try (Arena arena = Arena.ofConfined(); Kernels ref = Kernels.create("reference", 1);
        Kernels fast = Kernels.create(kernelsName, 2);
        VisionEncoder a = VisionEncoder.load(ref, Fixtures.dir()); VisionEncoder b = VisionEncoder.load(fast, Fixtures.dir())) {
      Tensor px = Fixtures.open(arena).tensors().get("pixel_values");
      int h = px.shape()[1], w = px.shape()[2];
      Preprocess.Placement pl = Preprocess.placement(w, h, w, h);
      float[] ra = a.encodePixels(px.toFloats(), pl, Probe.NONE).rows();
      float[] rb = b.encodePixels(px.toFloats(), pl, Probe.NONE).rows();
      double e = Fixtures.relError(rb, ra);
      assertTrue(e <= TOL, "vector vs reference " + e + " " + Arrays.toString(Arrays.copyOf(rb, 4)));
    }
  }
}
