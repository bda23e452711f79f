package dev.glimpse.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AppearanceTest {
  @Test
  void unitVectorsOnlyCopiedInAndOut() {
    float[] v = {0.6f, 0.8f};
    Appearance a = new Appearance(v);
    v[0] = 1;
    assertEquals(0.6f, a.get(0));
    a.vector()[1] = 0;
    assertEquals(0.8f, a.get(1));
    assertEquals(1, a.similarity(a), 1e-6);
    assertEquals(0.8, a.similarity(new Appearance(new float[] {0, 1})), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> new Appearance(new float[] {1, 1}));
    assertThrows(IllegalArgumentException.class, () -> new Appearance(new float[] {Float.NaN, 1}));
    assertThrows(IllegalArgumentException.class, () -> new Appearance(new float[0]));
    assertThrows(IllegalArgumentException.class, () -> a.similarity(new Appearance(new float[] {1})));
  }

  @Test
  void equalByContentAndCarriedByDetections() {
    Appearance a = new Appearance(new float[] {0.6f, 0.8f});
    assertEquals(a, new Appearance(new float[] {0.6f, 0.8f}));
    assertEquals(a.hashCode(), new Appearance(new float[] {0.6f, 0.8f}).hashCode());
    assertNotEquals(a, new Appearance(new float[] {0.8f, 0.6f}));
    Detection d = Detection.ofBox("person", new Box(0, 0, 10, 20), 0.9);
    assertNull(d.appearance());
    Detection seen = d.withAppearance(a);
    assertEquals(a, seen.appearance());
    assertEquals(d, seen.withAppearance(null));
    assertTrue(seen.isBox());
  }
}
