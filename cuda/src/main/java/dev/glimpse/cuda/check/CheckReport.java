package dev.glimpse.cuda.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs named checks one after another, printing {@code PASS}/{@code FAIL}/{@code ERROR} with the measured error and
 * the tolerance as each finishes; a check that throws is reported and the next one runs.
 */
public final class CheckReport {
  /** One outcome: error = max|a − b| / max|b| against the reference (NaN when the check threw). */
  public record Result(String name, String status, double error, double tolerance, String detail) {
    public boolean passed() { return status.equals("PASS"); }
  }

  /** A check: returns its error and a detail line (or throws). */
  @FunctionalInterface
  public interface Check {
    Measured run() throws Exception;
  }

  /** What a check measured. */
  public record Measured(double error, String detail) {}

  private final PrintStream out;
  private final List<Result> results = new ArrayList<>();
  private Path jsonFile;
  private ObjectNode jsonContext;

  public CheckReport(PrintStream out) { this.out = out; }

  /** Rewrites {@code file} after every check, so that a run cut short still leaves what it measured. */
  public void writeAsYouGo(Path file, ObjectNode context) {
    this.jsonFile = file;
    this.jsonContext = context;
  }

  public Result run(String name, double tolerance, Check check) {
    long t0 = System.nanoTime();
    Result r;
    try {
      Measured m = check.run();
      boolean ok = m.error() <= tolerance;                       // NaN fails
      r = new Result(name, ok ? "PASS" : "FAIL", m.error(), tolerance, m.detail());
    } catch (Throwable t) {
      String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
      for (Throwable c = t.getCause(); c != null; c = c.getCause()) msg += " / caused by " + c;
      r = new Result(name, "ERROR", Double.NaN, tolerance, msg);
    }
    results.add(r);
    out.printf("%-5s %-46s max_rel_err=%-10.3e tol=%-8.1e %5.1fs %s%n", r.status(), name, r.error(), tolerance,
        (System.nanoTime() - t0) / 1e9, r.detail() == null ? "" : r.detail());
    out.flush();
    if (jsonFile != null) {
      try {
        writeJson(jsonFile, jsonContext);
      } catch (IOException e) {
        out.println("cannot write " + jsonFile + ": " + e.getMessage());
      }
    }
    return r;
  }

  public List<Result> results() { return List.copyOf(results); }

  public boolean allPassed() { return results.stream().allMatch(Result::passed); }

  public String summary() {
    long pass = results.stream().filter(Result::passed).count();
    return pass + " passed, " + (results.size() - pass) + " failed";
  }

  /** Writes {@code {"context": ..., "checks": [...]}} to {@code file}. */
  public void writeJson(Path file, ObjectNode context) throws IOException {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = m.createObjectNode();
    root.set("context", context);
    ArrayNode a = root.putArray("checks");
    for (Result r : results) {
      ObjectNode o = a.addObject();
      o.put("name", r.name());
      o.put("status", r.status());
      if (Double.isFinite(r.error())) o.put("max_rel_err", r.error());
      else o.putNull("max_rel_err");
      o.put("tolerance", r.tolerance());
      o.put("detail", r.detail());
    }
    m.writeValue(file.toFile(), root);
  }

  /** max |a − b| / max |b| (the error relative to the reference's scale); NaN anywhere gives NaN. */
  public static double relError(float[] actual, float[] expected) {
    if (actual.length != expected.length) throw new IllegalArgumentException("length " + actual.length + " != " + expected.length);
    double diff = 0, scale = 0;
    for (int i = 0; i < actual.length; i++) {
      double d = Math.abs((double) actual[i] - expected[i]);
      if (Double.isNaN(d)) return Double.NaN;
      diff = Math.max(diff, d);
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return diff / Math.max(scale, 1e-30);
  }
}
