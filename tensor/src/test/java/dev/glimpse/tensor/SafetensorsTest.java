package dev.glimpse.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path tmp;

  private Path sample() throws IOException {
    Path f = tmp.resolve("w.safetensors");
    new SafetensorsWriter()
        .put("a.weight", new float[] {1, 2, 3, 4, 5, 6}, 2, 3)
        .put("a.bias", new float[] {-1, 0.5f}, 2)
        .put("scalar", new float[] {42}, new int[0])
        .meta("format", "pt")
        .write(f);
    return f;
  }

  /** A file with one BF16 tensor written byte by byte, as PyTorch would store it. */
  private Path bf16File(float... values) throws IOException {
    String header = "{\"x\":{\"dtype\":\"BF16\",\"shape\":[" + values.length + "],\"data_offsets\":[0," + 2 * values.length + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (float v : values) b.putShort(DType.floatToBf16(v));
    Path f = tmp.resolve("bf16.safetensors");
    Files.write(f, b.array());
    return f;
  }

  @Test
  void roundTripsValuesShapesAndMetadata() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      Safetensors st = Safetensors.open(sample(), arena);
      assertEquals(3, st.tensors().size());
      Tensor w = st.tensors().get("a.weight");
      assertArrayEquals(new int[] {2, 3}, w.shape());
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloats());
      assertEquals(42f, st.tensors().get("scalar").getFloat(0));
      assertEquals("pt", st.metadata().get("format"));
    }
  }

  @Test
  void bf16ConvertsLikePyTorch() throws IOException {
    // 1.00390625 is exactly halfway between bf16 1.0 and 1.0078125: ties to even → 1.0
    try (Arena arena = Arena.ofConfined()) {
      Tensor t = Safetensors.open(bf16File(1f, -2.5f, 1.00390625f, 3.1415927f), arena).tensors().get("x");
      assertArrayEquals(new float[] {1f, -2.5f, 1f, 3.140625f}, t.toFloats());
    }
  }

  @Test
  void weightsReportEveryProblemAtOnce() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      Weights w = new Weights(Safetensors.open(sample(), arena), "re-export the model");
      assertEquals(6, w.require("a.weight", 2, 3).numel());
      assertNull(w.require("a.bias", 3));
      assertNull(w.require("missing.weight", 4));
      assertNull(w.require("scalar", DType.BF16));
      Weights.WeightsException e = assertThrows(Weights.WeightsException.class, w::finish);
      assertEquals(3, e.problems().size(), e.getMessage());
      assertTrue(e.getMessage().contains("'a.bias' is F32 [2], expected float [3]"), e.getMessage());
      assertTrue(e.getMessage().contains("missing 'missing.weight'"), e.getMessage());
      assertTrue(e.getMessage().contains("re-export the model"), e.getMessage());
    }
    try (Arena arena = Arena.ofConfined()) {
      Weights w = new Weights(Safetensors.open(sample(), arena), "hint");
      w.require("a.weight", 2, 3);
      Weights.WeightsException e = assertThrows(Weights.WeightsException.class, w::finish);
      assertTrue(e.getMessage().contains("unused 'a.bias'") && e.getMessage().contains("unused 'scalar'"), e.getMessage());
      Weights.WeightsException owned = assertThrows(Weights.WeightsException.class, () -> w.finish("a."));
      assertEquals(java.util.List.of("unused 'a.bias'"), owned.problems(), "only tensors under the owned prefix count");
    }
  }

  @Test
  void truncatedAndMalformedFilesAreClearErrors() throws IOException {
    byte[] good = Files.readAllBytes(sample());
    Path f = tmp.resolve("bad.safetensors");
    Files.write(f, Arrays.copyOf(good, good.length - 3));
    SafetensorsException e = assertThrows(SafetensorsException.class, () -> open(f));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    Files.write(f, new byte[] {1, 2, 3});
    assertTrue(assertThrows(SafetensorsException.class, () -> open(f)).getMessage().contains("shorter than"));
    byte[] lying = good.clone();
    ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    Files.write(f, lying);
    assertTrue(assertThrows(SafetensorsException.class, () -> open(f)).getMessage().contains("header length"));
    assertTrue(assertThrows(SafetensorsException.class, () -> open(tmp.resolve("nope.safetensors"))).getMessage().contains("no such file"));
  }

  /** Seeded corpus of 300 mutated files: each opens cleanly (and every tensor reads) or is a SafetensorsException. */
  @Test
  void mutatedFilesNeverCrash() throws IOException {
    byte[] good = Files.readAllBytes(sample());
    SplittableRandom rng = new SplittableRandom(2026);
    Path f = tmp.resolve("m.safetensors");
    int rejected = 0;
    for (int i = 0; i < 300; i++) {
      byte[] m = good.clone();
      switch (i % 3) {
        case 0 -> { for (int k = 0; k < 1 + rng.nextInt(4); k++) m[8 + rng.nextInt(m.length - 8)] = (byte) rng.nextInt(256); }
        case 1 -> m = Arrays.copyOf(m, rng.nextInt(m.length));
        default -> m[rng.nextInt(8)] = (byte) rng.nextInt(256);
      }
      Files.write(f, m);
      try (Arena arena = Arena.ofConfined()) {
        Safetensors st = Safetensors.open(f, arena);
        for (Tensor t : st.tensors().values()) if (t.dtype().isFloat()) t.toFloats();
      } catch (SafetensorsException e) {
        rejected++;
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
      }
    }
    assertTrue(rejected > 150, "most mutations are detected: " + rejected);
  }

  private static void open(Path f) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      Safetensors.open(f, arena);
    }
  }
}
