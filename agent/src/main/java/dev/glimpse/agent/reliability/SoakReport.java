package dev.glimpse.agent.reliability;

import dev.glimpse.agent.plot.Plots;
import dev.glimpse.agent.reliability.SoakRun.Outcome;
import dev.glimpse.agent.reliability.SoakRun.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/** A soak on paper: the summary (fits, counts, verdict), {@code samples.csv}, and memory and thread plots. */
public final class SoakReport {
  private SoakReport() {}

  /** The summary printed at the end of a soak and saved as summary.txt. */
  public static String table(Outcome o) {
    StringBuilder sb = new StringBuilder();
    List<Sample> st = o.steady();
    Sample first = st.getFirst(), last = st.getLast();
    sb.append(String.format(Locale.ROOT, "soak of %.1f min: %s through %s; %s; %d samples every %d s, each after a full GC; fits from %.0f s on (%d samples)%n",
        o.seconds() / 60, o.source(), o.model(), ResourceSample.jvmMemory(), o.samples().size(), o.options().sampleEvery().toSeconds(),
        o.options().warmup().toNanos() / 1e9, st.size()));
    sb.append(String.format(Locale.ROOT, "%-18s %10s %10s %10s %18s %10s%n", "", "start", "end", "max", "slope (± s.e.)", "limit"));
    fitRow(sb, "RSS MiB", first.resources().rssMiB(), last.resources().rssMiB(), st.stream().mapToDouble(s -> s.resources().rssMiB()).max().orElse(0),
        o.rss(), o.options().maxRssSlope());
    fitRow(sb, "heap after GC MiB", first.resources().heapMiB(), last.resources().heapMiB(), st.stream().mapToDouble(s -> s.resources().heapMiB()).max().orElse(0),
        o.heap(), o.options().maxHeapSlope());
    countRow(sb, "Java threads", st, s -> s.resources().javaThreads(), o.options().countSlack());
    countRow(sb, "OS threads", st, s -> s.resources().osThreads(), o.options().countSlack());
    countRow(sb, "file descriptors", st, s -> s.resources().fds(), o.options().countSlack());
    if (o.stats() != null) {
      sb.append("stream: ").append(o.stats()).append('\n');
    }
    sb.append(String.format(Locale.ROOT, "published %d, engine failures %d, sampling intervals without a result %d (longest silence %.0f s, limit %d s)%n",
        o.counts().results(), o.engineFailures(), o.stillIntervals(), o.longestSilence(), o.options().maxSilence().toSeconds()));
    List<String> v = o.violations();
    sb.append(v.isEmpty() ? "PASS: slopes within bounds, threads and descriptors flat, every frame accounted for\n"
        : "FAIL:\n  " + String.join("\n  ", v) + "\n");
    return sb.toString();
  }

  private static void fitRow(StringBuilder sb, String name, double start, double end, double max, LeastSquares.Fit f, double limit) {
    sb.append(String.format(Locale.ROOT, "%-18s %10.1f %10.1f %10.1f %+9.2f ± %5.2f/h %+9.1f/h%n", name, start, end, max,
        f.slope(), f.slopeStdErr(), limit));
  }

  private static void countRow(StringBuilder sb, String name, List<Sample> st, ToIntFunction<Sample> f, int slack) {
    int first = f.applyAsInt(st.getFirst()), last = f.applyAsInt(st.getLast()), max = st.stream().mapToInt(f).max().orElse(first);
    sb.append(String.format(Locale.ROOT, "%-18s %10d %10d %10d %18s %+9d%n", name, first, last, max, "", slack));
  }

  /** Writes summary.txt, samples.csv, memory.png and threads.png into {@code dir}; the summary. */
  public static String write(Outcome o, Path dir) throws IOException {
    Files.createDirectories(dir);
    String summary = table(o);
    Files.writeString(dir.resolve("summary.txt"), summary);
    StringBuilder s = new StringBuilder(FaultReport.CSV_HEADER + ",frames,delivered,drops,results,gaps,state\n");
    for (Sample x : o.samples()) {
      String r = FaultReport.csv(x.resources()).strip();
      s.append(r).append(String.format(Locale.ROOT, ",%d,%d,%d,%d,%d,%s%n", x.frames(), x.delivered(), x.drops(), x.results(), x.gaps(), x.state()));
    }
    Files.writeString(dir.resolve("samples.csv"), s);
    List<ResourceSample> rs = o.samples().stream().map(Sample::resources).toList();
    double[] t = rs.stream().mapToDouble(r -> r.seconds() / 60).toArray();
    double warm = o.options().warmup().toNanos() / 60e9, end = t[t.length - 1];
    Plots.xy(dir.resolve("memory.png"), String.format(Locale.ROOT, "soak: RSS %+.1f MiB/h, heap after GC %+.1f MiB/h (fits after %.0f min)",
        o.rss().slope(), o.heap().slope(), warm), "minutes", "MiB", List.of(
        new Plots.XySeries("RSS", t, rs.stream().mapToDouble(ResourceSample::rssMiB).toArray(), FaultReport.KILL, false),
        fitLine("RSS fit", o.rss(), warm, end),
        new Plots.XySeries("heap after full GC", t, rs.stream().mapToDouble(ResourceSample::heapMiB).toArray(), FaultReport.FREEZE, false),
        fitLine("heap fit", o.heap(), warm, end)));
    FaultReport.threadPlot(rs, dir.resolve("threads.png"), "soak: threads and file descriptors");
    return summary;
  }

  /** The fitted line (MiB against hours) drawn over [from, to] minutes. */
  private static Plots.XySeries fitLine(String name, LeastSquares.Fit f, double fromMin, double toMin) {
    double[] x = {fromMin, toMin};
    double[] y = {f.intercept() + f.slope() * fromMin / 60, f.intercept() + f.slope() * toMin / 60};
    return new Plots.XySeries(name, x, y, FaultReport.LIMIT, false);
  }
}
