package dev.glimpse.csa.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tensor.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persistent context over long streams (docs/model.md §7.3), on the small random-weight model: the ring keeps
 * memory flat, re-basing positions does not change answers, asking never changes the context, and a broken model
 * directory is one error listing every problem.
 */
class FrameContextTest {
  static final Path SMOKE = Path.of("src/test/resources/smoke").toAbsolutePath();

  static byte[] image(int seed, int w, int h) {
    byte[] rgb = new byte[w * h * 3];
    new Random(seed).nextBytes(rgb);
    return rgb;
  }

  @Test
  void theRingKeepsMemoryFlatOnceFull() throws Exception {
    try (Kernels k = Kernels.create("vector", 2); GlimpseModel m = GlimpseModel.load(SMOKE, k)) {
      FrameContext ctx = m.newContext(3);
      long[] bytes = new long[9];
      int[] rows = new int[9];
      for (int f = 0; f < 9; f++) {
        FrameContext.Appended a = ctx.append(image(f, 168, 168), 168, 168);
        assertEquals(f % 1000, a.tag());
        assertEquals(f >= 3, a.evicted(), "frame " + f);
        bytes[f] = ctx.kv().bytes();
        rows[f] = ctx.kv().rowsPerLayer();
      }
      assertEquals(3, ctx.kv().frames());
      for (int f = 4; f < 9; f++) {
        assertEquals(bytes[3], bytes[f], "bytes flat after the ring is full (frame " + f + ")");
        assertEquals(rows[3], rows[f], "rows flat (frame " + f + ")");
      }
      assertTrue(rows[2] > rows[0] && rows[3] <= rows[2] + 1, "rows grow until full: " + java.util.Arrays.toString(rows));
      assertEquals(9 * ctx.kv().tokens() / 9, ctx.kv().tokens(), "positions keep counting");
    }
  }

  @Test
  void rebasingPositionsLeavesAnswersUnchanged() throws Exception {
    try (Kernels k = Kernels.create("reference", 1); GlimpseModel m = GlimpseModel.load(SMOKE, k)) {
      FrameContext plain = m.newContext(4), rebased = m.newContext(4);
      rebased.rebaseAt = 64;                                     // re-base after every frame
      for (int f = 0; f < 6; f++) {
        plain.append(image(10 + f, 252, 168), 252, 168);
        rebased.append(image(10 + f, 252, 168), 252, 168);
      }
      assertTrue(rebased.state().base() > 0 && plain.state().base() == 0, "one of them moved its base");
      for (String q : new String[] {"box all objects", "count cone", "point to all red ball"}) {
        Answer a = plain.ask(q), b = rebased.ask(q);
        assertArrayEquals(a.tokens(), b.tokens(), q);
        for (int i = 0; i < a.detections().size(); i++) {
          assertEquals(a.detections().get(i).score(), b.detections().get(i).score(), 1e-4, q + " score " + i);
        }
      }
    }
  }

  @Test
  void askingDoesNotChangeTheContext() throws Exception {
    try (Kernels k = Kernels.create("reference", 1); GlimpseModel m = GlimpseModel.load(SMOKE, k)) {
      FrameContext ctx = m.newContext(4);
      ctx.append(image(1, 168, 168), 168, 168);
      KvStats before = ctx.kv();
      Answer first = ctx.ask("box all objects");
      ctx.ask("count person");
      assertEquals(before, ctx.kv());
      assertArrayEquals(first.tokens(), ctx.ask("box all objects").tokens(), "same question, same answer");
      assertThrows(IllegalArgumentException.class, () -> ctx.ask("box all unicorns"));
      assertThrows(IllegalStateException.class, () -> m.newContext(2).ask("box all person"), "no frame yet");
      assertThrows(IllegalArgumentException.class, () -> m.newContext(1000));
    }
  }

  @Test
  void aBrokenModelDirectoryListsEveryProblem(@TempDir Path dir) throws Exception {
    Files.copy(SMOKE.resolve("model.safetensors"), dir.resolve("model.safetensors"));
    Files.writeString(dir.resolve("config.json"), Files.readString(SMOKE.resolve("config.json"))
        .replace("\"intermediate_size\"", "\"intermediate_sizes\"").replace("\"width\": 64", "\"width\": 96"));
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
    try (Kernels k = Kernels.create("reference", 1)) {
      IOException e = assertThrows(IOException.class, () -> GlimpseModel.load(dir, k));
      String msg = e.getMessage();
      assertTrue(msg.contains("lm.intermediate_size is missing"), msg);
      assertTrue(msg.contains("WordLevel"), msg);
      assertTrue(msg.contains("must equal width 96"), "the vision config problem too: " + msg);
    }
  }
}
