package dev.glimpse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The N-layout image block equals training/layout.py's for square, 16:9, portrait, odd and tiny grids. */
class ImageBlockTest {
  private static int[] ints(JsonNode a) {
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) v[i] = a.get(i).asInt();
    return v;
  }

  @Test
  void equalsThePyTorchLayout() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/image_blocks.json")) {
      root = new ObjectMapper().readTree(in);
    }
    assertEquals(8, root.get("cases").size());
    for (JsonNode c : root.get("cases")) {
      int nH = c.get("n_h").asInt(), nW = c.get("n_w").asInt(), start = c.get("start").asInt();
      ImageBlock b = ImageBlock.of(nH, nW, start);
      String what = nH + "x" + nW + " at " + start;
      assertArrayEquals(ints(c.get("types")), b.types(), what);
      assertArrayEquals(ints(c.get("perm")), b.perm(), what);
    }
  }

  @Test
  void squareFrameIs346SlotsWithStartOnAWindowBoundary() {
    ImageBlock b = ImageBlock.of(18, 18, 3); // 756² after "<bos> <|frame|> TAG"
    assertEquals(18 * 19 + 2 + 2, b.length());
    assertEquals(ImageBlock.START, b.types()[0]);
    assertEquals(ImageBlock.END, b.types()[b.length() - 1]);
    int[] sorted = b.perm();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], "perm is a permutation of the 324 rows");
    for (int start = 0; start < 8; start++) {
      int lead = 0;
      while (ImageBlock.of(18, 18, start).types()[lead] == ImageBlock.PAD) lead++;
      assertEquals(3, (start + lead) % 4, "START at a position ≡ 3 (mod 4) from start " + start);
    }
  }

  @Test
  void rejectsEmptyGrids() {
    assertThrows(IllegalArgumentException.class, () -> ImageBlock.of(0, 18, 0));
  }
}
