package dev.glimpse.agent.cli;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import dev.glimpse.agent.reliability.BenchAgent;
import dev.glimpse.agent.reliability.SoakReport;
import dev.glimpse.agent.reliability.SoakRun;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.ingest.LoopbackRtspServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glimpse bench soak}: one stream through the whole agent for a long time (issue 10: an hour), sampling
 * memory, threads and descriptors after a full GC; prints the least-squares slopes and writes samples.csv and
 * plots. Exits 1 when a slope or count exceeds its bound, or a frame is lost without being counted.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = {"Run one stream through the pipeline for a long time; fit RSS and heap slopes, count threads and descriptors.",
        "Exit 1 when a bound is missed or a frame is lost without being counted."})
public final class SoakBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(names = "--minutes", defaultValue = "60", paramLabel = "M", description = "how long (default ${DEFAULT-VALUE} min)")
  double minutes;

  @Option(names = "--source", defaultValue = "rtsp", paramLabel = "rtsp|FILE",
      description = {"rtsp (default): the live test pattern from a loopback RTSP server started here (latest/1 mailbox, drops counted);",
          "FILE: a video replayed in real time and looped (all/8 mailbox: nothing dropped)"})
  String source;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "where summary.txt, samples.csv and the plots go")
  Path out;

  @Option(names = "--sample-every", defaultValue = "10", paramLabel = "SECONDS", description = "sampling period (default ${DEFAULT-VALUE} s)")
  double sampleSeconds;

  @Option(names = "--warmup", defaultValue = "60", paramLabel = "SECONDS",
      description = "samples before this are left out of the fits (default ${DEFAULT-VALUE} s)")
  double warmupSeconds;

  @Option(names = "--max-rss-slope", defaultValue = "" + SoakRun.DEFAULT_MAX_RSS_SLOPE, paramLabel = "MIB_PER_HOUR",
      description = "bound on the RSS fit's slope (default ${DEFAULT-VALUE} MiB/h)")
  double maxRssSlope;

  @Option(names = "--max-heap-slope", defaultValue = "" + SoakRun.DEFAULT_MAX_HEAP_SLOPE, paramLabel = "MIB_PER_HOUR",
      description = "bound on the live-heap fit's slope (default ${DEFAULT-VALUE} MiB/h)")
  double maxHeapSlope;

  @Option(names = "--count-slack", defaultValue = "8", paramLabel = "N",
      description = "threads/descriptors allowed above their first value after the warm-up (default ${DEFAULT-VALUE})")
  int countSlack;

  @Option(names = "--max-silence", defaultValue = "120", paramLabel = "SECONDS",
      description = "the longest the pipeline may go without a result (default ${DEFAULT-VALUE} s; a niced run on a busy machine is slow)")
  double maxSilence;

  @Override
  public Integer call() throws Exception {
    SoakRun.Options o;
    try {
      o = new SoakRun.Options(PipelineOptions.seconds(minutes * 60), PipelineOptions.seconds(sampleSeconds),
          PipelineOptions.seconds(warmupSeconds), maxRssSlope, maxHeapSlope, countSlack,
          PipelineOptions.seconds(maxSilence));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    av_log_set_level(AV_LOG_ERROR); // process-wide, which is right for a CLI run
    PrintWriter err = spec.commandLine().getErr();
    SoakRun.Outcome r;
    if (source.equals("rtsp")) {
      try (LoopbackRtspServer server = LoopbackRtspServer.start(LoopbackRtspServer.LIVE_PATTERN)) {
        StreamConfig cam = BenchAgent.camera(server.url(), StreamConfig.Transport.TCP, Duration.ofSeconds(2));
        r = SoakRun.run(o, pipeline.spec(), cam, "RTSP live test pattern 320x240 MJPEG 30 fps (" + server.url() + ")", err);
      }
    } else {
      Path video = Path.of(source);
      if (!Files.isRegularFile(video)) throw new CommandLine.ParameterException(spec.commandLine(), "--source " + source + ": no such file");
      r = SoakRun.run(o, pipeline.spec(), BenchAgent.loopedFile(video), "looped file " + video.getFileName(), err);
    }
    String summary = SoakReport.write(r, out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(summary);
    stdout.println("wrote " + out.resolve("summary.txt") + ", samples.csv, memory.png, threads.png");
    stdout.flush();
    return r.violations().isEmpty() ? 0 : 1;
  }
}
