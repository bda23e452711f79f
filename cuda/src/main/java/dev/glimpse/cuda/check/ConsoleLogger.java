package dev.glimpse.cuda.check;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.util.ResourceBundle;

/** A {@link System.Logger} that prints {@code [name] LEVEL message} lines, for the command-line checks and benchmarks. */
final class ConsoleLogger implements System.Logger {
  private final String name;
  private final PrintStream out;

  ConsoleLogger(String name, PrintStream out) {
    this.name = name;
    this.out = out;
  }

  @Override
  public String getName() { return name; }

  @Override
  public boolean isLoggable(Level level) { return level.getSeverity() >= Level.INFO.getSeverity(); }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    if (!isLoggable(level)) return;
    out.println("[" + name + "] " + level + " " + msg + (thrown == null ? "" : " (" + thrown + ")"));
    out.flush();
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params), (Throwable) null);
  }
}
