package dev.glimpse.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration: where ({@code path}, the dotted YAML path such as
 * {@code ingest.streams[1].url}; empty when it concerns the whole document) and what ({@code message}, which says
 * what was expected and what was found).
 */
public record Problem(String path, String message) {
  public Problem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** This problem seen from a parent: under {@code ingest}, {@code streams[1].url} is {@code ingest.streams[1].url}. */
  public Problem under(String prefix) {
    return new Problem(join(prefix, path), message);
  }

  /** Joins two path parts: a dot between keys, none before an index ({@code streams} + {@code [1]}). */
  static String join(String prefix, String path) {
    if (prefix.isEmpty()) return path;
    if (path.isEmpty()) return prefix;
    return path.startsWith("[") ? prefix + path : prefix + "." + path;
  }

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
