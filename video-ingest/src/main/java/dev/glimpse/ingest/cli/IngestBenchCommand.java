package dev.glimpse.ingest.cli;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import dev.glimpse.ingest.DecodeBenchmark;
import dev.glimpse.ingest.SourceException;
import dev.glimpse.types.PixelFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glimpse bench ingest FILE}: decode frames/s of the ingest path and, in the same run on the same file and
 * core count, of {@code ffmpeg -threads N -i FILE -f null -}, and their ratio (goal ≥ 0.9×). Runs alternate
 * (ours, ffmpeg, ours, ...) so that load from elsewhere hits both alike; the best run of each counts.
 *
 * <p>The two do not do the same work: ffmpeg decodes into the decoder's own format (yuv420p) and throws the
 * frame away; ingest also converts every frame to packed RGB24 (or the chosen format) in a buffer the pipeline
 * can keep. The ratio therefore states what the pipeline pays in total against a pure decode. Two more lines show
 * how that splits: ingest's decoder without the conversion, and ffmpeg doing ingest's work ({@code -pix_fmt}).
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Decode frames/s of video ingest vs. 'ffmpeg -threads N -i FILE -f null -' on the same file and core count.",
        "Goal: ratio >= 0.9. By default the peer is the ffmpeg program shipped with ingest's own FFmpeg build."})
public final class IngestBenchCommand implements Callable<Integer> {
  private static final Pattern FRAMES = Pattern.compile("frame=\\s*(\\d+)");
  private static final Pattern RTIME = Pattern.compile("bench: utime=([\\d.]+)s stime=([\\d.]+)s rtime=([\\d.]+)s");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A video file.")
  Path file;

  @Option(names = "--threads", paramLabel = "N", description = "Decoder threads for both. Default: the cores of this machine.")
  Integer threads;

  @Option(names = "--runs", paramLabel = "R", defaultValue = "3", description = "Runs of each; the best counts. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(names = "--format", paramLabel = "rgb24|bgr24|gray8", defaultValue = "rgb24",
      description = "Pixel format ingest decodes into. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--ffmpeg", paramLabel = "PATH|bundled", defaultValue = "bundled",
      description = {"The ffmpeg to compare with: 'bundled' is the ffmpeg program of the FFmpeg build ingest decodes with "
          + "(same version, same decoders: the ratio is ingest's own overhead); a path or 'ffmpeg' runs that one instead. "
          + "Default: ${DEFAULT-VALUE}."})
  String ffmpeg;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  /** One ffmpeg run: frames it reported and its transcode wall time (open excluded). */
  record FfmpegRun(long frames, double seconds) {
    double fps() { return frames / seconds; }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (n < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--threads: must be >= 1, got " + n);
    if (runs < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--runs: must be >= 1, got " + runs);
    PixelFormat pf = switch (format.toLowerCase(Locale.ROOT)) {
      case "rgb24" -> PixelFormat.RGB24;
      case "bgr24" -> PixelFormat.BGR24;
      case "gray8" -> PixelFormat.GRAY8;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--format: expected rgb24, bgr24 or gray8, got '" + format + "'");
    };
    if (!Files.isRegularFile(file)) {
      err.println("bench ingest: no such file: " + file.toAbsolutePath());
      err.flush();
      return 1;
    }
    av_log_set_level(AV_LOG_ERROR);
    String program = "bundled".equals(ffmpeg) ? Loader.load(org.bytedeco.ffmpeg.ffmpeg.class) : ffmpeg;
    String version = ffmpegVersion(program) + ("bundled".equals(ffmpeg) ? " bundled" : "");
    DecodeBenchmark.Result best = null, bestDecode = null;
    FfmpegRun bestPeer = null, bestSameWork = null;
    String pixFmt = pf.name().toLowerCase(Locale.ROOT).replace("gray8", "gray");
    try {
      for (int r = 0; r < runs; r++) {
        DecodeBenchmark.Result ours = DecodeBenchmark.decodeFile(file, pf, n, true);
        FfmpegRun peer = runFfmpeg(program, n, null);
        DecodeBenchmark.Result decode = DecodeBenchmark.decodeFile(file, pf, n, false);
        FfmpegRun sameWork = runFfmpeg(program, n, pixFmt);
        if (best == null || ours.fps() > best.fps()) best = ours;
        if (bestPeer == null || peer.fps() > bestPeer.fps()) bestPeer = peer;
        if (bestDecode == null || decode.fps() > bestDecode.fps()) bestDecode = decode;
        if (bestSameWork == null || sameWork.fps() > bestSameWork.fps()) bestSameWork = sameWork;
      }
    } catch (SourceException e) {
      err.println("bench ingest: " + e.getMessage());
      err.flush();
      return 1;
    }
    double ratio = best.fps() / bestPeer.fps(), decodeRatio = bestDecode.fps() / bestPeer.fps();
    double sameWorkRatio = best.fps() / bestSameWork.fps();
    if (json) {
      out.println(Json.object("file", file.toString(), "codec", best.info().codec(), "width", best.info().sourceWidth(),
          "height", best.info().sourceHeight(), "threads", n, "runs", runs, "format", pf.name(),
          "frames", best.frames(), "seconds", r3(best.seconds()), "fps", r3(best.fps()), "open_seconds", r3(best.openSeconds()),
          "ffmpeg", version, "ffmpeg_frames", bestPeer.frames(), "ffmpeg_seconds", r3(bestPeer.seconds()),
          "ffmpeg_fps", r3(bestPeer.fps()), "ratio", r3(ratio), "goal", 0.9, "decode_only_fps", r3(bestDecode.fps()),
          "decode_only_ratio", r3(decodeRatio), "ffmpeg_same_work_fps", r3(bestSameWork.fps()),
          "same_work_ratio", r3(sameWorkRatio)));
    } else {
      out.printf(Locale.ROOT, "bench ingest: %s (%s %dx%d), %d threads, best of %d%n", file, best.info().codec(),
          best.info().sourceWidth(), best.info().sourceHeight(), n, runs);
      out.printf(Locale.ROOT, "  glimpse ingest  %6d frames  %7.3f s  %8.1f frames/s  (decode + %s, open %.3f s excluded)%n",
          best.frames(), best.seconds(), best.fps(), pf, best.openSeconds());
      out.printf(Locale.ROOT, "  ffmpeg -f null  %6d frames  %7.3f s  %8.1f frames/s  (%s, rtime)%n", bestPeer.frames(),
          bestPeer.seconds(), bestPeer.fps(), version);
      out.printf(Locale.ROOT, "  glimpse decode  %6d frames  %7.3f s  %8.1f frames/s  (decode only, no conversion: ffmpeg's work)%n",
          bestDecode.frames(), bestDecode.seconds(), bestDecode.fps());
      out.printf(Locale.ROOT, "  ffmpeg -pix_fmt %6d frames  %7.3f s  %8.1f frames/s  (ffmpeg converting to %s too: ingest's work)%n",
          bestSameWork.frames(), bestSameWork.seconds(), bestSameWork.fps(), pixFmt);
      out.printf(Locale.ROOT, "  ratio           %.2fx  (goal >= 0.90x: %s); decode only %.2fx; same work %.2fx%n", ratio,
          ratio >= 0.9 ? "met" : "NOT met", decodeRatio, sameWorkRatio);
    }
    out.flush();
    return 0;
  }

  /**
   * {@code ffmpeg -threads N -i FILE -f null -} (video only), timed by ffmpeg's own {@code -benchmark} (rtime: the
   * transcode, opening excluded); with {@code pixFmt}, ffmpeg also converts every frame to it ({@code -pix_fmt}).
   */
  private FfmpegRun runFfmpeg(String program, int n, String pixFmt) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(program, "-hide_banner", "-nostdin", "-benchmark", "-threads",
        Integer.toString(n), "-i", file.toString(), "-map", "0:v:0"));
    if (pixFmt != null) cmd.addAll(List.of("-pix_fmt", pixFmt));
    cmd.addAll(List.of("-f", "null", "-"));
    String log = exec(cmd);
    Matcher frames = FRAMES.matcher(log), bench = RTIME.matcher(log);
    long f = -1;
    while (frames.find()) f = Long.parseLong(frames.group(1)); // the last progress line has the total
    if (f < 0 || !bench.find()) throw new IOException("unexpected ffmpeg output for " + String.join(" ", cmd) + ":\n" + log);
    return new FfmpegRun(f, Double.parseDouble(bench.group(3)));
  }

  private static String ffmpegVersion(String program) throws IOException, InterruptedException {
    String first = exec(List.of(program, "-hide_banner", "-version")).lines().findFirst().orElse("ffmpeg");
    Matcher m = Pattern.compile("ffmpeg version (\\S+)").matcher(first);
    return m.find() ? "ffmpeg " + m.group(1) : first;
  }

  private static String exec(List<String> cmd) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("cannot run " + cmd.getFirst() + " (install ffmpeg, pass --ffmpeg PATH or --ffmpeg bundled): "
          + e.getMessage(), e);
    }
    p.getOutputStream().close();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed:\n" + log);
    }
    return log;
  }

  private static double r3(double v) { return Math.round(v * 1000) / 1000.0; }
}
