package dev.glimpse.agent.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Usage errors print one line per problem, prefixed with the command, and exit with 2; no usage dump, which
 * buries the message. {@code --help} shows the full usage.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    String name = cl.getCommandSpec().qualifiedName();
    err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
    err.flush();
    return 2;
  }
}
