package dev.glimpse.agent.reliability;

import dev.glimpse.config.StreamConfig;
import dev.glimpse.ingest.LoopbackRtspServer;
import dev.glimpse.ingest.StreamEvent;
import dev.glimpse.ingest.StreamState;
import dev.glimpse.ingest.StreamStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Issue 10's fault run: one camera through the whole agent ({@link BenchAgent}) while its loopback RTSP server
 * (the live test pattern, {@link LoopbackRtspServer}) is killed with SIGKILL and restarted {@code kills} times,
 * then frozen with SIGSTOP and resumed with SIGCONT {@code freezes} times. Each cycle waits for the stream to
 * report the outage, for the first frame of the new session, and for the engine's first result from it; in the
 * background the process's memory, threads and file descriptors are sampled every {@code sampleEvery}.
 *
 * <p>Recovery is measured on the grab thread's clock (the STREAMING event of the new session, emitted as its first
 * frame is decoded), so a slow engine pass in flight does not hide how fast ingest came back; the time to the
 * first engine result is measured too and reported beside it. Every wait has a deadline; nothing sleeps.
 */
public final class FaultRun {
  /** The two kinds of outage. */
  public enum Kind { KILL, FREEZE }

  /**
   * @param kills             SIGKILL/restart cycles
   * @param freezes           SIGSTOP/SIGCONT cycles
   * @param stallTimeout      the stream's stall timeout (how long a grab may take before the session is closed)
   * @param recoveryLimit     the most a recovery may take (issue 10: 2 s)
   * @param rssGrowthLimit    bytes RSS may grow from after the first cycle to the end (after a full GC each time)
   * @param threadGrowthLimit threads (Java, or OS) the process may gain over the same span
   * @param sampleEvery       resource sampling period
   * @param cycleTimeout      the longest wait for any one step of a cycle before the run is given up
   */
  public record Options(int kills, int freezes, Duration stallTimeout, Duration recoveryLimit, long rssGrowthLimit,
      int threadGrowthLimit, Duration sampleEvery, Duration cycleTimeout) {
    public Options {
      if (kills < 1 || freezes < 0) throw new IllegalArgumentException("need kills >= 1 and freezes >= 0, got " + kills + ", " + freezes);
      if (stallTimeout.toMillis() < 200) throw new IllegalArgumentException("stall timeout below 200 ms: " + stallTimeout);
      if (recoveryLimit.isNegative() || rssGrowthLimit < 0 || threadGrowthLimit < 0) throw new IllegalArgumentException("limits must be >= 0");
      if (sampleEvery.toMillis() < 100) throw new IllegalArgumentException("sample period below 100 ms: " + sampleEvery);
    }
  }

  /**
   * One outage and its recovery, in ms.
   *
   * @param detectMs    freeze: SIGSTOP → STALLED reported; NaN for kills (the stream sees a kill at once)
   * @param recoveryMs  kill: the restarted server listens → first frame of the new session decoded; freeze: SIGCONT
   *                    → first frame decoded
   * @param fromSpawnMs kill: the restart command → first frame (adds the server's own start-up); NaN for freezes
   * @param resultMs    the same start as recoveryMs → the engine's first result from the new session
   * @param attempts    reconnect attempts the stream made during the outage
   * @param atSeconds   when the outage began, since the run started
   */
  public record Cycle(Kind kind, int index, double detectMs, double recoveryMs, double fromSpawnMs, double resultMs,
      int attempts, double atSeconds) {}

  /**
   * What a run measured.
   *
   * @param baseline       after the first kill cycle, after a full GC: the reference for growth
   * @param end            after the last cycle, after a full GC
   * @param engineFailures frames whose engine work failed
   * @param aborted        why the run stopped early, or null when every cycle completed
   */
  public record Outcome(String model, Options options, List<Cycle> cycles, List<ResourceSample> samples,
      ResourceSample baseline, ResourceSample end, StreamStats stats, PipelineWatch.Counts counts, long engineFailures,
      boolean streamFailed, double seconds, String aborted) {

    public List<Cycle> of(Kind k) { return cycles.stream().filter(c -> c.kind() == k).toList(); }

    /** Every way the run missed its goals; empty when it passed. */
    public List<String> violations() {
      List<String> v = new ArrayList<>();
      if (aborted != null) v.add("aborted: " + aborted);
      long limit = options.recoveryLimit().toMillis();
      for (Cycle c : cycles) {
        if (!(c.recoveryMs() <= limit)) v.add(String.format(Locale.ROOT, "%s %d: recovery %.0f ms > %d ms", c.kind(), c.index(), c.recoveryMs(), limit));
      }
      if (baseline != null && end != null) {
        long grew = end.rssBytes() - baseline.rssBytes();
        if (grew > options.rssGrowthLimit()) {
          v.add(String.format(Locale.ROOT, "RSS grew %.1f MiB (limit %.0f MiB)", grew / 1048576.0, options.rssGrowthLimit() / 1048576.0));
        }
        if (end.javaThreads() - baseline.javaThreads() > options.threadGrowthLimit()
            || end.osThreads() - baseline.osThreads() > options.threadGrowthLimit()) {
          v.add("threads grew beyond +" + options.threadGrowthLimit() + ": Java " + baseline.javaThreads() + " → " + end.javaThreads()
              + ", OS " + baseline.osThreads() + " → " + end.osThreads());
        }
      }
      if (streamFailed) v.add("the stream reported FAILED");
      if (engineFailures > 0) v.add(engineFailures + " frames failed in the engine");
      String lost = unaccounted(stats, counts, engineFailures);
      if (lost != null) v.add(lost);
      return v;
    }
  }

  private FaultRun() {}

  /**
   * Why frames went missing without being counted, or null when every decoded frame was published, dropped by the
   * mailbox, failed in the engine or discarded at the stop; and no more were missing between published frames than
   * were dropped or failed.
   */
  static String unaccounted(StreamStats stats, PipelineWatch.Counts counts, long engineFailures) {
    if (stats == null) return "no final counters (the stream did not end)";
    long accounted = counts.results() + stats.drops() + engineFailures + stats.discarded();
    if (stats.frames() != accounted || counts.gaps() > stats.drops() + engineFailures) {
      return "frames lost without being counted: " + stats.frames() + " decoded, " + counts.results() + " published, "
          + stats.drops() + " dropped, " + engineFailures + " failed, " + stats.discarded() + " discarded at the stop; "
          + counts.gaps() + " missing between published frames";
    }
    return null;
  }

  /** Runs the cycles; progress lines (one per cycle) go to {@code progress}. */
  public static Outcome run(Options o, BenchAgent.Spec spec, PrintWriter progress) throws Exception {
    long t0 = System.nanoTime();
    List<Cycle> cycles = new ArrayList<>();
    ResourceSample baseline = null, end = null;
    String aborted = null, model;
    StreamStats stats;
    long failures = 0;
    boolean streamFailed;
    List<ResourceSample> samples;
    PipelineWatch w;
    try (PeriodicSampler<ResourceSample> sampler = new PeriodicSampler<>("fault-run-sampler", t0, o.sampleEvery(),
        s -> ResourceSample.take(s, false));
         LoopbackRtspServer server = LoopbackRtspServer.start(LoopbackRtspServer.LIVE_PATTERN)) {
      StreamConfig cam = BenchAgent.camera(server.url(), StreamConfig.Transport.TCP, o.stallTimeout());
      try (BenchAgent agent = BenchAgent.start(spec, cam)) {
        model = agent.modelName();
        w = agent.watch();
        try {
          StreamEvent first = w.awaitEvent(0, StreamState.STREAMING, o.cycleTimeout());
          w.awaitResult(first.stats().frames(), o.cycleTimeout().multipliedBy(4)); // the first pass is cold
          progress.printf("streaming %s through %s; first result in %.1f s%n", server.url(), model, seconds(t0));
          progress.flush();
          for (int i = 1; i <= o.kills(); i++) {
            cycles.add(killCycle(i, server, w, o, t0));
            progress.println(line(cycles.getLast(), o));
            progress.flush();
            if (i == 1) baseline = ResourceSample.take(seconds(t0), true);
          }
          for (int i = 1; i <= o.freezes(); i++) {
            cycles.add(freezeCycle(i, server, w, o, t0));
            progress.println(line(cycles.getLast(), o));
            progress.flush();
          }
        } catch (TimeoutException e) {
          aborted = e.getMessage();
          progress.println("gave up: " + aborted);
        }
        end = ResourceSample.take(seconds(t0), true);
        failures = agent.engineFailures();
      }
      stats = w.awaitEnd(o.cycleTimeout());
      streamFailed = w.failed();
      sampler.close();
      samples = sampler.samples();
    }
    return new Outcome(model, o, cycles, samples, baseline, end, stats, w.counts(), failures, streamFailed, seconds(t0), aborted);
  }

  private static Cycle killCycle(int i, LoopbackRtspServer server, PipelineWatch w, Options o, long t0) throws Exception {
    int from = w.eventCount();
    double at = seconds(t0);
    server.kill9();
    w.awaitEvent(from, StreamState.RECONNECTING, o.cycleTimeout());
    long spawn = System.nanoTime();
    server.start();                                           // returns once the new process listens
    long ready = server.readyNanos();
    StreamEvent streaming = w.awaitEvent(from, StreamState.STREAMING, o.cycleTimeout());
    PipelineWatch.Result result = w.awaitResult(streaming.stats().frames(), o.cycleTimeout().multipliedBy(2));
    return new Cycle(Kind.KILL, i, Double.NaN, ms(streaming.monotonicNanos() - ready), ms(streaming.monotonicNanos() - spawn),
        ms(result.nanos() - ready), attempts(w, from, streaming), at);
  }

  /**
   * SIGSTOP, wait for STALLED, SIGCONT at once. The stream reopens while the server is frozen or just resumed; the
   * case of a reopen that hangs for a long freeze is video-ingest's RtspOutageTest.
   */
  private static Cycle freezeCycle(int i, LoopbackRtspServer server, PipelineWatch w, Options o, long t0) throws Exception {
    int from = w.eventCount();
    double at = seconds(t0);
    long freezeAt = System.nanoTime();
    server.freeze();
    StreamEvent stall = w.awaitEvent(from, StreamState.STALLED, o.cycleTimeout());
    long resumeAt = System.nanoTime();
    server.resume();
    StreamEvent streaming = w.awaitEvent(from, StreamState.STREAMING, o.cycleTimeout());
    PipelineWatch.Result result = w.awaitResult(streaming.stats().frames(), o.cycleTimeout().multipliedBy(2));
    return new Cycle(Kind.FREEZE, i, ms(stall.monotonicNanos() - freezeAt), ms(streaming.monotonicNanos() - resumeAt),
        Double.NaN, ms(result.nanos() - resumeAt), attempts(w, from, streaming), at);
  }

  /** RECONNECTING events since index {@code from}, up to the STREAMING that ended the outage. */
  private static int attempts(PipelineWatch w, int from, StreamEvent streaming) {
    List<StreamEvent> ev = w.events();
    return (int) ev.subList(from, ev.size()).stream()
        .filter(e -> e.state() == StreamState.RECONNECTING && e.monotonicNanos() <= streaming.monotonicNanos()).count();
  }

  private static String line(Cycle c, Options o) {
    int n = c.kind() == Kind.KILL ? o.kills() : o.freezes();
    return c.kind() == Kind.KILL
        ? String.format(Locale.ROOT, "kill -9  %3d/%d: listening → frame %5.0f ms (from spawn %5.0f ms), → result %5.0f ms, %d reconnects",
            c.index(), n, c.recoveryMs(), c.fromSpawnMs(), c.resultMs(), c.attempts())
        : String.format(Locale.ROOT, "SIGSTOP  %3d/%d: stall detected %5.0f ms; SIGCONT → frame %5.0f ms, → result %5.0f ms, %d reconnects",
            c.index(), n, c.detectMs(), c.recoveryMs(), c.resultMs(), c.attempts());
  }

  private static double ms(long nanos) { return nanos / 1e6; }

  private static double seconds(long t0) { return (System.nanoTime() - t0) / 1e9; }
}
