package dev.glimpse.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A standing query: a grounded question asked of one or more streams, again and again. YAML: an item of
 * {@code queries}, either a mapping or just the text ({@code - box all person}, every frame, all streams).
 *
 * @param text the query, e.g. {@code box all person} or {@code point to all cone}. Required, at most 1000
 *     characters.
 * @param rate how often it runs. Every frame gives the freshest answers and the densest input to the tracker but
 *     costs one engine pass per frame and query.
 * @param streams ids of the streams it applies to; empty = all streams, including those added later.
 */
public record QueryConfig(String text, QueryRate rate, List<String> streams) {
  public static final QueryRate DEFAULT_RATE = QueryRate.EVERY_FRAME;
  /** Empty: all streams. */
  public static final List<String> DEFAULT_STREAMS = List.of();
  public static final int MAX_TEXT_LENGTH = 1000;

  public QueryConfig {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(rate, "rate");
    streams = List.copyOf(streams);
    Checks c = new Checks();
    c.notBlank("text", text);
    c.require(text.length() <= MAX_TEXT_LENGTH, "text", "must be at most " + MAX_TEXT_LENGTH + " characters, got "
        + text.length());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < streams.size(); i++) {
      c.require(seen.add(streams.get(i)), "streams[" + i + "]", "'" + streams.get(i) + "' is listed twice");
    }
    c.throwIfAny("QueryConfig");
  }

  /** A query on every frame of every stream. */
  public static QueryConfig of(String text) {
    return new QueryConfig(text, DEFAULT_RATE, DEFAULT_STREAMS);
  }

  /** Whether this query runs on the stream {@code id}. */
  public boolean appliesTo(String id) {
    return streams.isEmpty() || streams.contains(id);
  }
}
