package dev.glimpse.tensor;

import java.nio.file.Path;
import java.util.List;

/** A safetensors file that cannot be used, with every problem found. */
public final class SafetensorsException extends java.io.IOException {
  private final List<String> problems;

  public SafetensorsException(Path file, List<String> problems) {
    super(file + ": " + (problems.size() == 1 ? problems.getFirst()
        : problems.size() + " problems\n  " + String.join("\n  ", problems)));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() { return problems; }
}
