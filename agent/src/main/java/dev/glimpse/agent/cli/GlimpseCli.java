package dev.glimpse.agent.cli;

import dev.glimpse.ingest.cli.ProbeCommand;
import dev.glimpse.sim.RenderCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./glimpse}: one subcommand per job. */
@Command(name = "glimpse", mixinStandardHelpOptions = true, version = "glimpse 0.1.0",
    description = "Real-time grounded perception agent for robots.",
    subcommands = {RunCommand.class, dev.glimpse.agent.sim.SimCommand.class, QueryCommand.class, RenderCommand.class, ProbeCommand.class, EvalCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class GlimpseCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'glimpse --help'");
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line, shared by main and tests. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new GlimpseCli());
    cl.setParameterExceptionHandler(new UsageErrors());
    return cl;
  }
}
