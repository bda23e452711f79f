package dev.glimpse.agent.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.eval.EvalReport.AnswerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * This engine's metrics side by side with a reference run's (PyTorch's {@code pytorch.json}) on the same manifest:
 * per metric both values in points (percent) and their difference, the answers that differ textually, and whether
 * this module's scoring of the reference's own answers reproduces the reference's metrics (a check of the metric
 * port itself, independent of the engines).
 *
 * @param headline        one row per {@link GroundingMetrics#KEYS}
 * @param byClass         one row per by-class / by-occlusion key present in either run
 * @param compared        answers compared (the manifest's queries)
 * @param differing       answers whose text differs, with both texts
 * @param scoringMismatch metric keys where the reference's answers scored here differ from the reference's numbers
 */
public record MetricsComparison(List<Row> headline, List<Row> byClass, int compared, List<Difference> differing,
    List<String> scoringMismatch) {

  /** One metric: values in 0..1 (NaN when a run lacks the key) and, for by-class rows, the GT count. */
  public record Row(String key, double ours, double reference, int n) {
    /** ours − reference in points (percent). */
    public double diffPoints() { return 100 * (ours - reference); }
  }

  /** One query answered differently. */
  public record Difference(int index, int scene, String query, String ours, String reference) {}

  /**
   * @param ours             this engine's report
   * @param reference        the reference's report, on the same manifest (same queries in the same order)
   * @param referenceScored  the reference's answers scored by {@link GroundingMetrics}
   */
  public static MetricsComparison of(EvalReport ours, EvalReport reference, GroundingMetrics.Result referenceScored) {
    if (ours.answers().size() != reference.answers().size()) {
      throw new IllegalArgumentException("the reference holds " + reference.answers().size() + " answers, this run "
          + ours.answers().size() + ": it was not made from this manifest");
    }
    List<Row> headline = new ArrayList<>();
    for (String k : GroundingMetrics.KEYS) {
      headline.add(new Row(k, ours.metrics().metrics().get(k), reference.metrics().metrics().get(k), 0));
    }
    TreeSet<String> keys = new TreeSet<>(ours.metrics().by().keySet());
    keys.addAll(reference.metrics().by().keySet());
    List<Row> byClass = new ArrayList<>();
    for (String k : keys) {
      byClass.add(new Row(k, ours.metrics().by().getOrDefault(k, Double.NaN),
          reference.metrics().by().getOrDefault(k, Double.NaN),
          Math.max(ours.metrics().byN().getOrDefault(k, 0), reference.metrics().byN().getOrDefault(k, 0))));
    }
    List<Difference> differing = new ArrayList<>();
    for (int i = 0; i < ours.answers().size(); i++) {
      AnswerRecord a = ours.answers().get(i), b = reference.answers().get(i);
      if (a.scene() != b.scene() || !a.query().equals(b.query())) {
        throw new IllegalArgumentException("answer " + i + " of the reference is scene " + b.scene() + " '" + b.query()
            + "', this run's is scene " + a.scene() + " '" + a.query() + "': it was not made from this manifest");
      }
      if (!a.answer().equals(b.answer())) differing.add(new Difference(i, a.scene(), a.query(), a.answer(), b.answer()));
    }
    List<String> mismatch = new ArrayList<>();
    Map<String, Double> refM = reference.metrics().metrics();
    for (String k : GroundingMetrics.KEYS) {
      if (Math.abs(referenceScored.metrics().get(k) - refM.get(k)) > 1e-12) mismatch.add(k);
    }
    if (referenceScored.queries() != reference.metrics().queries()) mismatch.add("n_queries");
    if (!referenceScored.by().equals(reference.metrics().by()) || !referenceScored.byN().equals(reference.metrics().byN())) {
      mismatch.add("by");
    }
    return new MetricsComparison(headline, byClass, ours.answers().size(), differing, mismatch);
  }

  /** The largest |difference| of the headline metrics, in points. */
  public double maxHeadlineDiffPoints() {
    return headline.stream().mapToDouble(r -> Math.abs(r.diffPoints())).max().orElse(0);
  }

  /** Whether every headline metric is within {@code points} and the scoring check passed. */
  public boolean passes(double points) { return maxHeadlineDiffPoints() <= points && scoringMismatch.isEmpty(); }

  /** The side-by-side table, the differing answers (at most {@code listed}) and the verdict. */
  public String table(String oursName, String referenceName, double tolerancePoints, int listed) {
    StringBuilder sb = new StringBuilder();
    String head = "%-22s %10s %10s %11s%n";
    sb.append(String.format(Locale.ROOT, head, "metric (points)", oursName, referenceName, "difference"));
    for (Row r : headline) sb.append(row(r, false));
    sb.append(String.format(Locale.ROOT, "%nby class and occlusion (box recall, point hits):%n"));
    sb.append(String.format(Locale.ROOT, "%-22s %10s %10s %11s %6s%n", "key", oursName, referenceName, "difference",
        "gt"));
    for (Row r : byClass) sb.append(row(r, true));
    sb.append(String.format(Locale.ROOT, "%nanswers: %d compared, %d differ textually%n", compared, differing.size()));
    for (Difference d : differing.subList(0, Math.min(listed, differing.size()))) {
      sb.append(String.format(Locale.ROOT, "  #%d scene %d '%s'%n    %-8s %s%n    %-8s %s%n", d.index(), d.scene(),
          d.query(), oursName, d.ours(), referenceName, d.reference()));
    }
    if (differing.size() > listed) sb.append("  ... and ").append(differing.size() - listed).append(" more\n");
    sb.append(scoringMismatch.isEmpty()
        ? "scoring: the " + referenceName + " answers scored here give exactly the " + referenceName + " metrics\n"
        : "scoring MISMATCH: the " + referenceName + " answers scored here differ from the " + referenceName
            + " metrics in " + scoringMismatch + " (the metric definitions have drifted apart)\n");
    sb.append(String.format(Locale.ROOT, "%s: largest headline difference %.2f points (tolerance %.2f)%n",
        passes(tolerancePoints) ? "PASS" : "FAIL", maxHeadlineDiffPoints(), tolerancePoints));
    return sb.toString();
  }

  private static String row(Row r, boolean withN) {
    String s = String.format(Locale.ROOT, "%-22s %10s %10s %11s", r.key(), pts(r.ours()), pts(r.reference()),
        Double.isNaN(r.diffPoints()) ? "-" : String.format(Locale.ROOT, "%+.2f", r.diffPoints()));
    return (withN ? s + String.format(Locale.ROOT, " %6d", r.n()) : s) + "\n";
  }

  private static String pts(double v) { return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v); }

  /** The comparison as JSON: rows keyed by metric, counts, the differing answers and the verdict. */
  public ObjectNode toJson(double tolerancePoints) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    ObjectNode rows = o.putObject("metrics");
    for (Row r : headline) {
      rows.putObject(r.key()).put("ours", r.ours()).put("reference", r.reference()).put("diff_points", r.diffPoints());
    }
    ObjectNode by = o.putObject("by");
    for (Row r : byClass) {
      ObjectNode b = by.putObject(r.key()).put("n", r.n());
      if (!Double.isNaN(r.ours())) b.put("ours", r.ours());
      if (!Double.isNaN(r.reference())) b.put("reference", r.reference());
    }
    o.put("answers_compared", compared);
    o.put("answers_differing", differing.size());
    var diffs = o.putArray("differing");
    for (Difference d : differing) {
      diffs.addObject().put("index", d.index()).put("scene", d.scene()).put("query", d.query()).put("ours", d.ours())
          .put("reference", d.reference());
    }
    var mm = o.putArray("scoring_mismatch");
    scoringMismatch.forEach(mm::add);
    o.put("max_diff_points", maxHeadlineDiffPoints());
    o.put("tolerance_points", tolerancePoints);
    o.put("pass", passes(tolerancePoints));
    return o;
  }
}
