package dev.glimpse.sim;

import dev.glimpse.sim.scene.NamedColor;
import dev.glimpse.sim.scene.ObjectClass;
import java.util.List;

/**
 * Ground truth of one rendered frame.
 *
 * @param scene   the scene seed
 * @param frame   1-based frame number (as MOTChallenge)
 * @param objects every labelled object with at least the minimum number of visible pixels, in id order
 */
public record FrameLabels(long scene, int frame, List<ObjectLabel> objects) {
  public FrameLabels {
    objects = List.copyOf(objects);
  }

  /**
   * One visible object. Pixel coordinates of the rendered image: the box spans visible pixels' edges
   * ({@code x2 = last visible column + 1}); the point is the visible pixel nearest the visible mask's centroid.
   *
   * @param occlusion fraction of the object's own silhouette inside the image hidden by other surfaces, [0, 1)
   * @param visiblePx number of visible pixels
   */
  public record ObjectLabel(int id, ObjectClass cls, NamedColor color, int x1, int y1, int x2, int y2, int px, int py,
                            double occlusion, int visiblePx) {}
}
