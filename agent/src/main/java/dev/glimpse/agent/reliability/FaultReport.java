package dev.glimpse.agent.reliability;

import dev.glimpse.agent.plot.Plots;
import dev.glimpse.agent.reliability.FaultRun.Cycle;
import dev.glimpse.agent.reliability.FaultRun.Kind;
import dev.glimpse.agent.reliability.FaultRun.Outcome;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The fault run on paper: the summary table (min/median/p99/max per measurement), {@code cycles.csv},
 * {@code samples.csv}, and three PNG plots (recovery per cycle, memory over time, threads and descriptors over time).
 */
public final class FaultReport {
  static final Color KILL = new Color(200, 60, 50), FREEZE = new Color(60, 100, 200), LIMIT = new Color(120, 120, 120);

  private FaultReport() {}

  /** The summary printed at the end of a run and saved as summary.txt. */
  public static String table(Outcome o) {
    StringBuilder sb = new StringBuilder();
    List<Cycle> kills = o.of(Kind.KILL), freezes = o.of(Kind.FREEZE);
    sb.append(String.format(Locale.ROOT, "model %s, %d kill -9/restart and %d SIGSTOP/SIGCONT cycles in %.0f s (stall timeout %d ms); %s%n",
        o.model(), kills.size(), freezes.size(), o.seconds(), o.options().stallTimeout().toMillis(), ResourceSample.jvmMemory()));
    sb.append(String.format(Locale.ROOT, "%-44s %4s %7s %7s %7s %7s%n", "ms", "n", "min", "median", "p99", "max"));
    row(sb, "kill: server listening → first frame", kills, Cycle::recoveryMs);
    row(sb, "kill: restart command → first frame", kills, Cycle::fromSpawnMs);
    row(sb, "kill: server listening → first engine result", kills, Cycle::resultMs);
    row(sb, "freeze: SIGSTOP → stall detected", freezes, Cycle::detectMs);
    row(sb, "freeze: SIGCONT → first frame", freezes, Cycle::recoveryMs);
    row(sb, "freeze: SIGCONT → first engine result", freezes, Cycle::resultMs);
    ResourceSample b = o.baseline(), e = o.end();
    if (b != null && e != null) {
      sb.append(String.format(Locale.ROOT, "RSS after cycle 1 %.1f MiB, at the end %.1f MiB: %+.1f MiB (limit %+.0f); heap after GC %.1f → %.1f MiB, committed %.0f → %.0f MiB%n",
          b.rssMiB(), e.rssMiB(), e.rssMiB() - b.rssMiB(), o.options().rssGrowthLimit() / 1048576.0, b.heapMiB(), e.heapMiB(),
          b.heapCommittedMiB(), e.heapCommittedMiB()));
      LeastSquares.Fit fit = rssFit(o);
      if (fit != null) {
        sb.append(String.format(Locale.ROOT, "RSS least-squares slope after cycle 1: %+.2f ± %.2f MiB/min over %d samples%n",
            fit.slope() * 60, fit.slopeStdErr() * 60, fit.n()));
      }
      sb.append(String.format(Locale.ROOT, "threads Java %d → %d (max %d), OS %d → %d (max %d); file descriptors %d → %d (max %d)%n",
          b.javaThreads(), e.javaThreads(), max(o, ResourceSample::javaThreads), b.osThreads(), e.osThreads(),
          max(o, ResourceSample::osThreads), b.fds(), e.fds(), max(o, ResourceSample::fds)));
    }
    if (o.stats() != null) {
      sb.append("stream: ").append(o.stats()).append("; published ").append(o.counts().results())
          .append(", engine failures ").append(o.engineFailures()).append('\n');
    }
    List<String> v = o.violations();
    sb.append(v.isEmpty() ? "PASS: every recovery ≤ " + o.options().recoveryLimit().toMillis() + " ms, no crash, RSS and threads bounded\n"
        : "FAIL:\n  " + String.join("\n  ", v) + "\n");
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, List<Cycle> cs, ToDoubleFunction<Cycle> f) {
    Summary s = Summary.of(cs.stream().mapToDouble(f).toArray());
    sb.append(String.format(Locale.ROOT, "%-44s %s%n", name, s.row()));
  }

  private static int max(Outcome o, java.util.function.ToIntFunction<ResourceSample> f) {
    return o.samples().stream().mapToInt(f).max().orElse(0);
  }

  /** RSS (MiB) against time (s) from the baseline on, or null with fewer than 3 samples there. */
  static LeastSquares.Fit rssFit(Outcome o) {
    if (o.baseline() == null) return null;
    List<ResourceSample> after = o.samples().stream().filter(s -> s.seconds() >= o.baseline().seconds()).toList();
    if (after.size() < 3) return null;
    return LeastSquares.fit(after.stream().mapToDouble(ResourceSample::seconds).toArray(),
        after.stream().mapToDouble(ResourceSample::rssMiB).toArray());
  }

  /** Writes summary.txt, cycles.csv, samples.csv, recovery.png, memory.png and threads.png into {@code dir}; the summary. */
  public static String write(Outcome o, Path dir) throws IOException {
    Files.createDirectories(dir);
    String summary = table(o);
    Files.writeString(dir.resolve("summary.txt"), summary);
    StringBuilder c = new StringBuilder("kind,cycle,at_s,detect_ms,recovery_ms,from_spawn_ms,result_ms,reconnects\n");
    for (Cycle x : o.cycles()) {
      c.append(String.format(Locale.ROOT, "%s,%d,%.3f,%s,%.1f,%s,%.1f,%d%n", x.kind().name().toLowerCase(Locale.ROOT),
          x.index(), x.atSeconds(), num(x.detectMs()), x.recoveryMs(), num(x.fromSpawnMs()), x.resultMs(), x.attempts()));
    }
    Files.writeString(dir.resolve("cycles.csv"), c);
    StringBuilder s = new StringBuilder(CSV_HEADER + "\n");
    for (ResourceSample r : o.samples()) s.append(csv(r));
    Files.writeString(dir.resolve("samples.csv"), s);

    List<Plots.XySeries> rec = new ArrayList<>();
    List<Cycle> kills = o.of(Kind.KILL), freezes = o.of(Kind.FREEZE);
    rec.add(series("kill -9: listening → first frame", kills, Cycle::recoveryMs, KILL));
    if (!freezes.isEmpty()) rec.add(series("SIGSTOP: SIGCONT → first frame", freezes, Cycle::recoveryMs, FREEZE));
    int n = Math.max(kills.size(), freezes.size());
    double lim = o.options().recoveryLimit().toMillis();
    rec.add(new Plots.XySeries("limit " + (long) lim + " ms", new double[] {1, n}, new double[] {lim, lim}, LIMIT, false));
    Plots.xy(dir.resolve("recovery.png"), "recovery per outage cycle", "cycle", "ms", rec);
    memoryPlot(o.samples(), dir.resolve("memory.png"), "process memory during the fault run");
    threadPlot(o.samples(), dir.resolve("threads.png"), "threads and file descriptors during the fault run");
    return summary;
  }

  static final String CSV_HEADER = "t_s,rss_mib,heap_mib,heap_committed_mib,after_gc,java_threads,os_threads,fds";

  static String csv(ResourceSample r) {
    return String.format(Locale.ROOT, "%.3f,%.2f,%.2f,%.2f,%b,%d,%d,%d%n", r.seconds(), r.rssMiB(), r.heapMiB(),
        r.heapCommittedMiB(), r.afterGc(), r.javaThreads(), r.osThreads(), r.fds());
  }

  static void memoryPlot(List<ResourceSample> samples, Path png, String title) throws IOException {
    double[] t = minutes(samples);
    Plots.xy(png, title, "minutes", "MiB", List.of(
        new Plots.XySeries("RSS", t, samples.stream().mapToDouble(ResourceSample::rssMiB).toArray(), KILL, false),
        new Plots.XySeries("heap committed", t, samples.stream().mapToDouble(ResourceSample::heapCommittedMiB).toArray(), LIMIT, false),
        new Plots.XySeries(samples.stream().allMatch(ResourceSample::afterGc) ? "heap after full GC" : "heap in use",
            t, samples.stream().mapToDouble(ResourceSample::heapMiB).toArray(), FREEZE, false)));
  }

  static void threadPlot(List<ResourceSample> samples, Path png, String title) throws IOException {
    double[] t = minutes(samples);
    Plots.xy(png, title, "minutes", "count", List.of(
        new Plots.XySeries("OS threads", t, samples.stream().mapToDouble(ResourceSample::osThreads).toArray(), KILL, false),
        new Plots.XySeries("Java threads", t, samples.stream().mapToDouble(ResourceSample::javaThreads).toArray(), FREEZE, false),
        new Plots.XySeries("file descriptors", t, samples.stream().mapToDouble(ResourceSample::fds).toArray(), LIMIT, false)));
  }

  private static double[] minutes(List<ResourceSample> samples) {
    return samples.stream().mapToDouble(r -> r.seconds() / 60).toArray();
  }

  private static Plots.XySeries series(String name, List<Cycle> cs, ToDoubleFunction<Cycle> f, Color color) {
    return new Plots.XySeries(name, cs.stream().mapToDouble(Cycle::index).toArray(), cs.stream().mapToDouble(f).toArray(), color, true);
  }

  private static String num(double v) { return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : ""; }
}
