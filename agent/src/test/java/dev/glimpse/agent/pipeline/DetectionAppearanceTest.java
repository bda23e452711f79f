package dev.glimpse.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.glimpse.csa.engine.KvStats;
import dev.glimpse.tracker.ColourHistogram;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.PixelFormat;
import dev.glimpse.types.Point;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline hands the tracker boxes with the colour histogram of the frame the engine saw. */
class DetectionAppearanceTest {
  private static final int W = 64, H = 48;

  @Test
  void boxesGetTheHistogramOfTheirPixelsPointsAndPixelFreeResultsStayAsTheyAre() {
    byte[] rgb = new byte[W * H * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      int x = (i / 3) % W;
      rgb[i] = (byte) (x < 32 ? 200 : 20);       // red left half, blue right half
      rgb[i + 2] = (byte) (x < 32 ? 20 : 200);
    }
    KvStats kv = new KvStats(0, 0, 0, 0);
    FrameResult withPixels = new FrameResult(0, 0, W, H, Map.of(), 1, Map.of(), kv, rgb, 0);
    Box left = new Box(2, 2, 30, 46), right = new Box(34, 2, 62, 46);
    Detection point = Detection.ofPoint("cone", new Point(10, 10), 0.8);
    List<Detection> out = StreamPipeline.withAppearances(List.of(Detection.ofBox("person", left, 0.9),
        Detection.ofBox("person", right, 0.9), point), withPixels);
    assertEquals(ColourHistogram.of(ByteBuffer.wrap(rgb), W, H, PixelFormat.RGB24, left), out.get(0).appearance());
    assertNotNull(out.get(1).appearance());
    assertEquals(0, out.get(0).appearance().similarity(out.get(1).appearance()), 1e-6, "red and blue share no bin");
    assertSame(point, out.get(2));
    List<Detection> bare = List.of(Detection.ofBox("person", left, 0.9));
    assertNull(StreamPipeline.withAppearances(bare, new FrameResult(0, 0, W, H, Map.of(), 1, Map.of(), kv))
        .get(0).appearance());
  }
}
