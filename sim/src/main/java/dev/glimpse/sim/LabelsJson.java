package dev.glimpse.sim;

/**
 * Writes {@link FrameLabels} as one JSON object per line ({@code labels.jsonl}, the raw stream's frame header).
 * Hand-written so the bytes are stable across library versions: the same scene gives byte-identical labels.
 * <pre>{"frame": 1, "objects": [{"id": 3, "class": "person", "color": "red", "box": [x1, y1, x2, y2],
 *  "point": [x, y], "occlusion": 0.2, "visible_px": 1234}]}</pre>
 */
public final class LabelsJson {
  private LabelsJson() {}

  /** The labels.jsonl line (without the newline). With {@code withScene} the scene seed is included first. */
  public static String line(FrameLabels l, boolean withScene) {
    StringBuilder sb = new StringBuilder(64 + 160 * l.objects().size());
    sb.append('{');
    if (withScene) sb.append("\"scene\": ").append(l.scene()).append(", ");
    sb.append("\"frame\": ").append(l.frame()).append(", \"objects\": [");
    boolean first = true;
    for (FrameLabels.ObjectLabel o : l.objects()) {
      if (!first) sb.append(", ");
      first = false;
      sb.append("{\"id\": ").append(o.id())
          .append(", \"class\": \"").append(o.cls().label())
          .append("\", \"color\": \"").append(o.color().label())
          .append("\", \"box\": [").append(o.x1()).append(", ").append(o.y1()).append(", ").append(o.x2()).append(", ").append(o.y2())
          .append("], \"point\": [").append(o.px()).append(", ").append(o.py())
          .append("], \"occlusion\": ").append(o.occlusion())
          .append(", \"visible_px\": ").append(o.visiblePx()).append('}');
    }
    return sb.append("]}").toString();
  }
}
