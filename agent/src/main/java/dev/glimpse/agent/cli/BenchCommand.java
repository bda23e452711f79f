package dev.glimpse.agent.cli;

import dev.glimpse.ingest.cli.IngestBenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code glimpse bench}: benchmarks that report ratios against a peer measured in the same run, and reliability runs. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks, each against a peer measured in the same run (ingest, engine),",
        "and reliability runs against goals (faults, soak)."},
    subcommands = {IngestBenchCommand.class, EngineBenchCommand.class, FaultsBenchCommand.class, SoakBenchCommand.class,
        StreamsBenchCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark: try 'glimpse bench --help'");
  }
}
