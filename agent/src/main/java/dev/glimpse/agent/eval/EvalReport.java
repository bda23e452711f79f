package dev.glimpse.agent.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One engine's answers to a manifest and their metrics, in the file format that training/eval_manifest.py writes as
 * {@code pytorch.json} and {@code glimpse eval model} writes as {@code java.json}: engine, model, trained_steps,
 * metrics (evaluate.py {@code score}'s dict: the headline keys, n_queries, by, by_n), seconds, and per query
 * {@code {"scene", "query", "answer", "tokens"}} in manifest order. One answer per line, so files diff well.
 */
public record EvalReport(String engine, String model, Integer trainedSteps, GroundingMetrics.Result metrics,
    double seconds, List<AnswerRecord> answers) {
  public EvalReport {
    answers = List.copyOf(answers);
  }

  /** One raw answer: the scene id, the query text, the detokenised answer and its token ids. */
  public record AnswerRecord(int scene, String query, String answer, int[] tokens) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  public void write(Path file) throws IOException {
    ObjectNode head = JSON.createObjectNode();
    head.put("engine", engine);
    head.put("model", model);
    if (trainedSteps != null) head.put("trained_steps", trainedSteps);
    else head.putNull("trained_steps");
    head.set("metrics", metricsJson(metrics));
    head.put("seconds", Math.round(seconds * 10) / 10.0);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      String h = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(head);
      w.write(h.substring(0, h.lastIndexOf('}')).stripTrailing());
      w.write(",\n  \"answers\" : [");
      for (int i = 0; i < answers.size(); i++) {
        AnswerRecord a = answers.get(i);
        ObjectNode o = JSON.createObjectNode();
        o.put("scene", a.scene());
        o.put("query", a.query());
        o.put("answer", a.answer());
        ArrayNode t = o.putArray("tokens");
        for (int id : a.tokens()) t.add(id);
        w.write(i == 0 ? "\n    " : ",\n    ");
        w.write(JSON.writeValueAsString(o));
      }
      w.write("\n  ]\n}\n");
    }
  }

  /** evaluate.py's metrics dict: headline keys, n_queries, by, by_n. */
  public static ObjectNode metricsJson(GroundingMetrics.Result r) {
    ObjectNode m = JSON.createObjectNode();
    r.metrics().forEach(m::put);
    m.put("n_queries", r.queries());
    ObjectNode by = m.putObject("by"), byN = m.putObject("by_n");
    r.by().forEach(by::put);
    r.byN().forEach(byN::put);
    return m;
  }

  /** Reads a report; every missing or mistyped field is listed in one error. */
  public static EvalReport read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not a JSON report: " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    JsonNode m = root.path("metrics");
    Map<String, Double> headline = new LinkedHashMap<>();
    for (String k : GroundingMetrics.KEYS) {
      if (m.path(k).isNumber()) headline.put(k, m.path(k).asDouble());
      else problems.add("metrics." + k + ": expected a number");
    }
    if (!m.path("n_queries").isInt()) problems.add("metrics.n_queries: expected an integer");
    Map<String, Double> by = new HashMap<>();
    Map<String, Integer> byN = new HashMap<>();
    m.path("by").properties().forEach(e -> by.put(e.getKey(), e.getValue().asDouble()));
    m.path("by_n").properties().forEach(e -> byN.put(e.getKey(), e.getValue().asInt()));
    List<AnswerRecord> answers = new ArrayList<>();
    JsonNode arr = root.path("answers");
    if (!arr.isArray()) problems.add("answers: expected an array");
    for (int i = 0; i < arr.size(); i++) {
      JsonNode a = arr.get(i);
      JsonNode t = a.path("tokens");
      if (!a.path("scene").isInt() || !a.path("query").isTextual() || !a.path("answer").isTextual() || !t.isArray()) {
        problems.add("answers[" + i + "]: expected {scene, query, answer, tokens}");
        continue;
      }
      int[] tokens = new int[t.size()];
      for (int k = 0; k < tokens.length; k++) tokens[k] = t.get(k).asInt();
      answers.add(new AnswerRecord(a.path("scene").asInt(), a.path("query").asText(), a.path("answer").asText(),
          tokens));
    }
    if (!problems.isEmpty()) {
      throw new IOException(file + " is not an eval report (pytorch.json of training.eval_manifest): "
          + String.join("; ", problems.size() > 10 ? problems.subList(0, 10) : problems));
    }
    GroundingMetrics.Result r = new GroundingMetrics.Result(headline, m.path("n_queries").asInt(), new TreeMap<>(by),
        new TreeMap<>(byN));
    Integer steps = root.path("trained_steps").isInt() ? root.path("trained_steps").asInt() : null;
    return new EvalReport(root.path("engine").asText("?"), root.path("model").asText("?"), steps, r,
        root.path("seconds").asDouble(0), answers);
  }
}
