package dev.glimpse.agent.reliability;

import dev.glimpse.agent.runtime.AgentRuntime;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.ingest.StreamStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A soak: one stream through the whole agent ({@link BenchAgent}) for a long time, sampling after a full GC every
 * {@code sampleEvery}: RSS, live heap, threads, file descriptors and the pipeline's counters. A leak shows as a
 * slope, so the verdict rests on least-squares fits over every sample after the warm-up (JIT compilation, heap
 * sizing, the engine's context filling), never on a single sample. Frames are accounted for: the published
 * sequence numbers have exactly as many gaps as the mailbox dropped and the engine failed.
 */
public final class SoakRun {
  /** Bound on the RSS slope, MiB per hour (see docs/RELIABILITY.md for what it was set from). */
  public static final double DEFAULT_MAX_RSS_SLOPE = 32;
  /** Bound on the live-heap slope, MiB per hour. */
  public static final double DEFAULT_MAX_HEAP_SLOPE = 8;

  /**
   * @param duration          how long the stream runs
   * @param sampleEvery       sampling period; each sample follows a full GC (a pause of tens of ms)
   * @param warmup            samples before this are left out of the fits and the count checks
   * @param maxRssSlope       MiB per hour the RSS fit may rise
   * @param maxHeapSlope      MiB per hour the live-heap fit may rise
   * @param countSlack        threads (Java, OS) and descriptors may exceed their first value after the warm-up by
   *                          this many (JIT and GC workers come and go; a leaked decoder brings one per core)
   * @param maxSilence        the longest the pipeline may go without publishing a result (measured in whole
   *                          sampling intervals); a stuck engine or stream shows here
   */
  public record Options(Duration duration, Duration sampleEvery, Duration warmup, double maxRssSlope, double maxHeapSlope,
      int countSlack, Duration maxSilence) {
    public Options {
      if (sampleEvery.toMillis() < 100) throw new IllegalArgumentException("sample period below 100 ms: " + sampleEvery);
      if (duration.compareTo(warmup.plus(sampleEvery.multipliedBy(3))) < 0) {
        throw new IllegalArgumentException("the soak (" + duration + ") must outlast the warm-up (" + warmup
            + ") by at least 3 samples (" + sampleEvery.multipliedBy(3) + ")");
      }
      if (countSlack < 0) throw new IllegalArgumentException("count slack must be >= 0");
    }
  }

  /** One sample: the process's resources and the pipeline's counters at that moment. */
  public record Sample(ResourceSample resources, long frames, long delivered, long drops, long results, long gaps,
      String state) {}

  /**
   * What a soak measured.
   *
   * @param rss          RSS in MiB against hours, fitted after the warm-up
   * @param heap         live heap in MiB against hours, fitted after the warm-up
   * @param stillIntervals sampling intervals after the warm-up in which no result was published
   * @param longestSilence the longest run of such intervals, in seconds
   */
  public record Outcome(String model, String source, Options options, List<Sample> samples, LeastSquares.Fit rss,
      LeastSquares.Fit heap, StreamStats stats, PipelineWatch.Counts counts, long engineFailures, boolean streamFailed,
      int stillIntervals, double longestSilence, double seconds) {

    /** Samples from the warm-up on. */
    public List<Sample> steady() { return SoakRun.steady(samples, options.warmup()); }

    /** Every way the soak missed its goals; empty when it passed. */
    public List<String> violations() {
      List<String> v = new ArrayList<>();
      if (rss.slope() > options.maxRssSlope()) {
        v.add(String.format(Locale.ROOT, "RSS rises %.1f MiB/h (limit %.1f)", rss.slope(), options.maxRssSlope()));
      }
      if (heap.slope() > options.maxHeapSlope()) {
        v.add(String.format(Locale.ROOT, "live heap rises %.1f MiB/h (limit %.1f)", heap.slope(), options.maxHeapSlope()));
      }
      List<Sample> st = steady();
      count(v, st, "Java threads", s -> s.resources().javaThreads());
      count(v, st, "OS threads", s -> s.resources().osThreads());
      count(v, st, "file descriptors", s -> s.resources().fds());
      if (streamFailed) v.add("the stream reported FAILED");
      if (engineFailures > 0) v.add(engineFailures + " frames failed in the engine");
      if (counts.results() == 0) v.add("no result was published");
      if (longestSilence > options.maxSilence().toNanos() / 1e9) {
        v.add(String.format(Locale.ROOT, "no result for %.0f s (limit %d s)", longestSilence, options.maxSilence().toSeconds()));
      }
      String lost = FaultRun.unaccounted(stats, counts, engineFailures);
      if (lost != null) v.add(lost);
      return v;
    }

    private void count(List<String> v, List<Sample> st, String what, ToDoubleFunction<Sample> f) {
      if (st.isEmpty()) return;
      double first = f.applyAsDouble(st.getFirst()), max = st.stream().mapToDouble(f).max().orElse(first);
      if (max > first + options.countSlack()) {
        v.add(String.format(Locale.ROOT, "%s rose from %.0f to %.0f after the warm-up (slack %d)", what, first, max, options.countSlack()));
      }
    }
  }

  private SoakRun() {}

  /**
   * Streams {@code stream} through the agent for the soak's duration; a progress line about once a minute goes to
   * {@code progress}. {@code source} names the source in the report.
   */
  public static Outcome run(Options o, BenchAgent.Spec spec, StreamConfig stream, String source, PrintWriter progress)
      throws Exception {
    long t0 = System.nanoTime();
    int n = (int) (o.duration().toNanos() / o.sampleEvery().toNanos()) + 1;
    long perLine = Math.max(1, Duration.ofMinutes(1).toNanos() / o.sampleEvery().toNanos());
    List<Sample> samples;
    String model;
    long failures;
    PipelineWatch w;
    try (BenchAgent agent = BenchAgent.start(spec, stream)) {
      model = agent.modelName();
      w = agent.watch();
      PipelineWatch watch = w;
      try (PeriodicSampler<Sample> sampler = new PeriodicSampler<>("soak-sampler", t0, o.sampleEvery(),
          s -> sample(s, agent, watch))) {
        for (int k = 1; k <= n; k++) {
          Sample s = sampler.awaitSample(k, x -> "FAILED".equals(x.state()), o.sampleEvery().multipliedBy(3).plusMinutes(1));
          if (k % perLine == 0 || k == n || "FAILED".equals(s.state())) progress.println(line(s));
          progress.flush();
          if ("FAILED".equals(s.state())) break;
        }
        sampler.close();
        samples = sampler.samples();
      }
      failures = agent.engineFailures();
    }
    StreamStats stats = w.awaitEnd(Duration.ofSeconds(30));
    List<Sample> steady = steady(samples, o.warmup());
    if (steady.size() < 3) throw new IOException("only " + steady.size() + " samples after the warm-up; the stream failed early?");
    int still = 0;
    double silence = 0, longest = 0;
    for (int i = 1; i < steady.size(); i++) {
      double dt = steady.get(i).resources().seconds() - steady.get(i - 1).resources().seconds();
      if (steady.get(i).results() == steady.get(i - 1).results()) {
        still++;
        longest = Math.max(longest, silence += dt);
      } else {
        silence = 0;
      }
    }
    return new Outcome(model, source, o, samples, fit(steady, s -> s.resources().rssMiB()), fit(steady, s -> s.resources().heapMiB()),
        stats, w.counts(), failures, w.failed(), still, longest, (System.nanoTime() - t0) / 1e9);
  }

  private static Sample sample(double seconds, BenchAgent agent, PipelineWatch w) throws IOException {
    ResourceSample r = ResourceSample.take(seconds, true);
    AgentRuntime.StreamInfo info = agent.stream();
    StreamStats st = info == null ? null : info.stats();
    PipelineWatch.Counts c = w.counts();
    return new Sample(r, st == null ? 0 : st.frames(), st == null ? 0 : st.delivered(), st == null ? 0 : st.drops(),
        c.results(), c.gaps(), info == null ? "STOPPED" : info.state());
  }

  /** MiB against hours. */
  static LeastSquares.Fit fit(List<Sample> steady, ToDoubleFunction<Sample> mib) {
    return LeastSquares.fit(steady.stream().mapToDouble(s -> s.resources().seconds() / 3600).toArray(),
        steady.stream().mapToDouble(mib).toArray());
  }

  private static String line(Sample s) {
    ResourceSample r = s.resources();
    return String.format(Locale.ROOT, "%6.1f min: RSS %.1f MiB, heap after GC %.1f MiB, threads %d Java / %d OS, %d fds; "
        + "frames %d, results %d, drops %d, %s", r.seconds() / 60, r.rssMiB(), r.heapMiB(), r.javaThreads(), r.osThreads(),
        r.fds(), s.frames(), s.results(), s.drops(), s.state());
  }

  /** The samples taken {@code warmup} or later after the start. */
  static List<Sample> steady(List<Sample> samples, Duration warmup) {
    double warm = warmup.toNanos() / 1e9;
    return samples.stream().filter(s -> s.resources().seconds() >= warm).toList();
  }
}
