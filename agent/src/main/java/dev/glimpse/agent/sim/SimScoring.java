package dev.glimpse.agent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.csa.engine.Query;
import dev.glimpse.sim.eval.MotRow;
import dev.glimpse.sim.eval.MotSequence;
import dev.glimpse.sim.scene.ObjectClass;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ground truth for one query from a rendered sequence (gt/gt.txt + labels.jsonl): the rows of the objects the
 * query targets (a class, a colour and a class, or every object), relabelled as the scored class, and per-frame
 * detection recall / precision at IoU ≥ 0.5 (one-to-one, greedy by IoU; only "considered" objects count as
 * misses, and a detection on an unconsidered barely-visible object is not a false positive).
 */
final class SimScoring {
  private SimScoring() {}

  /** Object id → colour, from labels.jsonl (the colour never changes). */
  static Map<Long, String> colours(Path labelsJsonl) throws IOException {
    Map<Long, String> out = new HashMap<>();
    if (!Files.isRegularFile(labelsJsonl)) return out;
    ObjectMapper m = new ObjectMapper();
    for (String line : Files.readAllLines(labelsJsonl)) {
      if (line.isBlank()) continue;
      for (JsonNode o : m.readTree(line).path("objects")) out.putIfAbsent(o.path("id").asLong(), o.path("color").asText());
    }
    return out;
  }

  /** The ground truth of the query's target, relabelled as class 1 (what MotMetrics scores). */
  static MotSequence forQuery(MotSequence gt, Query q, Map<Long, String> colours) {
    String[] words = q.target().split(" ");
    String cls = words[words.length - 1], colour = words.length == 2 ? words[0] : null;
    Integer classId = cls.equals("objects") ? null : ObjectClass.ofLabel(cls).motId();
    List<MotRow> rows = new ArrayList<>();
    for (MotRow r : gt.rows()) {
      if (classId != null && r.classId() != classId) continue;
      if (colour != null && !colour.equals(colours.get(r.id()))) continue;
      rows.add(new MotRow(r.frame(), r.id(), r.left(), r.top(), r.width(), r.height(), r.conf(), MotRow.PEDESTRIAN,
          r.y(), r.z()));
    }
    return new MotSequence(gt.name(), gt.length(), rows);
  }

  /** Matched / predicted / considered counts accumulated over frames. */
  static final class Counts {
    long tp, fp, fn;

    double recall() { return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn); }

    double precision() { return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp); }
  }

  /**
   * Adds one frame: predictions against the frame's target rows. A box matches at IoU ≥ 0.5; a point matches a
   * box it lies in (closer to the box centre first), as the model's point hit rate (docs/model.md §8.4).
   */
  static void score(Counts c, List<Detection> pred, List<MotRow> truth) {
    record Pair(double sim, int p, int g) {}
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < pred.size(); i++) {
      Detection d = pred.get(i);
      for (int j = 0; j < truth.size(); j++) {
        Box g = truth.get(j).box();
        double v = d.isBox() ? d.box().iou(g)
            : g.contains(d.point()) ? 1.0 / (1.0 + d.point().distance(new dev.glimpse.types.Point(g.centerX(), g.centerY()))) : 0;
        if (d.isBox() ? v >= 0.5 : v > 0) pairs.add(new Pair(v, i, j));
      }
    }
    pairs.sort((a, b) -> Double.compare(b.sim(), a.sim()));
    boolean[] usedP = new boolean[pred.size()], usedG = new boolean[truth.size()];
    for (Pair p : pairs) {
      if (usedP[p.p()] || usedG[p.g()]) continue;
      usedP[p.p()] = true;
      usedG[p.g()] = true;
      if (truth.get(p.g()).considered()) c.tp++;
    }
    for (int i = 0; i < pred.size(); i++) if (!usedP[i]) c.fp++;
    for (int j = 0; j < truth.size(); j++) if (!usedG[j] && truth.get(j).considered()) c.fn++;
  }
}
