package dev.glimpse.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The raw stream is exactly the documented layout, so a reader in another language can parse it. */
class RawStreamTest {
  @Test
  void layoutMatchesTheSpec() throws Exception {
    int w = 84, h = 84;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Scene scene = new SceneGenerator().generate(3);
    FrameRenderer r = new FrameRenderer(w, h, 1);
    byte[] firstPixels;
    try (RawStreamWriter out = new RawStreamWriter(bytes, w, h)) {
      RenderedFrame f1 = r.render(scene, 1);
      firstPixels = f1.rgb().clone();
      out.write(f1);
      scene.step(1 / 30f);
      out.write(r.render(scene, 2));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(magic);
    assertEquals("GLMPRAW1", new String(magic, StandardCharsets.US_ASCII));
    byte[] header = new byte[b.getInt()];
    b.get(header);
    String hj = new String(header, StandardCharsets.UTF_8);
    assertTrue(hj.contains("\"width\":84") && hj.contains("\"pixel_format\":\"rgb24\"") && hj.contains("\"person\""), hj);
    for (int f = 1; f <= 2; f++) {
      assertEquals(RawStreamWriter.FRAME_MAGIC, b.getInt());
      byte[] json = new byte[b.getInt()];
      b.get(json);
      String line = new String(json, StandardCharsets.UTF_8);
      assertTrue(line.startsWith("{\"scene\": 3, \"frame\": " + f + ","), line);
      byte[] px = new byte[w * h * 3];
      b.get(px);
      if (f == 1) assertArrayEquals(firstPixels, px);
    }
    assertEquals(0, b.remaining(), "nothing after the last frame");
    assertTrue(Arrays.equals("FRAM".getBytes(StandardCharsets.US_ASCII),
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(RawStreamWriter.FRAME_MAGIC).array()));
  }
}
