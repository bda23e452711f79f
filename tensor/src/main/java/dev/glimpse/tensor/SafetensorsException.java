package dev.glimpse.tensor;

import java.nio.file.Path;
import java.util.List;

/** A safetensors file that cannot be used, with every problem found. */
public final class SafetensorsException extends java.io.IOException {
  /** Problems spelled out in the message; {@link #problems()} has all of them. */
  static final int MESSAGE_PROBLEMS = 50;

  private final List<String> problems;

  public SafetensorsException(Path file, List<String> problems) {
    super(message(file, problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() { return problems; }

  private static String message(Path file, List<String> problems) {
    if (problems.size() == 1) return file + ": " + problems.getFirst();
    List<String> shown = problems.subList(0, Math.min(problems.size(), MESSAGE_PROBLEMS));
    return file + ": " + problems.size() + " problems\n  " + String.join("\n  ", shown)
        + (shown.size() < problems.size() ? "\n  … and " + (problems.size() - shown.size()) + " more" : "");
  }
}
