package dev.glimpse.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The problems of one load, in the order found. A problem reported twice (by the loader's early check and again
 * by the record that repeats it) is kept once, and a record's complaint about a value the loader already rejected
 * (and replaced by its default) is dropped: the user should see why the value is wrong, not what the default did.
 */
final class ProblemList {
  private final Set<Problem> problems = new LinkedHashSet<>();
  private final Set<String> paths = new HashSet<>();

  void add(String path, String message) {
    problems.add(new Problem(path, message));
    paths.add(path);
  }

  /** Adds problems found relative to {@code prefix}. */
  void addAll(String prefix, List<Problem> relative) {
    for (Problem p : relative) add(Problem.join(prefix, p.path()), p.message());
  }

  /**
   * Runs a record constructor; on {@link ConfigException}, records its problems under {@code prefix} (skipping
   * paths that already have one) and returns empty.
   */
  <T> Optional<T> build(String prefix, Supplier<T> constructor) {
    try {
      return Optional.of(constructor.get());
    } catch (ConfigException e) {
      Set<String> reported = Set.copyOf(paths);
      for (Problem p : e.problems()) {
        Problem full = p.under(prefix);
        if (!reported.contains(full.path())) add(full.path(), full.message());
      }
      return Optional.empty();
    }
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  List<Problem> list() {
    return new ArrayList<>(problems);
  }
}
