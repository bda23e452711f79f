package dev.glimpse.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads one YAML mapping of the tree: typed values by key, each defaulting when the key is absent or empty
 * ({@code key:} or {@code key: ~}). A wrong value is reported with its path and replaced by the default, so reading
 * goes on and every problem is found in one pass. Each key read is remembered; {@link #finish()} reports the rest
 * as unknown, with a suggestion for near misses.
 */
final class YamlReader {
  /** One item of a YAML list with its path ({@code ingest.streams[1]}). */
  record Item(JsonNode node, String path, ProblemList problems) {
    /** The item as a mapping; empty, after reporting it, if it is something else. */
    Optional<YamlReader> mapping() {
      YamlReader r = YamlReader.mapping(node, path, problems);
      return r.intact() ? Optional.of(r) : Optional.empty();
    }
  }

  private final JsonNode node; // null when absent, null or not a mapping
  private final boolean intact;
  private final String path;
  private final ProblemList problems;
  private final Set<String> known = new LinkedHashSet<>();

  private YamlReader(JsonNode node, boolean intact, String path, ProblemList problems) {
    this.node = node;
    this.intact = intact;
    this.path = path;
    this.problems = problems;
  }

  /** A reader of {@code node}, which should be a mapping; absent or null reads as an empty one. */
  static YamlReader mapping(JsonNode node, String path, ProblemList problems) {
    if (node == null || node.isNull() || node.isMissingNode()) return new YamlReader(null, true, path, problems);
    if (node.isObject()) return new YamlReader(node, true, path, problems);
    problems.add(path, "expected a mapping of keys, got " + describe(node));
    return new YamlReader(null, false, path, problems);
  }

  /** False when the value was not a mapping (already reported): what it holds is unknown, not empty. */
  boolean intact() {
    return intact;
  }

  /** Whether {@code key} is absent or a list, so that {@link #list} reads all that was written. */
  boolean listOrAbsent(String key) {
    JsonNode v = get(key);
    return v == null || v.isArray();
  }

  String path() {
    return path;
  }

  String path(String key) {
    return Problem.join(path, key);
  }

  ProblemList problems() {
    return problems;
  }

  /** Whether {@code key} is present with a non-null value. */
  boolean has(String key) {
    return get(key) != null;
  }

  /** Runs a record constructor, reporting its problems under this mapping's path. */
  <T> Optional<T> build(Supplier<T> constructor) {
    return problems.build(path, constructor);
  }

  /** The value of {@code key} converted by {@code convert}, which throws IllegalArgumentException with the reason. */
  <T> T value(String key, T dflt, Function<JsonNode, T> convert) {
    JsonNode v = get(key);
    if (v == null) return dflt;
    try {
      return convert.apply(v);
    } catch (IllegalArgumentException e) {
      problems.add(path(key), e.getMessage());
      return dflt;
    }
  }

  /** As {@link #value}, but the key must be present: null (and a problem) when it is not or is invalid. */
  <T> T required(String key, Function<JsonNode, T> convert) {
    if (!has(key)) {
      problems.add(path(key), "is required");
      return null;
    }
    return value(key, null, convert);
  }

  String text(String key, String dflt) {
    return value(key, dflt, YamlReader::asText);
  }

  Optional<String> optionalText(String key) {
    return Optional.ofNullable(text(key, null));
  }

  Path file(String key, Path dflt) {
    return value(key, dflt, YamlReader::asPath);
  }

  int integer(String key, int dflt) {
    return value(key, dflt, v -> {
      if (!v.isIntegralNumber()) throw new IllegalArgumentException("expected an integer, got " + describe(v));
      if (!v.canConvertToInt()) throw new IllegalArgumentException("out of range, got " + v.asText());
      return v.intValue();
    });
  }

  double number(String key, double dflt) {
    return value(key, dflt, v -> {
      if (!v.isNumber()) throw new IllegalArgumentException("expected a number, got " + describe(v));
      return v.doubleValue();
    });
  }

  boolean bool(String key, boolean dflt) {
    return value(key, dflt, v -> {
      if (!v.isBoolean()) throw new IllegalArgumentException("expected true or false, got " + describe(v));
      return v.booleanValue();
    });
  }

  /** An enum value written in lower case ({@code best_effort} for {@code BEST_EFFORT}). */
  <E extends Enum<E>> E choice(String key, E dflt) {
    return value(key, dflt, v -> asEnum(v, dflt.getDeclaringClass()));
  }

  Duration duration(String key, Duration dflt) {
    return value(key, dflt, v -> {
      if (!v.isTextual() && !v.isNumber()) {
        throw new IllegalArgumentException("expected a duration such as 250ms or 2s, got " + describe(v));
      }
      return Durations.parse(v.asText());
    });
  }

  long bytes(String key, long dflt) {
    return value(key, dflt, v -> {
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        if (v.longValue() < 0) throw new IllegalArgumentException("must not be negative, got " + v.asText());
        return v.longValue();
      }
      if (!v.isTextual()) {
        throw new IllegalArgumentException("expected a size such as 64KiB or 1MiB, got " + describe(v));
      }
      return ByteSizes.parse(v.asText());
    });
  }

  /** A nested mapping; absent or null reads as empty. */
  YamlReader child(String key) {
    return mapping(get(key), path(key), problems);
  }

  /** The items of a list; absent or null reads as empty. */
  List<Item> list(String key) {
    JsonNode v = get(key);
    List<Item> items = new ArrayList<>();
    if (v == null) return items;
    if (!v.isArray()) {
      String fix = v.isTextual() ? " (write [" + v.asText() + "])" : "";
      problems.add(path(key), "expected a list, got " + describe(v) + fix);
      return items;
    }
    for (int i = 0; i < v.size(); i++) items.add(new Item(v.get(i), path(key) + "[" + i + "]", problems));
    return items;
  }

  /** A list of strings; items that are not strings are reported and come back as null, keeping indexes aligned. */
  List<String> texts(String key) {
    List<String> out = new ArrayList<>();
    for (Item it : list(key)) {
      try {
        out.add(asText(it.node()));
      } catch (IllegalArgumentException e) {
        problems.add(it.path(), e.getMessage());
        out.add(null);
      }
    }
    return out;
  }

  /** Reports every key of this mapping that was not read. Call after reading all keys. */
  void finish() {
    if (node == null) return;
    for (var property : node.properties()) {
      String key = property.getKey();
      if (known.contains(key)) continue;
      if (key.equals("<<")) {
        problems.add(path(key), "YAML merge keys (<<) are not supported; write the keys out");
        continue;
      }
      String hint = DidYouMean.hint(key, known);
      String expected = " (expected one of " + String.join(", ", known) + ")";
      problems.add(path(key), "unknown key" + (hint.isEmpty() ? expected : hint));
    }
  }

  private JsonNode get(String key) {
    known.add(key);
    if (node == null) return null;
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  static String asText(JsonNode v) {
    if (v.isTextual()) return v.textValue();
    throw new IllegalArgumentException("expected a string, got " + describe(v)
        + (v.isBoolean() || v.isNumber() ? " (quote it to use it as text)" : ""));
  }

  static Path asPath(JsonNode v) {
    String s = asText(v);
    if (s.isBlank()) throw new IllegalArgumentException("must not be empty");
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path: " + e.getReason());
    }
  }

  static <E extends Enum<E>> E asEnum(JsonNode v, Class<E> type) {
    List<String> names = Arrays.stream(type.getEnumConstants()).map(YamlReader::yamlName).toList();
    if (!v.isTextual()) {
      throw new IllegalArgumentException("expected one of " + String.join("|", names) + ", got " + describe(v));
    }
    String s = v.textValue();
    int i = names.indexOf(s);
    if (i < 0) {
      throw new IllegalArgumentException("unknown value '" + s + "' (expected " + String.join("|", names) + ")"
          + DidYouMean.hint(s, names));
    }
    return type.getEnumConstants()[i];
  }

  /** How an enum constant is written in YAML: {@code BEST_EFFORT → best_effort}. */
  static String yamlName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** A value as the user would recognise it: {@code "thirty"}, {@code 3.5}, {@code true}, {@code a list}. */
  static String describe(JsonNode v) {
    if (v.isTextual()) return v.toString();
    if (v.isArray()) return "a list";
    if (v.isObject()) return "a mapping";
    return v.asText();
  }
}
