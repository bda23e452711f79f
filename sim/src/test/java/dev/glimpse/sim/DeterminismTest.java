package dev.glimpse.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same seed replays bit for bit; another seed gives another scene. */
class DeterminismTest {
  private record Run(List<String> labels, List<byte[]> pixels) {}

  private static Run run(long seed, int frames) {
    Scene scene = new SceneGenerator().generate(seed);
    FrameRenderer r = new FrameRenderer(252, 168);
    List<String> labels = new ArrayList<>();
    List<byte[]> pixels = new ArrayList<>();
    for (int f = 1; f <= frames; f++) {
      if (f > 1) scene.step(1 / 30f);
      RenderedFrame frame = r.render(scene, f);
      labels.add(LabelsJson.line(frame.labels(), true));
      pixels.add(frame.rgb().clone());
    }
    return new Run(labels, pixels);
  }

  @Test
  void sameSeedSameBytes() {
    Run a = run(7, 40), b = run(7, 40);
    assertEquals(a.labels(), b.labels());
    for (int i = 0; i < a.pixels().size(); i++) assertArrayEquals(a.pixels().get(i), b.pixels().get(i), "frame " + (i + 1));
  }

  @Test
  void differentSeedDifferentScene() {
    Run a = run(7, 5), b = run(8, 5);
    assertNotEquals(a.labels(), b.labels());
    assertTrue(!java.util.Arrays.equals(a.pixels().get(0), b.pixels().get(0)));
  }

  @Test
  void scenesHaveLabelledObjectsOfEveryClassAcrossSeeds() {
    java.util.Set<String> classes = new java.util.TreeSet<>(), colours = new java.util.TreeSet<>();
    FrameRenderer r = new FrameRenderer(252, 252);
    for (long seed = 1; seed <= 60; seed++) {
      for (FrameLabels.ObjectLabel o : r.render(new SceneGenerator().generate(seed), 1).labels().objects()) {
        classes.add(o.cls().label());
        colours.add(o.color().label());
      }
    }
    assertEquals(java.util.Set.of("person", "cone", "crate", "ball", "chair", "door", "robot"), classes);
    assertEquals(8, colours.size());
  }
}
