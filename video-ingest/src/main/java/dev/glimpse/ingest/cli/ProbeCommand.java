package dev.glimpse.ingest.cli;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_INFO;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.Durations;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.ingest.FrameStream;
import dev.glimpse.ingest.IngestEnv;
import dev.glimpse.ingest.IngestOptions;
import dev.glimpse.ingest.SourceException;
import dev.glimpse.ingest.SourceInfo;
import dev.glimpse.ingest.SourceSpec;
import dev.glimpse.ingest.StreamEvent;
import dev.glimpse.ingest.StreamState;
import dev.glimpse.ingest.StreamStats;
import dev.glimpse.types.PixelFormat;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glimpse probe SOURCE}: opens any source the agent accepts, prints its state events and a summary. The
 * first thing to run to see whether a camera is reachable. With {@code --frames N} it keeps reconnecting until N
 * frames arrived or the timeout passed. Exit code 0 when N frames arrived (or a file or simulator ended after at
 * least one), 1 otherwise, 2 for usage errors.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
    description = {"Open a video source, print its state events and a summary (codec, size, fps, frames, drops, reconnects).",
        "SOURCE: rtsp://HOST[:PORT]/PATH, http(s)://... (HLS when .m3u8), a video file (mp4, mkv, avi, mpg, mov, ...), "
            + "v4l2:///dev/videoN, images:///FOLDER or sim://seed=7&size=756x756&fps=30&frames=300.",
        "Exit code: 0 when the frames arrived (or a file ended after at least one), 1 when not, 2 for usage errors."})
public final class ProbeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "The source to open.")
  String source;

  @Option(names = "--frames", paramLabel = "N", defaultValue = "30",
      description = "Frames to receive; reconnects until they arrived or --timeout. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "20",
      description = "Give up after this many seconds. Default: ${DEFAULT-VALUE}.")
  double timeoutSeconds;

  @Option(names = "--json", description = "One JSON object per line: the state events, then the summary.")
  boolean json;

  @Option(names = "--transport", paramLabel = "tcp|udp", defaultValue = "tcp",
      description = "RTP transport of rtsp:// sources. Default: ${DEFAULT-VALUE}.")
  String transport;

  @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "2s",
      description = "A grab slower than this closes and reopens the session. Default: ${DEFAULT-VALUE}.")
  String stallTimeout;

  @Option(names = "--open-timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "How long opening may take until the first frame. Default: ${DEFAULT-VALUE}.")
  String openTimeout;

  @Option(names = "--format", paramLabel = "rgb24|bgr24|gray8", defaultValue = "rgb24",
      description = "Pixel format to decode into. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--verbose", description = "Show FFmpeg's own log (stream details, decoder warnings).")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
    StreamConfig config = config(err);
    if (config == null) return 1;
    av_log_set_level(verbose ? AV_LOG_INFO : AV_LOG_ERROR); // process-wide, which is right for a CLI run
    Report report = new Report(out, json, System.nanoTime());
    if (!json) out.println("probe: " + config.url() + " (" + config.url().kind().scheme() + ", stall timeout "
        + Durations.format(config.stallTimeout()) + ")");
    out.flush();

    Vertx vertx = Vertx.vertx();
    CountDownLatch finished = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    AtomicLong firstNanos = new AtomicLong(), lastNanos = new AtomicLong();
    AtomicReference<StreamEvent> last = new AtomicReference<>();
    AtomicLong connectingNanos = new AtomicLong();
    AtomicReference<SourceInfo> info = new AtomicReference<>();
    FrameStream stream = FrameStream.create(vertx.getOrCreateContext(), config, options(), IngestEnv.system());
    stream.stateHandler(e -> {
      last.set(e);
      if (e.state() == StreamState.CONNECTING) connectingNanos.set(e.monotonicNanos()); // IngestClock.system(): nanoTime
      if (e.info() != null) info.set(e.info());
      report.event(e);
    }).exceptionHandler(t -> { }).endHandler(v -> finished.countDown()).handler(f -> {
      try (f) {
        long n = received.incrementAndGet();
        long now = System.nanoTime();
        if (n == 1) firstNanos.set(now);
        lastNanos.set(now);
        if (n >= frames) finished.countDown();
      }
    }).start();
    boolean done = finished.await(Math.round(timeoutSeconds * 1000), TimeUnit.MILLISECONDS);
    stream.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    long n = received.get();
    StreamEvent end = last.get();
    boolean ok = n >= frames || (n > 0 && end != null && end.state() == StreamState.ENDED);
    String result = ok ? "ok: " + n + " frames"
        : end != null && end.state() == StreamState.FAILED ? "failed: " + end.error().getMessage()
        : (done ? "ended" : "timed out after " + timeoutSeconds + " s") + " with " + n + " of " + frames + " frames";
    double measuredFps = n > 1 ? (n - 1) / ((lastNanos.get() - firstNanos.get()) / 1e9) : 0;
    double firstFrame = n > 0 ? (firstNanos.get() - connectingNanos.get()) / 1e9 : -1; // from the first open
    report.summary(config, info.get(), stream.stats(), result, ok, measuredFps, firstFrame);
    return ok ? 0 : 1;
  }

  /** The stream to probe, or null after printing why the source or an option is wrong. */
  private StreamConfig config(PrintWriter err) {
    if (frames < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--frames: must be >= 1, got " + frames);
    if (!(timeoutSeconds > 0)) throw new CommandLine.ParameterException(spec.commandLine(), "--timeout: must be > 0, got " + timeoutSeconds);
    SourceUrl url;
    try {
      url = SourceSpec.parseUrl(source);
    } catch (SourceException e) {
      err.println("probe: " + e.getMessage());
      err.flush();
      return null;
    }
    StreamConfig.Transport t = switch (transport.toLowerCase(Locale.ROOT)) {
      case "tcp" -> StreamConfig.Transport.TCP;
      case "udp" -> StreamConfig.Transport.UDP;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--transport: expected tcp or udp, got '" + transport + "'");
    };
    Duration stall = duration("--stall-timeout", stallTimeout), open = duration("--open-timeout", openTimeout);
    MailboxConfig mailbox = MailboxConfig.defaultFor(url.kind());
    StreamConfig.Pacing pacing = url.kind().isLive() ? StreamConfig.Pacing.REALTIME : StreamConfig.Pacing.FAST;
    try {
      return new StreamConfig("probe", url, t, mailbox, pacing, false, open, stall, BackoffConfig.defaults(), "probe", 0, 0);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private IngestOptions options() {
    PixelFormat f = switch (format.toLowerCase(Locale.ROOT)) {
      case "rgb24" -> PixelFormat.RGB24;
      case "bgr24" -> PixelFormat.BGR24;
      case "gray8" -> PixelFormat.GRAY8;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--format: expected rgb24, bgr24 or gray8, got '" + format + "'");
    };
    return IngestOptions.defaults().withFormat(f);
  }

  private Duration duration(String option, String text) {
    try {
      Duration d = Durations.parse(text);
      if (d.isZero()) throw new IllegalArgumentException("must be > 0");
      return d;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  /** Prints events and the summary as text or JSON lines. */
  private record Report(PrintWriter out, boolean json, long t0) {
    void event(StreamEvent e) {
      double t = (e.monotonicNanos() - t0) / 1e9; // the system IngestClock reads System.nanoTime
      if (json) {
        out.println(Json.object("type", "state", "t", round(t), "state", e.state().name(), "attempt", e.attempt(),
            "backoff_ms", e.backoff().toMillis(), "detail", e.detail()));
      } else {
        out.printf(Locale.ROOT, "[%8.3f s] %-12s %s%n", t, e.state() == StreamState.RECONNECTING
            ? "RECONNECTING #" + e.attempt() + " in " + e.backoff().toMillis() + " ms:" : e.state().name(), e.detail());
      }
      out.flush();
    }

    void summary(StreamConfig c, SourceInfo info, StreamStats s, String result, boolean ok, double fps, double first) {
      if (json) {
        out.println(Json.object("type", "summary", "source", c.url().redacted(), "ok", ok, "result", result,
            "codec", info == null ? null : info.codec(), "container", info == null ? null : info.container(),
            "width", info == null ? 0 : info.width(), "height", info == null ? 0 : info.height(),
            "format", info == null ? null : info.format().name(), "fps", info == null ? 0 : round(info.fps()),
            "measured_fps", round(fps), "first_frame_s", round(first), "frames", s.delivered(), "drops", s.drops(),
            "corrupt", s.corrupt(), "reconnects", s.reconnects(), "stalls", s.stalls()));
      } else {
        out.println("summary");
        out.println("  source       " + c.url().redacted());
        out.println("  result       " + result);
        if (info != null) {
          out.println("  codec        " + info.codec() + " (" + info.container() + ")");
          out.println("  size         " + info.width() + "x" + info.height() + " " + info.format());
          out.printf(Locale.ROOT, "  fps          %.2f nominal, %.2f measured%n", info.fps(), fps);
        }
        if (first >= 0) out.printf(Locale.ROOT, "  first frame  %.3f s after opening%n", first);
        out.printf(Locale.ROOT, "  frames %d  drops %d  corrupt %d  reconnects %d  stalls %d%n", s.delivered(), s.drops(),
            s.corrupt(), s.reconnects(), s.stalls());
      }
      out.flush();
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }
  }
}
