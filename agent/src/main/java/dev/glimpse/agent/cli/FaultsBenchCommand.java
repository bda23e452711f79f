package dev.glimpse.agent.cli;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import dev.glimpse.agent.reliability.FaultReport;
import dev.glimpse.agent.reliability.FaultRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glimpse bench faults}: issue 10's fault run. A loopback RTSP server is killed and restarted, then frozen and
 * resumed, while one camera goes through the whole agent; prints min/median/p99/max of every recovery and writes
 * CSV and PNG plots. Exits 1 when a recovery exceeds the limit, memory or threads grow beyond their bounds, or the
 * pipeline fails or loses frames without counting them.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
    description = {"Kill/restart and freeze/resume a loopback RTSP server under a running pipeline; measure every recovery.",
        "Needs /usr/bin/python3 with GStreamer's RTSP server (.ci/apt-packages). Exit 1 when a goal is missed."})
public final class FaultsBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(names = "--kills", defaultValue = "100", paramLabel = "N", description = "kill -9/restart cycles (default ${DEFAULT-VALUE})")
  int kills;

  @Option(names = "--freezes", defaultValue = "20", paramLabel = "M", description = "SIGSTOP/SIGCONT cycles (default ${DEFAULT-VALUE})")
  int freezes;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "where summary.txt, cycles.csv, samples.csv and the plots go")
  Path out;

  @Option(names = "--stall-timeout", defaultValue = "1", paramLabel = "SECONDS",
      description = "the stream's stall timeout (default ${DEFAULT-VALUE} s)")
  double stallSeconds;

  @Option(names = "--recovery-limit", defaultValue = "2", paramLabel = "SECONDS",
      description = "the most any recovery may take (default ${DEFAULT-VALUE} s)")
  double recoveryLimit;

  @Option(names = "--rss-growth", defaultValue = "64", paramLabel = "MIB",
      description = "the most RSS may grow from after the first cycle to the end (default ${DEFAULT-VALUE} MiB)")
  long rssGrowthMiB;

  @Option(names = "--thread-growth", defaultValue = "8", paramLabel = "N",
      description = "the most Java or OS threads may grow over the same span (default ${DEFAULT-VALUE})")
  int threadGrowth;

  @Option(names = "--sample-every", defaultValue = "1", paramLabel = "SECONDS",
      description = "resource sampling period (default ${DEFAULT-VALUE} s)")
  double sampleSeconds;

  @Override
  public Integer call() throws Exception {
    FaultRun.Options o;
    try {
      o = new FaultRun.Options(kills, freezes, PipelineOptions.seconds(stallSeconds), PipelineOptions.seconds(recoveryLimit), rssGrowthMiB << 20,
          threadGrowth, PipelineOptions.seconds(sampleSeconds), Duration.ofSeconds(30));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    // Refused connections and read errors are what this run causes on purpose, hundreds of times; the stream's
    // events report them. Process-wide, which is right for a CLI run.
    av_log_set_level(AV_LOG_FATAL);
    PrintWriter err = spec.commandLine().getErr();
    FaultRun.Outcome r = FaultRun.run(o, pipeline.spec(), err);
    String summary = FaultReport.write(r, out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(summary);
    stdout.println("wrote " + out.resolve("summary.txt") + ", cycles.csv, samples.csv, recovery.png, memory.png, threads.png");
    stdout.flush();
    return r.violations().isEmpty() ? 0 : 1;
  }

}
