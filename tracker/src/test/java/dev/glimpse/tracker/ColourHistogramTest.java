package dev.glimpse.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.types.Appearance;
import dev.glimpse.types.Box;
import dev.glimpse.types.PixelFormat;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ColourHistogramTest {
  private static final int W = 160, H = 120;

  /** A grey background with a "person" at (x, y): a shirt over trousers, each w × h/2, and per-pixel noise. */
  private static byte[] scene(int x, int y, int w, int h, int shirt, int trousers, long seed) {
    Random rng = new Random(seed);
    byte[] rgb = new byte[W * H * 3];
    for (int py = 0; py < H; py++) {
      for (int px = 0; px < W; px++) {
        int c = 0x808080;
        if (px >= x && px < x + w && py >= y && py < y + h) c = py < y + h / 2 ? shirt : trousers;
        int i = 3 * (py * W + px);
        for (int k = 0; k < 3; k++) {
          int v = ((c >> (16 - 8 * k)) & 0xff) + rng.nextInt(9) - 4;
          rgb[i + k] = (byte) Math.max(0, Math.min(255, v));
        }
      }
    }
    return rgb;
  }

  private static Appearance of(byte[] rgb, double x1, double y1, double x2, double y2) {
    return ColourHistogram.of(ByteBuffer.wrap(rgb), W, H, PixelFormat.RGB24, new Box(x1, y1, x2, y2));
  }

  @Test
  void theSameClothesElsewhereAndAtAnotherSizeLookAlikeAndOtherClothesDoNot() {
    Appearance red = of(scene(20, 20, 20, 60, 0xC02020, 0x202840, 1), 20, 20, 40, 80);
    Appearance redMoved = of(scene(100, 40, 30, 70, 0xC02020, 0x202840, 2), 100, 40, 130, 110);
    Appearance green = of(scene(20, 20, 20, 60, 0x20A030, 0x202840, 3), 20, 20, 40, 80);
    Appearance swapped = of(scene(20, 20, 20, 60, 0x202840, 0xC02020, 4), 20, 20, 40, 80);
    assertEquals(ColourHistogram.LENGTH, red.length());
    assertTrue(red.similarity(redMoved) > 0.95, "same clothes: " + red.similarity(redMoved));
    assertTrue(red.similarity(green) < 0.75, "another shirt: " + red.similarity(green));
    assertTrue(red.similarity(swapped) < 0.2, "the same colours, upside down: " + red.similarity(swapped));
  }

  @Test
  void bgrAndRgbOfOnePictureGiveOneDescriptor() {
    byte[] rgb = scene(30, 10, 24, 80, 0xE0C020, 0x4B3B2A, 5);
    byte[] bgr = rgb.clone();
    for (int i = 0; i < bgr.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 2] = rgb[i];
    }
    Box box = new Box(30, 10, 54, 90);
    assertEquals(ColourHistogram.of(ByteBuffer.wrap(rgb), W, H, PixelFormat.RGB24, box),
        ColourHistogram.of(ByteBuffer.wrap(bgr), W, H, PixelFormat.BGR24, box));
  }

  @Test
  void boxesTooSmallOrOutsideTheImageHaveNoDescriptorAndBorderBoxesAreClipped() {
    byte[] rgb = scene(20, 20, 20, 60, 0xC02020, 0x202840, 6);
    assertNull(of(rgb, 20, 20, 23, 80), "3 px wide: 2 px inside the margins");
    assertNull(of(rgb, 20, 20, 40, 25), "5 px tall: stripes under 3 px");
    assertNull(of(rgb, 200, 20, 240, 80), "right of the image");
    assertNotNull(of(rgb, -10, -10, 40, 80), "a box over the border is read where it lies inside the image");
  }

  @Test
  void aBufferSmallerThanTheImageIsRefusedWithBothSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ColourHistogram.of(ByteBuffer.allocate(100), W, H, PixelFormat.RGB24, new Box(0, 0, 10, 10)));
    assertTrue(e.getMessage().contains("100 bytes") && e.getMessage().contains("57600"), e.getMessage());
  }

  @Test
  void greysFallInGreyBinsAndColoursInHueBins() {
    assertEquals(0, ColourHistogram.bin(10, 12, 11));
    assertEquals(ColourHistogram.GREY_BINS - 1, ColourHistogram.bin(250, 250, 250));
    int red = ColourHistogram.bin(200, 20, 20), blue = ColourHistogram.bin(20, 20, 200);
    assertTrue(red >= ColourHistogram.GREY_BINS && blue >= ColourHistogram.GREY_BINS);
    assertTrue(red != blue && red != ColourHistogram.bin(100, 10, 10), "hue and brightness both separate");
  }
}
