package dev.glimpse.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads the agent's YAML configuration into {@link AgentConfig}.
 *
 * <p>Pipeline: (1) Jackson parses the text into a tree (duplicate keys and YAML syntax errors stop here, with
 * line:column); (2) {@link Sections} walks the tree section by section, reporting wrong types, unknown keys and
 * missing required keys and substituting defaults so that reading goes on; (3) each record's compact constructor
 * checks ranges and consistency, and its problems are re-rooted at the record's path; (4) cross-section references
 * are checked; (5) if anything was found, one {@link ConfigException} lists it all in document order
 * ({@link DocumentOrder}), else the records are returned.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Reads and parses {@code file}; problems are reported under the file's name as given. */
  public static AgentConfig load(Path file) {
    String name = file.toString();
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, List.of(new Problem("", "file not found")));
    } catch (MalformedInputException e) {
      throw new ConfigException(name, List.of(new Problem("", "not UTF-8 text")));
    } catch (IOException e) {
      throw new ConfigException(name, List.of(new Problem("", "cannot read: " + e)));
    }
    return parse(yaml, name);
  }

  /**
   * Parses YAML text; {@code sourceName} heads the error message. An empty document gives
   * {@link AgentConfig#defaults()}.
   *
   * @throws ConfigException listing every problem found
   */
  public static AgentConfig parse(String yaml, String sourceName) {
    YAMLMapper mapper = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    ProblemList problems = new ProblemList();
    Optional<JsonNode> root = readTree(mapper, yaml, problems);
    AgentConfig config = root.flatMap(r -> Sections.agent(YamlReader.mapping(r, "", problems))).orElse(null);
    if (problems.isEmpty() && config != null) return config;
    List<Problem> found = problems.list();
    if (root.isPresent()) {
      try {
        found = new DocumentOrder(mapper.createParser(yaml)).sort(found);
      } catch (IOException e) {
        throw new IllegalStateException("a document that parsed once failed the second time", e);
      }
    }
    throw new ConfigException(sourceName, found);
  }

  /** The document's tree, or empty after reporting a syntax error. A missing or null document is an empty mapping. */
  private static Optional<JsonNode> readTree(YAMLMapper mapper, String yaml, ProblemList problems) {
    List<JsonNode> documents = new ArrayList<>();
    try (JsonParser parser = mapper.createParser(yaml)) {
      for (JsonNode doc; (doc = mapper.readTree(parser)) != null; ) documents.add(doc);
    } catch (JsonProcessingException e) {
      problems.add("", syntaxError(e, yaml));
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException("reading from a string cannot fail", e);
    }
    if (documents.size() > 1) {
      problems.add("", "expected one YAML document, found " + documents.size() + " (remove the '---' separators)");
      return Optional.empty();
    }
    JsonNode root = documents.isEmpty() ? null : documents.getFirst();
    if (root != null && !root.isNull() && !root.isObject()) {
      problems.add("", "expected a mapping of sections (ingest, engine, queries, ...) at the top level, got "
          + YamlReader.describe(root));
      return Optional.empty();
    }
    return Optional.of(root == null || root.isNull() ? mapper.createObjectNode() : root);
  }

  /** "YAML syntax error at line L:C: what (context)", then the line and a caret under the column. */
  private static String syntaxError(JsonProcessingException e, String yaml) {
    String what;
    int line, column;
    // SnakeYAML (which jackson-dataformat-yaml wraps) marks where the problem is and where its construct began;
    // Jackson's own location often points at the construct's start instead.
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      Mark mark = m.getProblemMark();
      line = mark.getLine() + 1;
      column = mark.getColumn() + 1;
      what = m.getProblem();
      if (m.getContext() != null && m.getContextMark() != null) {
        Mark c = m.getContextMark();
        what += " (" + m.getContext() + " at line " + (c.getLine() + 1) + ":" + (c.getColumn() + 1) + ")";
      }
    } else {
      JsonLocation loc = e.getLocation();
      line = loc == null ? 0 : loc.getLineNr();
      column = loc == null ? 0 : loc.getColumnNr();
      what = e.getOriginalMessage().replaceFirst("^Duplicate field '(.*)'$", "duplicate key '$1'");
    }
    StringBuilder sb = new StringBuilder("YAML syntax error");
    // Limits checked outside the parser (nesting depth) come without a location.
    if (line >= 1) sb.append(" at line ").append(line).append(':').append(column);
    sb.append(": ").append(what);
    String[] lines = yaml.split("\r?\n", -1);
    if (line >= 1 && line <= lines.length && !lines[line - 1].isBlank()) {
      String text = lines[line - 1];
      // A plain value starting with '{' opens a flow mapping: the commonest slip is an unquoted "{stream}/..." topic.
      if (text.matches(".*:\\s*\\{[^}]*}[^\\s,}].*")) sb.append(" (quote values that start with '{')");
      int caret = Math.max(0, column - 1);
      if (text.length() > SHOWN_LINE) { // a huge line (a pasted blob) would make the message unreadable
        int from = Math.clamp(caret - SHOWN_LINE / 2, 0, text.length() - SHOWN_LINE);
        String head = from > 0 ? "..." : "";
        text = head + text.substring(from, from + SHOWN_LINE) + (from + SHOWN_LINE < text.length() ? "..." : "");
        caret = Math.min(caret - from + head.length(), text.length());
      }
      sb.append('\n').append(text).append('\n').append(" ".repeat(caret)).append('^');
    }
    return sb.toString();
  }

  /** Most characters of the offending line a syntax error shows, around the column. */
  private static final int SHOWN_LINE = 160;
}
