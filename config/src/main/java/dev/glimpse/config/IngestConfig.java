package dev.glimpse.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The video sources the agent starts with. More can be added and removed at run time through the HTTP API.
 *
 * @param streams the streams, ids unique. Default: none.
 */
public record IngestConfig(List<StreamConfig> streams) {
  public static final List<StreamConfig> DEFAULT_STREAMS = List.of();

  public IngestConfig {
    streams = List.copyOf(streams);
    Checks c = new Checks();
    checkUniqueIds(streams.stream().map(StreamConfig::id).toList(), c);
    c.throwIfAny("IngestConfig");
  }

  public static IngestConfig defaults() {
    return new IngestConfig(DEFAULT_STREAMS);
  }

  /** The stream with this id. */
  public Optional<StreamConfig> stream(String id) {
    return streams.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /**
   * Reports every id that repeats an earlier one. {@code ids} is indexed like the YAML list; null entries (ids
   * that could not be read) are skipped. Shared with the loader, which checks ids even when a stream fails.
   */
  static void checkUniqueIds(List<String> ids, Checks c) {
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (id == null) continue;
      Integer j = first.putIfAbsent(id, i);
      if (j != null) c.add("streams[" + i + "].id", "duplicate stream id '" + id + "' (also streams[" + j + "].id)");
    }
  }
}
