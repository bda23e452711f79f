package dev.glimpse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tensor.DType;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.SafetensorsWriter;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading by docs/model.md names: every problem reported at once; config.json parsed into a validated record. */
class EncoderWeightsTest {
  @Test
  void loadsTinyAsF32IgnoringLmTensors() throws Exception {
    EncoderConfig cfg = EncoderConfig.load(Fixtures.dir().resolve("config.json"));
    try (EncoderWeights w = EncoderWeights.load(Fixtures.dir().resolve("model.safetensors"), cfg)) {
      assertEquals(DType.F32, w.patchProj.dtype());
      assertEquals(cfg.layers(), w.blocks().size());
      assertEquals(DType.F32, w.blocks().get(0).q().dtype());
    }
  }

  @Test
  void reportsEveryProblemAtOnce(@TempDir Path tmp) throws Exception {
    EncoderConfig cfg = EncoderConfig.load(Fixtures.dir().resolve("config.json"));
    Path broken = tmp.resolve("model.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      Safetensors good = Safetensors.open(Fixtures.dir().resolve("model.safetensors"), arena);
      SafetensorsWriter out = new SafetensorsWriter();
      for (Map.Entry<String, Tensor> e : good.tensors().entrySet()) {
        String name = e.getKey();
        if (name.equals("vision.blocks.1.attn.k_proj.bias") || name.equals("aligner.fc2.weight")) continue;   // missing
        int[] shape = e.getValue().shape();
        if (name.equals("vision.blocks.0.mlp.up_proj.weight")) shape = new int[] {shape[0] - 1, shape[1]};       // mis-shaped
        float[] v = new float[(int) Tensor.numel(shape)];
        out.put(name, v, shape);
      }
      out.put("vision.blocks.7.attn.q_proj.weight", new float[4], 2, 2);                                         // stray
      out.write(broken);
    }
    EncoderWeights.LoadException e =
        assertThrows(EncoderWeights.LoadException.class, () -> EncoderWeights.load(broken, cfg));
    List<String> p = e.problems();
    assertEquals(4, p.size(), String.join("\n", p));
    assertTrue(p.stream().anyMatch(s -> s.startsWith("missing 'vision.blocks.1.attn.k_proj.bias'")), e.getMessage());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("missing 'aligner.fc2.weight'")), e.getMessage());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("'vision.blocks.0.mlp.up_proj.weight'")), e.getMessage());
    assertTrue(p.stream().anyMatch(s -> s.equals("unused 'vision.blocks.7.attn.q_proj.weight'")), e.getMessage());
    assertTrue(e.getMessage().contains("training/export.py"), "says how to fix it");
  }

  @Test
  void glimpseTinyConfig() throws Exception {
    Path cfg = Path.of("../models/glimpse-tiny/config.json");
    if (!Files.exists(cfg)) return;
    EncoderConfig c = EncoderConfig.load(cfg);
    EncoderConfig t = EncoderConfig.GLIMPSE_TINY;
    assertEquals(List.of(t.patchSize(), t.width(), t.layers(), t.heads(), t.headDim(), t.mlpHidden(), t.window(),
            t.merge(), t.alignerHidden(), t.dModel(), t.maxMergedTokens(), t.minGridUnits(), t.padGray()),
        List.of(c.patchSize(), c.width(), c.layers(), c.heads(), c.headDim(), c.mlpHidden(), c.window(),
            c.merge(), c.alignerHidden(), c.dModel(), c.maxMergedTokens(), c.minGridUnits(), c.padGray()));
    assertEquals(List.of(2, 5), java.util.Arrays.stream(c.globalLayers()).boxed().toList());
    assertEquals(1e-6f, c.rmsNormEps());
  }

  @Test
  void invalidConfigFailsWithReasons() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        new EncoderConfig(14, 100, 6, 3, 64, 512, 6, new int[] {9}, 1e4, 3, 512, 1e-6f, 256, 384, 80, 127));
    assertTrue(e.getMessage().contains("heads") && e.getMessage().contains("global layer 9"), e.getMessage());
  }
}
