package dev.glimpse.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each path first appears in the document, so that problems can be listed top to bottom as the user reads
 * the file. A problem about something not written (a missing required key, a default that conflicts) sorts with
 * its nearest written ancestor; document-level problems come first; ties keep the order they were found in.
 */
final class DocumentOrder {
  private final Map<String, Integer> rank = new HashMap<>();

  /** Indexes every key and list item that {@code parser} (fresh, over a document known to parse) meets. */
  DocumentOrder(JsonParser parser) throws IOException {
    try (JsonParser p = parser) {
      for (JsonToken t; (t = p.nextToken()) != null; ) {
        JsonStreamContext ctx = p.getParsingContext();
        if (t.isStructStart()) ctx = ctx.getParent();
        if (t == JsonToken.FIELD_NAME || ctx != null && ctx.inArray()) rank.putIfAbsent(pathOf(ctx), rank.size());
      }
    }
  }

  /** The problems in document order. */
  List<Problem> sort(List<Problem> problems) {
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparingInt(p -> rankOf(p.path())));
    return sorted;
  }

  private int rankOf(String path) {
    for (String p = path; !p.isEmpty(); p = parent(p)) {
      Integer r = rank.get(p);
      if (r != null) return r;
    }
    return -1;
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** The dotted path of the value the parser is at in {@code ctx}: {@code ingest.streams[1].url}. */
  private static String pathOf(JsonStreamContext ctx) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      parts.add(c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName());
    }
    String path = "";
    for (int i = parts.size() - 1; i >= 0; i--) path = Problem.join(path, parts.get(i));
    return path;
  }
}
