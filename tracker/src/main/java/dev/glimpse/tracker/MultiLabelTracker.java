package dev.glimpse.tracker;

import dev.glimpse.types.Detection;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The tracker the agent runs: one {@link ByteTracker} per query label and primitive kind, so a {@code person}
 * track never absorbs a {@code cone} detection and a box never continues a point track. All per-label trackers
 * draw ids from one {@link IdSource}, so ids are unique across labels.
 *
 * <p>Per-label trackers are created when a label first appears and dropped when they hold no track; they are kept
 * in a sorted map and updated in label order, so ids are handed out in the same order on every run. Every live
 * per-label tracker is updated on every frame, with an empty list when its label is absent, so its lost tracks
 * age and expire.
 */
public final class MultiLabelTracker implements Tracker {

  private final TrackerConfig config;
  private final IdSource ids;
  private final Map<String, ByteTracker> boxTrackers = new TreeMap<>();
  private final Map<String, ByteTracker> pointTrackers = new TreeMap<>();

  public MultiLabelTracker(TrackerConfig config, IdSource ids) {
    this.config = Objects.requireNonNull(config, "config");
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  /** A tracker with ids 1, 2, 3, … */
  public MultiLabelTracker(TrackerConfig config) { this(config, IdSource.sequential()); }

  @Override
  public List<Track> update(Detections dets) {
    Map<String, List<Detection>> boxes = new TreeMap<>();
    Map<String, List<Detection>> points = new TreeMap<>();
    for (Detection d : dets.items()) {
      (d.isBox() ? boxes : points).computeIfAbsent(d.label(), k -> new ArrayList<>()).add(d);
    }
    List<Track> out = new ArrayList<>();
    route(dets, boxes, boxTrackers, true, out);
    route(dets, points, pointTrackers, false, out);
    out.sort(Comparator.comparingLong(Track::id));
    return out;
  }

  @Override
  public void reset() {
    boxTrackers.clear();
    pointTrackers.clear();
    ids.reset();
  }

  private void route(Detections frame, Map<String, List<Detection>> byLabel, Map<String, ByteTracker> trackers,
                     boolean box, List<Track> out) {
    for (String label : byLabel.keySet()) {
      trackers.computeIfAbsent(label, k -> box ? ByteTracker.forBoxes(config, ids) : ByteTracker.forPoints(config, ids));
    }
    var it = trackers.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
      List<Detection> items = byLabel.getOrDefault(entry.getKey(), List.of());
      Detections sub = new Detections(frame.streamId(), frame.sequence(), frame.stamp(), frame.frameId(),
          frame.width(), frame.height(), items);
      out.addAll(entry.getValue().update(sub));
      if (entry.getValue().isEmpty()) it.remove();
    }
  }
}
