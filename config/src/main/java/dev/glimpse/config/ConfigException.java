package dev.glimpse.config;

import java.util.List;

/**
 * Every problem found in one configuration source, reported together. The message is what a user should see:
 * <pre>
 * config.yaml: 2 problems
 *   ingest.streams[1].url: unknown URL scheme 'rstp' (...); did you mean 'rtsp'?
 *   trackr: unknown key; did you mean 'tracker'?
 * </pre>
 * The source is the file name for {@link ConfigLoader}, or the record's name (e.g. {@code HttpConfig}) when a
 * record built in code rejects its values; paths are then relative to that record.
 *
 * <p>It is an {@link IllegalArgumentException} so that records built directly fail the way Java code expects.
 */
public final class ConfigException extends IllegalArgumentException {
  private final String source;
  private final transient List<Problem> problems;

  public ConfigException(String source, List<Problem> problems) {
    super(render(source, problems));
    if (problems.isEmpty()) throw new IllegalArgumentException("a ConfigException needs at least one problem");
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  /** The file name, or the name of the record that rejected its values. */
  public String source() {
    return source;
  }

  /** The problems, in the order they were found (document order within a section). */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(String source, List<Problem> problems) {
    StringBuilder sb = new StringBuilder(source).append(": ").append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems");
    for (Problem p : problems) sb.append("\n  ").append(p.toString().replace("\n", "\n    "));
    return sb.toString();
  }
}
