package dev.glimpse.agent.pipeline;

import dev.glimpse.csa.engine.Query;

/**
 * A query asked again and again on one stream (issue contract: "box all person every frame, point to all cone at
 * 5 Hz"). {@code hz = 0} asks on every frame; otherwise on the first frame at least 1/hz after the last ask
 * (stream time, so replays are deterministic).
 *
 * @param query the parsed query
 * @param hz    asks per second of stream time, 0 = every frame
 */
public record StandingQuery(Query query, double hz) {
  public StandingQuery {
    if (!(hz >= 0) || Double.isInfinite(hz)) throw new IllegalArgumentException("query rate must be >= 0 Hz, got " + hz);
  }

  /** A file-name-safe slug of the query text: "box all red cone" → "box_all_red_cone". */
  public String slug() { return query.text().replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", ""); }
}
