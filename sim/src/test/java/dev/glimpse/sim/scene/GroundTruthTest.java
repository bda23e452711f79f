package dev.glimpse.sim.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.sim.FrameLabels;
import dev.glimpse.sim.FrameRenderer;
import org.junit.jupiter.api.Test;

/** Ground truth is what is visible: occlusion shrinks boxes, full occlusion and leaving the image remove objects. */
class GroundTruthTest {
  private static final int W = 320, H = 240;

  private static FrameLabels.ObjectLabel find(FrameLabels labels, int id) {
    return labels.objects().stream().filter(o -> o.id() == id).findFirst().orElse(null);
  }

  @Test
  void fullyOccludedObjectIsAbsent() {
    SceneObject ball = TestScenes.object(2, ObjectClass.BALL, NamedColor.BLUE, 0.3f, 0f, 8f);
    FrameLabels alone = new FrameRenderer(W, H, 1).render(TestScenes.yard(ball), 1).labels();
    assertNotNull(find(alone, 2), "control: the ball is visible on its own");

    SceneObject crate = TestScenes.object(1, ObjectClass.CRATE, NamedColor.YELLOW, 0.8f, 0f, 4f);
    SceneObject hidden = TestScenes.object(2, ObjectClass.BALL, NamedColor.BLUE, 0.3f, 0f, 8f);
    FrameLabels both = new FrameRenderer(W, H, 1).render(TestScenes.yard(crate, hidden), 1).labels();
    assertNotNull(find(both, 1));
    assertNull(find(both, 2), "a ball entirely behind the crate must not be labelled");
  }

  @Test
  void partlyOccludedBoxShrinksToVisiblePart() {
    SceneObject person = TestScenes.object(1, ObjectClass.PERSON, NamedColor.RED, 1.8f, 0f, 6f);
    FrameLabels.ObjectLabel full = find(new FrameRenderer(W, H, 1).render(TestScenes.yard(person), 1).labels(), 1);
    assertNotNull(full);
    assertEquals(0.0, full.occlusion(), 1e-9);

    // a crate in front of the person's legs
    SceneObject p2 = TestScenes.object(1, ObjectClass.PERSON, NamedColor.RED, 1.8f, 0f, 6f);
    SceneObject crate = TestScenes.object(2, ObjectClass.CRATE, NamedColor.GREEN, 0.8f, 0f, 3f);
    FrameLabels both = new FrameRenderer(W, H, 1).render(TestScenes.yard(p2, crate), 1).labels();
    FrameLabels.ObjectLabel part = find(both, 1);
    assertNotNull(part);
    assertTrue(part.y2() < full.y2() - 5, "bottom edge moves up to the visible part: " + part.y2() + " vs " + full.y2());
    assertEquals(full.y1(), part.y1(), "the head stays visible");
    assertTrue(part.x1() >= full.x1() && part.x2() <= full.x2(), "visible box lies inside the unoccluded box");
    assertTrue(part.occlusion() > 0.1 && part.occlusion() < 0.9, "occlusion " + part.occlusion());
    assertTrue(part.visiblePx() < full.visiblePx());
    assertTrue(part.px() >= part.x1() && part.px() < part.x2() && part.py() >= part.y1() && part.py() < part.y2(),
        "the visible point lies in the visible box");
  }

  @Test
  void objectLeavingTheFrameIsClippedThenAbsent() {
    SceneObject ball = TestScenes.rollingBall(1, 0f, 5f, 3.0f, 0f);
    Scene scene = TestScenes.yard(ball);
    FrameRenderer renderer = new FrameRenderer(W, H, 1);
    boolean sawClipped = false, sawAbsentAfter = false;
    for (int f = 1; f <= 120; f++) {
      if (f > 1) scene.step(1 / 30f);
      FrameLabels.ObjectLabel o = find(renderer.render(scene, f).labels(), 1);
      if (o != null) {
        assertTrue(o.x1() >= 0 && o.y1() >= 0 && o.x2() <= W && o.y2() <= H, "box inside the image");
        assertTrue(!sawAbsentAfter, "once gone to the right it does not come back within 120 frames");
        if (o.x2() == W && o.x1() > W / 2) sawClipped = true;
      } else if (sawClipped) {
        sawAbsentAfter = true;
      }
    }
    assertTrue(sawClipped, "the ball's box was clipped at the right edge");
    assertTrue(sawAbsentAfter, "then the ball was absent");
  }

  @Test
  void minimumVisiblePixelsFiltersSlivers() {
    SceneObject far = TestScenes.object(1, ObjectClass.BALL, NamedColor.WHITE, 0.15f, 0f, 12f);
    FrameLabels.ObjectLabel tiny = find(new FrameRenderer(W, H, 1).render(TestScenes.yard(far), 1).labels(), 1);
    assertNotNull(tiny);
    SceneObject far2 = TestScenes.object(1, ObjectClass.BALL, NamedColor.WHITE, 0.15f, 0f, 12f);
    assertNull(find(new FrameRenderer(W, H, tiny.visiblePx() + 1).render(TestScenes.yard(far2), 1).labels(), 1));
  }
}
