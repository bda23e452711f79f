package dev.glimpse.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BoxTest {
  @Test
  void iouOfHalfOverlap() {
    Box a = new Box(0, 0, 10, 10);
    Box b = new Box(5, 0, 15, 10);
    assertEquals(50.0 / 150.0, a.iou(b), 1e-12);
    assertEquals(0, a.iou(new Box(20, 20, 30, 30)));
  }

  @Test
  void rejectsInvertedBox() {
    assertThrows(IllegalArgumentException.class, () -> new Box(10, 0, 5, 10));
  }

  @Test
  void detectionNeedsExactlyOnePrimitive() {
    assertThrows(IllegalArgumentException.class, () -> new Detection("cone", null, null, 0.5, 0));
    assertEquals(new Point(5, 5), Detection.ofBox("cone", new Box(0, 0, 10, 10), 0.9).anchor());
  }

  @Test
  void stampRoundTripsNegativeNanos() {
    Stamp s = Stamp.ofNanos(-1);
    assertEquals(-1, s.sec());
    assertEquals(999_999_999, s.nanosec());
    assertEquals(-1, s.toNanos());
  }
}
