package dev.glimpse.agent.runtime;

import dev.glimpse.agent.pipeline.FrameResult;
import dev.glimpse.agent.pipeline.PipelineListener;
import dev.glimpse.agent.pipeline.StandingQuery;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The latest state per stream for the API and dashboard: per query the last detections and tracks, the last frame's
 * timings and KV size; and a fan-out of every update to subscribers (server-sent events, WebSocket). Updated on the
 * pipelines' event loops, read from any thread.
 */
public final class TrackStore implements PipelineListener {
  /** One query's latest output on a stream. */
  public record QueryState(String query, long sequence, Detections detections, List<Track> tracks) {}

  /** A stream's latest frame-level numbers. */
  public record FrameState(long sequence, int width, int height, double encodeMs, Map<String, Double> queryMs,
      long kvBytes, int kvRowsPerLayer, int framesInContext) {}

  /** One update: a frame result or a query's tracks. */
  public record Event(String stream, FrameState frame, QueryState query) {}

  /** A stream's latest frame as packed RGB [height, width, 3] (the engine's copy, shared: read only). */
  public record Pixels(long sequence, int width, int height, byte[] rgb) {}

  private final Map<String, Map<String, QueryState>> queries = new ConcurrentHashMap<>();
  private final Map<String, FrameState> frames = new ConcurrentHashMap<>();
  private final Map<String, Pixels> pixels = new ConcurrentHashMap<>();
  private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();

  @Override
  public void onFrame(String stream, FrameResult r) {
    FrameState f = new FrameState(r.sequence(), r.width(), r.height(), r.encodeMs(), r.queryMs(), r.kv().bytes(),
        r.kv().rowsPerLayer(), r.kv().frames());
    frames.put(stream, f);
    if (r.rgb() != null) pixels.put(stream, new Pixels(r.sequence(), r.width(), r.height(), r.rgb()));
    publish(new Event(stream, f, null));
  }

  @Override
  public void onTracks(String stream, StandingQuery q, FrameResult r, Detections dets, List<Track> tracks) {
    QueryState s = new QueryState(q.query().text(), r.sequence(), dets, List.copyOf(tracks));
    queries.computeIfAbsent(stream, k -> new ConcurrentHashMap<>()).put(q.query().text(), s);
    publish(new Event(stream, null, s));
  }

  private void publish(Event e) {
    for (Consumer<Event> c : subscribers) c.accept(e);
  }

  /** Receives every later update until the returned handle is run. */
  public Runnable subscribe(Consumer<Event> c) {
    subscribers.add(c);
    return () -> subscribers.remove(c);
  }

  public Map<String, QueryState> queries(String stream) { return Map.copyOf(queries.getOrDefault(stream, Map.of())); }

  public FrameState frame(String stream) { return frames.get(stream); }

  /** The stream's latest frame's pixels (one frame per stream is kept), or null before the first. */
  public Pixels pixels(String stream) { return pixels.get(stream); }

  /** How many subscribers are attached now. */
  public int subscriberCount() { return subscribers.size(); }

  /** Forgets a removed stream. */
  public void forget(String stream) {
    queries.remove(stream);
    frames.remove(stream);
    pixels.remove(stream);
  }
}
