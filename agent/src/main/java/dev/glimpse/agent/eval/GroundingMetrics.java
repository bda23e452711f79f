package dev.glimpse.agent.eval;

import dev.glimpse.agent.eval.AnswerSyntax.Parsed;
import dev.glimpse.agent.eval.EvalManifest.GtObject;
import dev.glimpse.agent.eval.EvalManifest.Item;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The single-frame accuracy metrics of docs/model.md §8.4, defined exactly as training/evaluate.py {@code score}
 * (and its {@code iou}, {@code to_pixels}, {@code match_boxes}, {@code match_points}, {@code occ_bin}), so that the
 * numbers of two engines are comparable to the last digit: box recall / precision at IoU ≥ 0.5 (one-to-one, greedy
 * by IoU), point hit rate / precision (a point inside a GT visible box, one-to-one, greedy by L1 distance to the GT
 * point), count exact, absent → empty, syntax validity, and box recall / point hits by class and occlusion bin.
 * Predictions on ignored (barely visible) objects are not false positives. Ties are broken as Python's sort does.
 */
public final class GroundingMetrics {
  public static final double IOU_THRESHOLD = 0.5;
  /** The headline metrics, in evaluate.py's order. */
  public static final List<String> KEYS = List.of("syntax_valid", "box_recall", "box_precision", "point_hit_rate",
      "point_precision", "count_exact", "absent_empty");

  private GroundingMetrics() {}

  /** One answered query: {@code parsed} is null for an answer that is not valid syntax. */
  public record Scored(Item query, Parsed parsed, int width, int height) {}

  /**
   * @param metrics  {@link #KEYS} → value in 0..1
   * @param queries  queries scored
   * @param by       "box:CLASS", "box:OCCBIN", "point:…" → recall, rounded to 4 decimals as evaluate.py does
   * @param byN      the same keys → GT objects counted
   */
  public record Result(Map<String, Double> metrics, int queries, SortedMap<String, Double> by,
      SortedMap<String, Integer> byN) {
    public Result {
      metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
      by = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(by));
      byN = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(byN));
    }
  }

  /** Matched predictions, unmatched predictions that are not on an ignored object, matched GT indices. */
  record Match(int tp, int fp, Set<Integer> matchedGt) {}

  public static Result score(List<Scored> answers) {
    long n = 0, valid = 0, absentN = 0, absentEmpty = 0, boxTp = 0, boxFp = 0, boxGt = 0, ptTp = 0, ptFp = 0, ptGt = 0;
    long countN = 0, countExact = 0;
    SortedMap<String, int[]> by = new TreeMap<>();          // key -> {hits, total}
    for (Scored s : answers) {
      Item q = s.query();
      Parsed p = s.parsed();
      n++;
      if (p != null) valid++;
      else p = new Parsed(List.of(), false, null);
      List<double[]> gtBoxes = new ArrayList<>(), ignBoxes = new ArrayList<>();
      for (GtObject o : q.gt()) gtBoxes.add(o.box());
      for (GtObject o : q.ignored()) ignBoxes.add(o.box());
      if (q.gt().isEmpty()) {
        absentN++;
        boolean empty = p.items().isEmpty() && (p.count() == null || p.count() == 0);
        if (empty) absentEmpty++;
        continue;
      }
      String kind;
      Match m;
      if (q.task().equals("box")) {
        m = matchBoxes(toPixels(p.boxItems(), s.width(), s.height()), gtBoxes, ignBoxes, IOU_THRESHOLD);
        boxTp += m.tp();
        boxFp += m.fp();
        boxGt += gtBoxes.size();
        kind = "box:";
      } else {
        List<double[]> gtPoints = new ArrayList<>();
        for (GtObject o : q.gt()) gtPoints.add(o.point());
        m = matchPoints(toPixels(p.pointItems(), s.width(), s.height()), gtBoxes, gtPoints, ignBoxes);
        ptTp += m.tp();
        ptFp += m.fp();
        ptGt += gtBoxes.size();
        kind = "point:";
        if (q.task().equals("count")) {
          countN++;
          if (p.count() != null && p.count() == q.gt().size()) countExact++;
        }
      }
      for (int j = 0; j < q.gt().size(); j++) {
        GtObject o = q.gt().get(j);
        for (String key : List.of(o.cls(), occBin(o.occlusion()))) {
          int[] ht = by.computeIfAbsent(kind + key, k -> new int[2]);
          if (m.matchedGt().contains(j)) ht[0]++;
          ht[1]++;
        }
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("syntax_valid", ratio(valid, n));
    metrics.put("box_recall", ratio(boxTp, boxGt));
    metrics.put("box_precision", ratio(boxTp, boxTp + boxFp));
    metrics.put("point_hit_rate", ratio(ptTp, ptGt));
    metrics.put("point_precision", ratio(ptTp, ptTp + ptFp));
    metrics.put("count_exact", ratio(countExact, countN));
    metrics.put("absent_empty", ratio(absentEmpty, absentN));
    SortedMap<String, Double> rates = new TreeMap<>();
    SortedMap<String, Integer> totals = new TreeMap<>();
    by.forEach((k, ht) -> {
      rates.put(k, round4(ht[0] / (double) Math.max(1, ht[1])));
      totals.put(k, ht[1]);
    });
    return new Result(metrics, (int) n, rates, totals);
  }

  /** evaluate.py's {@code x / max(1, total)}. */
  private static double ratio(long x, long total) { return x / (double) Math.max(1, total); }

  /** Python's {@code round(x, 4)}: the exact binary value rounded half-even to 4 decimals. */
  static double round4(double x) { return new BigDecimal(x).setScale(4, RoundingMode.HALF_EVEN).doubleValue(); }

  static double iou(double[] a, double[] b) {
    double ix = Math.max(0.0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
    double iy = Math.max(0.0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    double inter = ix * iy;
    double u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    return u > 0 ? inter / u : 0.0;
  }

  /** 0..999 values → pixels (DeepSeek: pixel = v / 999 · size); even positions are x, odd ones y. */
  static List<double[]> toPixels(List<int[]> items, int width, int height) {
    List<double[]> out = new ArrayList<>();
    for (int[] it : items) {
      double[] px = new double[it.length];
      for (int i = 0; i < it.length; i++) px[i] = it[i] / 999.0 * (i % 2 == 0 ? width : height);
      out.add(px);
    }
    return out;
  }

  /** A candidate pair (prediction i, GT j) and its sort key. */
  private record Pair(double key, int i, int j) {}

  /** Greedy one-to-one matching by IoU, highest first (Python: sorted((iou, i, j), reverse=True)). */
  static Match matchBoxes(List<double[]> pred, List<double[]> gt, List<double[]> ignored, double thr) {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < pred.size(); i++) {
      for (int j = 0; j < gt.size(); j++) pairs.add(new Pair(iou(pred.get(i), gt.get(j)), i, j));
    }
    pairs.sort(Comparator.comparingDouble(Pair::key).thenComparingInt(Pair::i).thenComparingInt(Pair::j).reversed());
    Set<Integer> usedP = new HashSet<>(), usedG = new HashSet<>();
    for (Pair p : pairs) {
      if (p.key() < thr) break;
      if (usedP.contains(p.i()) || usedG.contains(p.j())) continue;
      usedP.add(p.i());
      usedG.add(p.j());
    }
    int fp = 0;
    for (int i = 0; i < pred.size(); i++) {
      if (usedP.contains(i)) continue;
      boolean onIgnored = false;
      for (double[] g : ignored) onIgnored |= iou(pred.get(i), g) >= thr;
      if (!onIgnored) fp++;
    }
    return new Match(usedP.size(), fp, usedG);
  }

  /**
   * Greedy one-to-one matching of points inside GT boxes, nearest (L1 to the GT point) first (Python:
   * sorted((dist, i, j))).
   */
  static Match matchPoints(List<double[]> pred, List<double[]> gtBoxes, List<double[]> gtPoints,
      List<double[]> ignored) {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < pred.size(); i++) {
      double[] p = pred.get(i);
      for (int j = 0; j < gtBoxes.size(); j++) {
        double[] q = gtPoints.get(j);
        if (inside(p, gtBoxes.get(j))) pairs.add(new Pair(Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]), i, j));
      }
    }
    pairs.sort(Comparator.comparingDouble(Pair::key).thenComparingInt(Pair::i).thenComparingInt(Pair::j));
    Set<Integer> usedP = new HashSet<>(), usedG = new HashSet<>();
    for (Pair p : pairs) {
      if (usedP.contains(p.i()) || usedG.contains(p.j())) continue;
      usedP.add(p.i());
      usedG.add(p.j());
    }
    int fp = 0;
    for (int i = 0; i < pred.size(); i++) {
      if (usedP.contains(i)) continue;
      boolean onIgnored = false;
      for (double[] b : ignored) onIgnored |= inside(pred.get(i), b);
      if (!onIgnored) fp++;
    }
    return new Match(usedP.size(), fp, usedG);
  }

  private static boolean inside(double[] p, double[] b) {
    return b[0] <= p[0] && p[0] <= b[2] && b[1] <= p[1] && p[1] <= b[3];
  }

  /** evaluate.py OCC_BINS: [0, 0.3), [0.3, 0.6), [0.6, 1.01), anything else in the last bin. */
  static String occBin(double occlusion) {
    if (0.0 <= occlusion && occlusion < 0.3) return "occ<0.3";
    if (0.3 <= occlusion && occlusion < 0.6) return "occ0.3-0.6";
    return "occ>=0.6";
  }
}
