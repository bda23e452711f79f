package dev.glimpse.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.runtime.AgentRuntime.StreamInfo;
import dev.glimpse.agent.runtime.TrackStore;
import dev.glimpse.ingest.StreamStats;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Point;
import dev.glimpse.types.Track;
import java.util.Locale;
import java.util.Map;

/** The API's JSON shapes (streams, frames, detections, tracks, events). Coordinates are source pixels. */
final class ApiJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ApiJson() {}

  static ObjectNode stream(StreamInfo s) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", s.id());
    o.put("source", s.source());
    o.put("state", s.state());
    o.put("processed", s.processed());
    o.put("failed", s.failed());
    StreamStats st = s.stats();
    o.put("frames", st == null ? 0 : st.frames());
    o.put("drops", st == null ? 0 : st.drops());
    o.put("reconnects", st == null ? 0 : st.reconnects());
    o.put("corrupt", st == null ? 0 : st.corrupt());
    ArrayNode q = o.putArray("queries");
    s.queries().forEach(q::add);
    return o;
  }

  static ObjectNode frame(String stream, TrackStore.FrameState f) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", "frame");
    o.put("stream", stream);
    o.put("sequence", f.sequence());
    o.put("width", f.width());
    o.put("height", f.height());
    o.put("encode_ms", round2(f.encodeMs()));
    ObjectNode q = o.putObject("query_ms");
    for (Map.Entry<String, Double> e : f.queryMs().entrySet()) q.put(e.getKey(), round2(e.getValue()));
    ObjectNode kv = o.putObject("kv");
    kv.put("rows_per_layer", f.kvRowsPerLayer());
    kv.put("bytes", f.kvBytes());
    kv.put("frames", f.framesInContext());
    return o;
  }

  static ObjectNode query(String stream, TrackStore.QueryState q) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", "tracks");
    o.put("stream", stream);
    o.put("query", q.query());
    o.put("sequence", q.sequence());
    o.put("width", q.detections().width());
    o.put("height", q.detections().height());
    ArrayNode d = o.putArray("detections");
    for (Detection x : q.detections().items()) detection(d.addObject(), x);
    ArrayNode t = o.putArray("tracks");
    for (Track x : q.tracks()) track(t.addObject(), x);
    return o;
  }

  static ObjectNode event(TrackStore.Event e) {
    return e.frame() != null ? frame(e.stream(), e.frame()) : query(e.stream(), e.query());
  }

  static void detection(ObjectNode o, Detection d) {
    o.put("label", d.label());
    where(o, d.box(), d.point());
    o.put("score", round4(d.score()));
  }

  static void track(ObjectNode o, Track t) {
    o.put("id", t.id());
    o.put("label", t.label());
    where(o, t.box(), t.point());
    o.put("score", round4(t.score()));
    o.putArray("velocity").add(round1(t.vx())).add(round1(t.vy()));
    o.put("age", t.age());
    o.put("state", t.state().name().toLowerCase(Locale.ROOT));
  }

  private static void where(ObjectNode o, Box b, Point p) {
    if (b != null) o.putArray("box").add(round1(b.x1())).add(round1(b.y1())).add(round1(b.x2())).add(round1(b.y2()));
    else o.putNull("box");
    if (p != null) o.putArray("point").add(round1(p.x())).add(round1(p.y()));
    else o.putNull("point");
  }

  private static double round1(double v) { return Math.round(v * 10) / 10.0; }

  private static double round2(double v) { return Math.round(v * 100) / 100.0; }

  private static double round4(double v) { return Math.round(v * 1e4) / 1e4; }
}
