package dev.glimpse.csa.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.csa.LanguageModel;
import dev.glimpse.encoder.Probe;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Safetensors;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped model, models/glimpse-tiny, against PyTorch on two images (docs/model.md §12.2): aligner rows and the
 * logits at the prompt's last position and every answer position within 1e-4, the same greedy tokens and text.
 * Regenerate after every export: {@code python3 -m training.dump_fixtures --model models/glimpse-tiny --golden
 * --out /tmp/g/golden.safetensors} and copy {@code golden-1.safetensors} here as {@code golden.safetensors}.
 */
class GlimpseTinyGoldenTest {
  static final Path MODEL = Path.of("../models/glimpse-tiny").toAbsolutePath().normalize();

  @ParameterizedTest(name = "case {0}")
  @ValueSource(ints = {0, 1})
  void theShippedModelAnswersAsPyTorchDoes(int k) throws Exception {
    Path file = Path.of(GlimpseTinyGoldenTest.class.getResource("/glimpse-tiny/golden.safetensors").toURI());
    try (Arena arena = Arena.ofShared(); Kernels kernels = Kernels.create("vector", 2);
         GlimpseModel model = GlimpseModel.load(MODEL, kernels)) {
      Safetensors fx = Safetensors.open(file, arena);
      Map<String, String> meta = fx.metadata();
      assertEquals(new ObjectMapper().readTree(Files.readString(MODEL.resolve("config.json"))).path("trained_steps").asText(),
          meta.get("trained_steps"), "fixture and model come from the same export: regenerate the fixture (see above)");
      String c = "case" + k + ".";
      int[] tags = new ObjectMapper().readValue(meta.get(c + "frame_tags"), int[].class);
      String[] size = meta.get(c + "image_size").split("x");
      int w = Integer.parseInt(size[0]), h = Integer.parseInt(size[1]);
      int promptLen = Integer.parseInt(meta.get(c + "prompt_len"));
      int[] ids = longs(fx, c + "input_ids"), greedy = longs(fx, c + "greedy_ids");
      LanguageModel lm = model.lm();
      FrameContext ctx = model.newContext(4);
      LanguageModel.State st = lm.newState();
      int pos = 0;
      for (int f = 0; f < tags.length; f++) {
        byte[] rgb = fx.tensors().get(c + "frame" + f + ".image_rgb").data().toArray(ValueLayout.JAVA_BYTE);
        VisionEncoder.Encoded e = model.encoder().encode(rgb, w, h, Probe.NONE);
        SmokeModelConformanceTest.close(c + "aligner.out", e.rows(), fx.tensors().get(c + "frame" + f + ".aligner.out").toFloats());
        FrameContext.Chunk ch = ctx.frameChunk(tags[f], e.nh(), e.nw(), st.position(), f == 0);
        assertArrayEquals(Arrays.copyOfRange(ids, pos, pos + ch.ids().length), ch.ids(), "frame tokens");
        lm.forward(st, lm.embed(ch.ids(), ch.imageRow(), e.rows()), ch.ids().length, ch.spanFrom(), ch.spanTo(), Probe.NONE);
        pos += ch.ids().length;
        ctx.appendEncoded(e, w, h, tags[f]);
      }
      Query q = Query.parse(meta.get(c + "query"), model.classes(), model.colors());
      int[] prompt = SmokeModelConformanceTest.concat(new int[] {model.vocabulary().query},
          model.vocabulary().encode(q.text()), new int[] {model.vocabulary().answer});
      assertArrayEquals(Arrays.copyOfRange(ids, pos, promptLen), prompt, "query tokens");
      float[] hid = lm.forward(st, lm.embed(prompt, new int[prompt.length], null), prompt.length, 0, 0, Probe.NONE);
      List<float[]> logits = new ArrayList<>();
      logits.add(lm.logits(hid, prompt.length - 1));
      for (int i = 0; i < greedy.length - 1; i++) {
        float[] h1 = lm.forward(st, lm.embed(new int[] {greedy[i]}, new int[1], null), 1, 0, 0, Probe.NONE);
        logits.add(lm.logits(h1, 0));
      }
      float[] want = fx.tensors().get(c + "logits").toFloats();
      SmokeModelConformanceTest.close(c + "logits", SmokeModelConformanceTest.cat(logits), Arrays.copyOf(want, logits.size() * lm.config().vocabSize()));
      Answer a = ctx.ask(q, 160);
      assertArrayEquals(greedy, a.tokens(), "greedy tokens");
      assertEquals(meta.get(c + "answer"), a.text());
    }
  }

  static int[] longs(Safetensors fx, String name) {
    long[] v = fx.tensors().get(name).data().toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
    return Arrays.stream(v).mapToInt(x -> (int) x).toArray();
  }
}
