package dev.glimpse.agent.cli;

import dev.glimpse.sim.eval.EvalMotCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code glimpse eval}: scores outputs against ground truth. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Score outputs against ground truth.",
    subcommands = {EvalMotCommand.class, EvalModelCommand.class})
public final class EvalCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing evaluation: try 'glimpse eval --help'");
  }
}
