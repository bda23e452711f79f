package dev.glimpse.tracker;

import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Point;
import dev.glimpse.types.Stamp;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: frames at a fixed rate and boxes by centre. */
final class Frames {
  private Frames() {}

  /** Frame {@code k} (0-based) of a stream at {@code fps}, stamped k / fps seconds. */
  static Detections frame(long k, double fps, List<Detection> items) {
    return new Detections("cam0", k, Stamp.ofNanos(Math.round(k * 1e9 / fps)), "camera", 1280, 720, items);
  }

  static Detections frame(long k, List<Detection> items) { return frame(k, 30, items); }

  static Detection box(String label, double cx, double cy, double w, double h, double score) {
    return Detection.ofBox(label, new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), score);
  }

  static Detection person(double cx, double cy) { return box("person", cx, cy, 40, 80, 0.9); }

  static Detection point(String label, double x, double y, double score) {
    return Detection.ofPoint(label, new Point(x, y), score);
  }

  static List<Track> tracked(List<Track> tracks) {
    List<Track> out = new ArrayList<>();
    for (Track t : tracks) if (t.state() == TrackState.TRACKED) out.add(t);
    return out;
  }

  /** The TRACKED track whose box or point is nearest to (x, y), or null. */
  static Track nearest(List<Track> tracks, double x, double y) {
    Track best = null;
    double bestD = Double.POSITIVE_INFINITY;
    for (Track t : tracked(tracks)) {
      double tx = t.box() != null ? t.box().centerX() : t.point().x();
      double ty = t.box() != null ? t.box().centerY() : t.point().y();
      double d = Math.hypot(tx - x, ty - y);
      if (d < bestD) {
        bestD = d;
        best = t;
      }
    }
    return best;
  }
}
