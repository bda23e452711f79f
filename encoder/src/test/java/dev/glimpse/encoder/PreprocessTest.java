package dev.glimpse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** docs/model.md §2 against training/layout.py and PyTorch's antialiased bilinear F.interpolate. */
class PreprocessTest {
  private final Preprocess pre = new Preprocess(EncoderConfig.GLIMPSE_TINY);

  @Test
  void gridsOfTheSpec() {
    assertArrayEquals(new int[] {756, 756}, pre.chooseGrid(500, 500));
    assertArrayEquals(new int[] {1008, 588}, pre.chooseGrid(1920, 1080));
    assertArrayEquals(new int[] {1008, 588}, pre.chooseGrid(1280, 720));
    assertArrayEquals(new int[] {924, 672}, pre.chooseGrid(640, 480));
    assertArrayEquals(new int[] {588, 1008}, pre.chooseGrid(1080, 1920));
    assertArrayEquals(new int[] {756, 756}, pre.chooseGrid(756, 756), "rule 1: already a grid");
    assertArrayEquals(new int[] {1008, 588}, pre.chooseGrid(1008, 588), "rule 1: already a grid");
    assertArrayEquals(new int[] {168, 168}, pre.chooseGrid(168, 168), "rule 1: already a grid");
  }

  @Test
  void gridsMatchLayoutChooseGrid() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      JsonNode grids = new ObjectMapper().readTree(Fixtures.open(arena).metadata().get("grids"));
      for (JsonNode g : grids) {
        int w = g.get(0).asInt(), h = g.get(1).asInt();
        boolean native_ = w % 84 == 0 && h % 84 == 0 && (w / 42) * (h / 42) <= 384;   // rule 1 is the caller's in Python
        int[] want = native_ ? new int[] {w, h} : new int[] {g.get(2).asInt(), g.get(3).asInt()};
        assertArrayEquals(want, pre.chooseGrid(w, h), w + "x" + h);
      }
    }
  }

  @Test
  void resizeMatchesInterpolateAntialias() {
    try (Arena arena = Arena.ofConfined()) {
      Safetensors fx = Fixtures.open(arena);
      for (String name : new String[] {"down", "up", "mixed", "same"}) {
        Tensor src = fx.tensors().get("resize." + name + ".src"), out = fx.tensors().get("resize." + name + ".out");
        int h = src.shape()[0], w = src.shape()[1], h2 = out.shape()[1], w2 = out.shape()[2];
        float[] got = Preprocess.resize(Preprocess.planar(Fixtures.bytes(src), w, h), w, h, w2, h2);
        double e = Fixtures.relError(got, out.toFloats());
        System.out.printf("resize.%-6s %dx%d -> %dx%d relative error %.3e%n", name, w, h, w2, h2, e);
        assertTrue(e < 1e-5, name + ": relative error " + e);
      }
    }
  }

  @Test
  void resizePadNormalise() {
    try (Arena arena = Arena.ofConfined()) {
      Safetensors fx = Fixtures.open(arena);
      Tensor src = fx.tensors().get("pre.src"), sub = fx.tensors().get("pre.sub");
      int h = src.shape()[0], w = src.shape()[1];
      Preprocess.Pixels px = pre.apply(Fixtures.bytes(src), w, h);
      Preprocess.Placement pl = px.placement();
      assertEquals(fx.metadata().get("pre.grid"), pl.gridW() + "x" + pl.gridH());
      int gh = pl.gridH(), gw = pl.gridW(), sh = sub.shape()[1], sw = sub.shape()[2];
      float[] got = new float[3 * sh * sw];                                // pixel_values[:, ::9, ::9]
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < sh; y++) {
          for (int x = 0; x < sw; x++) got[(c * sh + y) * sw + x] = px.values()[(c * gh + 9 * y) * gw + 9 * x];
        }
      }
      double e = Fixtures.relError(got, sub.toFloats());
      System.out.printf("preprocess %dx%d -> %s relative error %.3e%n", w, h, fx.metadata().get("pre.grid"), e);
      assertTrue(e < 1e-5, "relative error " + e);
    }
  }

  @Test
  void placementRoundsHalfToEven() {
    Preprocess.Placement pl = Preprocess.placement(1920, 1080, 1008, 588);
    assertEquals(1008, pl.contentW());
    assertEquals(567, pl.contentH());                                      // 1080·0.525 = 567
    assertEquals(10, pl.offY());
  }
}
