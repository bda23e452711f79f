package dev.glimpse.csa.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.csa.LanguageModel;
import dev.glimpse.csa.LayerType;
import dev.glimpse.encoder.Probe;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole model, end to end, against PyTorch (docs/model.md §12.2): a random-weight model of the small 'smoke'
 * shape (every layer type; index_topk 8, so top-k binds in the 3-frame case) and its fixtures from
 * {@code python3 -m training.dump_fixtures --random --config smoke --out csa-runtime/src/test/resources/smoke}
 * (one-shot forward in float32). The Java engine runs the same tokens chunk by chunk (a frame per chunk, the
 * query, then one answer token at a time) and must match every named intermediate within 1e-4 and give the same
 * greedy tokens, with the scalar reference kernels and the Vector kernels.
 */
class SmokeModelConformanceTest {
  static final double TOL = 1e-4;
  static Arena arena;
  static Safetensors fx;
  static Map<String, String> meta;
  static Path dir;

  @BeforeAll
  static void open() throws Exception {
    dir = Path.of(SmokeModelConformanceTest.class.getResource("/smoke/config.json").toURI()).getParent();
    arena = Arena.ofShared();
    fx = Safetensors.open(dir.resolve("fixtures-1.safetensors"), arena);
    meta = fx.metadata();
  }

  @AfterAll
  static void close() { arena.close(); }

  static Stream<Arguments> cases() {
    return Arrays.stream(meta.get("cases").split(",")).flatMap(k -> Stream.of(
        Arguments.of(Integer.parseInt(k), "reference"), Arguments.of(Integer.parseInt(k), "vector")));
  }

  static float[] floats(String name) { return tensor(name).toFloats(); }

  static Tensor tensor(String name) {
    Tensor t = fx.tensors().get(name);
    if (t == null) throw new AssertionError("fixture has no " + name);
    return t;
  }

  static int[] ints(String name) {
    long[] v = tensor(name).data().toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
    return Arrays.stream(v).mapToInt(x -> (int) x).toArray();
  }

  static double relErr(float[] got, float[] want) {
    assertEquals(want.length, got.length, "length");
    double num = 0, den = 0;
    for (int i = 0; i < want.length; i++) {
      num = Math.max(num, Math.abs((double) got[i] - want[i]));
      den = Math.max(den, Math.abs(want[i]));
    }
    return num / Math.max(den, 1e-30);
  }

  static void close(String what, float[] got, float[] want) {
    double e = relErr(got, want);
    assertTrue(e <= TOL, what + ": relative error " + e + " > " + TOL);
  }

  @ParameterizedTest(name = "case {0}, {1} kernels")
  @MethodSource("cases")
  void everyIntermediateAndTheGreedyAnswerMatchPyTorch(int k, String kernelName) throws Exception {
    String c = "case" + k + ".";
    int[] tags = new ObjectMapper().readValue(meta.get(c + "frame_tags"), int[].class);
    String[] size = meta.get(c + "image_size").split("x");
    int w = Integer.parseInt(size[0]), h = Integer.parseInt(size[1]);
    int promptLen = Integer.parseInt(meta.get(c + "prompt_len"));
    int[] ids = ints(c + "input_ids");
    int[] greedy = ints(c + "greedy_ids");
    try (Kernels kernels = Kernels.create(kernelName, 2); GlimpseModel model = GlimpseModel.load(dir, kernels)) {
      LanguageModel lm = model.lm();
      int d = lm.config().hiddenSize(), layers = lm.config().layers();
      FrameContext ctx = model.newContext(8);
      LanguageModel.State st = lm.newState();
      List<List<float[]>> outs = new ArrayList<>();
      for (int i = 0; i < layers; i++) outs.add(new ArrayList<>());
      Probe probe = (name, x, shape) -> {
        if (name.startsWith("lm.layers.")) outs.get(Integer.parseInt(name.split("\\.")[2])).add(x.clone());
      };
      List<float[]> embeds = new ArrayList<>(), finals = new ArrayList<>();
      int pos = 0;
      List<VisionEncoder.Encoded> encoded = new ArrayList<>();
      for (int f = 0; f < tags.length; f++) {
        byte[] rgb = tensor(c + "frame" + f + ".image_rgb").data().toArray(ValueLayout.JAVA_BYTE);
        VisionEncoder.Encoded e = model.encoder().encode(rgb, w, h, Probe.NONE);
        encoded.add(e);
        close(c + "frame" + f + " aligner.out", e.rows(), floats(c + "frame" + f + ".aligner.out"));
        FrameContext.Chunk ch = ctx.frameChunk(tags[f], e.nh(), e.nw(), st.position(), f == 0);
        assertArrayEquals(Arrays.copyOfRange(ids, pos, pos + ch.ids().length), ch.ids(), "frame " + f + " tokens");
        float[] emb = lm.embed(ch.ids(), ch.imageRow(), e.rows());
        embeds.add(emb);
        finals.add(lm.forward(st, emb, ch.ids().length, ch.spanFrom(), ch.spanTo(), probe));
        pos += ch.ids().length;
      }
      Query q = Query.parse(meta.get(c + "query"), model.classes(), model.colors());
      int[] prompt = concat(new int[] {model.vocabulary().query}, model.vocabulary().encode(q.text()),
          new int[] {model.vocabulary().answer});
      assertArrayEquals(Arrays.copyOfRange(ids, pos, promptLen), prompt, "query tokens");
      float[] emb = lm.embed(prompt, new int[prompt.length], null);
      embeds.add(emb);
      float[] hidden = lm.forward(st, emb, prompt.length, 0, 0, probe);
      finals.add(hidden);
      float[] wantLogits = floats(c + "logits");
      int v = lm.config().vocabSize();
      List<float[]> logits = new ArrayList<>();
      logits.add(lm.logits(hidden, prompt.length - 1));
      for (int i = 0; i < greedy.length - 1; i++) {           // teacher-forced answer, one token at a time
        float[] e1 = lm.embed(new int[] {greedy[i]}, new int[1], null);
        embeds.add(e1);
        float[] h1 = lm.forward(st, e1, 1, 0, 0, probe);
        finals.add(h1);
        logits.add(lm.logits(h1, 0));
      }
      close(c + "lm.embed.out", cat(embeds), floats(c + "lm.embed.out"));
      for (int i = 0; i < layers; i++) close(c + "lm.layers." + i + ".out", cat(outs.get(i)), floats(c + "lm.layers." + i + ".out"));
      close(c + "lm.norm.out", cat(finals), floats(c + "lm.norm.out"));
      close(c + "logits", cat(logits), Arrays.copyOf(wantLogits, logits.size() * v));
      for (int i = 0; i < layers; i++) {
        LayerType type = lm.config().layerTypes().get(i);
        if (type == LayerType.SLIDING) continue;
        close(c + "layer " + i + " compressed_kv", st.layer(i).compressedKv(), floats(c + "lm.layers." + i + ".attn.compressed_kv"));
        if (type == LayerType.CSA) {
          close(c + "layer " + i + " indexer_keys", st.layer(i).indexerKeys(), floats(c + "lm.layers." + i + ".attn.indexer_keys"));
        }
      }
      // The public API: append the frames, ask, and get PyTorch's greedy answer token for token.
      for (int f = 0; f < tags.length; f++) ctx.appendEncoded(encoded.get(f), w, h, tags[f]);
      Answer a = ctx.ask(q, 40);
      assertArrayEquals(greedy, a.tokens(), "greedy tokens");
      assertEquals(meta.get(c + "answer"), a.text(), "detokenised answer");
      assertEquals(d * 0 + tags.length, a.kv().frames());
    }
  }

  static float[] cat(List<float[]> parts) {
    int n = parts.stream().mapToInt(p -> p.length).sum();
    float[] out = new float[n];
    int k = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, k, p.length);
      k += p.length;
    }
    return out;
  }

  static int[] concat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
  }
}
