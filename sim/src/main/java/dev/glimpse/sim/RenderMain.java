package dev.glimpse.sim;

import picocli.CommandLine;

/** Stand-alone entry point of the renderer (used by training data loaders): same options as {@code glimpse render}. */
public final class RenderMain {
  private RenderMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new RenderCommand()).execute(args));
  }
}
