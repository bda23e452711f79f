package dev.glimpse.agent.http;

import static dev.glimpse.agent.http.TestAgent.await;
import static dev.glimpse.agent.http.TestAgent.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API against a real agent (smoke model, a simulated stream at 6 fps) on an ephemeral loopback port:
 * the JSON contracts, the problem details of every error, live events over SSE and WebSocket, and metrics.
 */
class HttpApiTest {
  static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = new TestAgent("  max_body_bytes: 2KiB\n", null, TestAgent.sim("cam1", 2));
    await("a first frame with tracks on cam1", Duration.ofSeconds(60),
        () -> agent.runtime.store().frame("cam1") != null && !agent.runtime.store().queries("cam1").isEmpty());
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) agent.close();
  }

  static JsonNode assertProblem(HttpResponse<String> r, int status, String detailPart) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), r.body());
    JsonNode p = json(r);
    assertEquals(status, p.get("status").asInt());
    assertTrue(p.get("type").asText().startsWith("urn:glimpse:problem:") || p.get("type").asText().equals("about:blank"));
    assertFalse(p.get("title").asText().isEmpty());
    assertTrue(p.get("detail").asText().contains(detailPart), "detail '" + p.get("detail") + "' lacks '" + detailPart + "'");
    return p;
  }

  @Test
  void healthNamesTheModelAndCountsStreams() throws Exception {
    HttpResponse<String> r = agent.get("/api/health");
    assertEquals(200, r.statusCode());
    JsonNode h = json(r);
    assertEquals("ok", h.get("status").asText());
    assertEquals("smoke-random", h.get("model").asText());
    assertEquals(agent.runtime.streams().size(), h.get("streams").asInt());
  }

  @Test
  void streamsCanBeListedAddedAndRemoved() throws Exception {
    JsonNode list = json(agent.get("/api/streams"));
    JsonNode cam1 = null;
    for (JsonNode s : list) if (s.get("id").asText().equals("cam1")) cam1 = s;
    assertNotNull(cam1, list.toString());
    assertTrue(cam1.get("source").asText().startsWith("sim://seed=2"));
    assertEquals("box all objects", cam1.get("queries").get(0).asText());
    for (String k : new String[] {"state", "processed", "failed", "drops", "reconnects"}) assertTrue(cam1.has(k), k);

    HttpResponse<String> add = agent.post("/api/streams",
        "{\"id\": \"cam2\", \"url\": \"sim://seed=3&size=84x84&fps=2&frames=1000\", \"pacing\": \"realtime\","
            + " \"mailbox\": {\"policy\": \"latest\", \"capacity\": 1}}");
    assertEquals(201, add.statusCode(), add.body());
    assertEquals("/api/streams/cam2", add.headers().firstValue("Location").orElse(""));
    assertEquals("cam2", json(add).get("id").asText());
    assertNotNull(agent.runtime.stream("cam2"), "the runtime runs it");
    assertEquals(200, agent.get("/api/streams/cam2").statusCode());

    assertProblem(agent.post("/api/streams", "{\"id\": \"cam2\", \"url\": \"sim://seed=4\"}"), 409, "already exists");

    HttpResponse<String> del = agent.delete("/api/streams/cam2");
    assertEquals(204, del.statusCode(), del.body());
    assertEquals(null, agent.runtime.stream("cam2"));
    assertProblem(agent.delete("/api/streams/cam2"), 404, "cam2");
    assertProblem(agent.get("/api/streams/cam2"), 404, "cam2");
  }

  @Test
  void localFilesFoldersAndDevicesAreRefused() throws Exception {
    for (String url : new String[] {"file:///etc/passwd", "videos/run1.mp4", "/data/run.mp4", "images:///data/frames"}) {
      assertProblem(agent.post("/api/streams", "{\"id\": \"x\", \"url\": \"" + url + "\"}"), 400,
          "does not open local files");
    }
    assertProblem(agent.post("/api/streams", "{\"id\": \"x\", \"url\": \"v4l2:///dev/video0\"}"), 400, "local devices");
    assertEquals(null, agent.runtime.stream("x"), "nothing was added");
  }

  @Test
  void badStreamBodiesAreProblems() throws Exception {
    assertProblem(agent.post("/api/streams", "{\"id\": \"x\", \"url\": "), 400, "not valid JSON");
    assertProblem(agent.post("/api/streams", "[1, 2]"), 400, "JSON object");
    assertProblem(agent.post("/api/streams", "{\"url\": \"sim://seed=1\"}"), 400, "id: required");
    assertProblem(agent.post("/api/streams", "{\"id\": \"x\", \"url\": \"rstp://cam/1\"}"), 400, "did you mean 'rtsp'");
    assertProblem(agent.post("/api/streams", "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"colour\": 1}"), 400,
        "unknown key 'colour'");
    assertProblem(agent.post("/api/streams", "{\"id\": \"1x\", \"url\": \"sim://seed=1\"}"), 400, "id");
    assertProblem(agent.post("/api/streams", "{\"id\": \"x\", \"url\": \"rtsp://cam/1\", \"pacing\": \"fast\"}"), 400,
        "pacing");
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    String big = "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"pad\": \"" + "a".repeat(4096) + "\"}";
    assertProblem(agent.post("/api/streams", big), 413, "max_body_bytes");
    assertProblem(agent.post("/api/streams/cam1/query", big), 413, "max_body_bytes");
  }

  @Test
  void queriesAnswerInTheCliJsonFormat() throws Exception {
    HttpResponse<String> r = agent.post("/api/streams/cam1/query", "{\"text\": \"Box all  objects\"}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode a = json(r);
    List<String> keys = new ArrayList<>();
    a.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("answer", "detections", "kv"), keys, "the query CLI's keys, in its order");
    assertTrue(a.get("answer").asText().startsWith("<|ref|>objects<|/ref|>"), a.toString());
    for (JsonNode d : a.get("detections")) {
      assertEquals("objects", d.get("label").asText());
      assertEquals(4, d.get("box").size());
      assertTrue(d.get("point").isNull());
      assertTrue(d.get("score").asDouble() >= 0 && d.get("score").asDouble() <= 1);
    }
    assertTrue(a.get("kv").get("rows_per_layer").asInt() > 0 && a.get("kv").get("bytes").asLong() > 0);

    JsonNode count = json(agent.post("/api/streams/cam1/query", "{\"text\": \"count person\"}"));
    assertTrue(count.get("answer").isTextual(), count.toString());

    assertProblem(agent.post("/api/streams/cam1/query", "{\"text\": \"find the cat\"}"), 400, "'box all <target>'");
    assertProblem(agent.post("/api/streams/cam1/query", "{\"text\": \"box all unicorn\"}"), 400, "unknown target");
    assertProblem(agent.post("/api/streams/cam1/query", "{}"), 400, "text");
    assertProblem(agent.post("/api/streams/nope/query", "{\"text\": \"box all person\"}"), 404, "nope");
  }

  @Test
  void aStreamWithoutFramesAnswers503() throws Exception {
    // nothing listens on port 1: the stream keeps reconnecting and never delivers a frame
    HttpResponse<String> add = agent.post("/api/streams", "{\"id\": \"dark\", \"url\": \"rtsp://127.0.0.1:1/none\"}");
    assertEquals(201, add.statusCode(), add.body());
    try {
      HttpResponse<String> q = agent.post("/api/streams/dark/query", "{\"text\": \"box all person\"}");
      assertProblem(q, 503, "no frame");
      assertEquals("1", q.headers().firstValue("Retry-After").orElse(""));
      assertProblem(agent.get("/api/streams/dark/frame.jpg"), 503, "not delivered a frame");
      JsonNode t = json(agent.get("/api/streams/dark/tracks"));
      assertTrue(t.get("frame").isNull() && t.get("queries").isEmpty(), t.toString());
    } finally {
      assertEquals(204, agent.delete("/api/streams/dark").statusCode());
    }
  }

  @Test
  void tracksHoldTheLatestDetectionsAndTracksPerQuery() throws Exception {
    HttpResponse<String> r = agent.get("/api/streams/cam1/tracks");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode t = json(r);
    assertEquals("cam1", t.get("stream").asText());
    assertEquals(168, t.get("frame").get("width").asInt());
    assertTrue(t.get("frame").get("kv").get("bytes").asLong() > 0);
    JsonNode q = t.get("queries").get(0);
    assertEquals("box all objects", q.get("query").asText());
    assertTrue(q.get("detections").isArray() && q.get("tracks").isArray());
    for (JsonNode d : q.get("detections")) assertEquals(4, d.get("box").size(), d.toString());
    for (JsonNode k : q.get("tracks")) {
      assertTrue(k.get("id").asLong() >= 1 && k.get("velocity").size() == 2 && k.has("age") && k.has("state"), k.toString());
    }
    assertProblem(agent.get("/api/streams/nope/tracks"), 404, "nope");
  }

  @Test
  void theLatestFrameComesAsJpeg() throws Exception {
    HttpResponse<byte[]> r = agent.client.send(agent.request("/api/streams/cam1/frame.jpg").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(r.headers().firstValue("X-Frame-Sequence").isPresent());
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
    assertNotNull(img, "decodes as an image");
    assertEquals(168, img.getWidth());
    assertEquals(168, img.getHeight());
    int rgb = img.getRGB(84, 84);
    boolean uniform = true;
    for (int y = 0; y < 168 && uniform; y += 7) for (int x = 0; x < 168; x += 7) if (img.getRGB(x, y) != rgb) uniform = false;
    assertFalse(uniform, "a rendered scene, not a blank picture");
  }

  @Test
  void serverSentEventsStreamFramesAndTracksAndUnsubscribeOnDisconnect() throws Exception {
    int before = agent.runtime.store().subscriberCount();
    HttpResponse<Stream<String>> r = agent.client.send(agent.request("/api/events?stream=cam1").GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    long firstLiveSequence = -1;
    boolean sawTracks = false;
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long snapshot = agent.runtime.store().frame("cam1").sequence();
      while (System.nanoTime() < deadline && (firstLiveSequence < 0 || !sawTracks) && it.hasNext()) {
        String line = it.next();
        if (!line.startsWith("data: ")) continue;
        JsonNode e = TestAgent.JSON.readTree(line.substring(6));
        assertEquals("cam1", e.get("stream").asText(), "filtered by ?stream=");
        if (e.get("type").asText().equals("frame") && e.get("sequence").asLong() > snapshot) {
          firstLiveSequence = e.get("sequence").asLong();
          assertTrue(e.get("encode_ms").asDouble() > 0 && e.get("kv").get("rows_per_layer").asInt() > 0, e.toString());
        }
        if (e.get("type").asText().equals("tracks")) {
          sawTracks = true;
          assertEquals("box all objects", e.get("query").asText());
          assertTrue(e.get("detections").isArray() && e.get("tracks").isArray());
        }
      }
      assertTrue(firstLiveSequence > 0, "a live frame event arrived");
      assertTrue(sawTracks, "a tracks event arrived");
      assertEquals(before + 1, agent.runtime.store().subscriberCount(), "subscribed while connected");
    }
    await("the event subscription to end after the client left", Duration.ofSeconds(20),
        () -> agent.runtime.store().subscriberCount() == before);
    assertProblem(agent.get("/api/events?stream=nope"), 404, "nope");
  }

  @Test
  void theWebSocketCarriesTheSamePayloads() throws Exception {
    int before = agent.runtime.store().subscriberCount();
    LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket ws = agent.client.newWebSocketBuilder().buildAsync(URI.create(agent.base.replace("http", "ws") + "/api/ws"),
        new WebSocket.Listener() {
          final StringBuilder part = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
              messages.add(part.toString());
              part.setLength(0);
            }
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    try {
      boolean frame = false, tracks = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((!frame || !tracks) && System.nanoTime() < deadline) {
        String m = messages.poll(1, TimeUnit.SECONDS);
        if (m == null) continue;
        JsonNode e = TestAgent.JSON.readTree(m);
        frame |= e.get("type").asText().equals("frame") && e.has("encode_ms");
        tracks |= e.get("type").asText().equals("tracks") && e.has("tracks");
      }
      assertTrue(frame && tracks, "frame and tracks messages arrived");
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }
    await("the WebSocket subscription to end", Duration.ofSeconds(20),
        () -> agent.runtime.store().subscriberCount() == before);
  }

  @Test
  void openApiDescribesTheEndpoints() throws Exception {
    HttpResponse<String> r = agent.get("/api/openapi.json");
    assertEquals(200, r.statusCode());
    JsonNode o = json(r);
    assertTrue(o.get("openapi").asText().startsWith("3.1"), o.get("openapi").toString());
    for (String p : new String[] {"/api/health", "/api/streams", "/api/streams/{id}", "/api/streams/{id}/query",
        "/api/streams/{id}/tracks", "/api/streams/{id}/frame.jpg", "/api/events", "/api/ws", "/metrics"}) {
      assertTrue(o.get("paths").has(p), p);
    }
    assertTrue(o.get("paths").get("/api/streams").has("post") && o.get("paths").get("/api/streams/{id}").has("delete"));
    // every $ref points at something that exists
    Matcher m = Pattern.compile("\"\\$ref\":\"#/([^\"]+)\"").matcher(o.toString());
    int refs = 0;
    while (m.find()) {
      assertFalse(o.at("/" + m.group(1)).isMissingNode(), m.group(1));
      refs++;
    }
    assertTrue(refs > 10);
  }

  @Test
  void metricsAreInPrometheusFormat() throws Exception {
    Pattern processed = Pattern.compile("(?m)^glimpse_frames_processed_total\\{stream=\"cam1\"} ([0-9.E]+)$");
    String[] text = new String[1];
    await("frames counted in /metrics", Duration.ofSeconds(30), () -> {
      try {
        text[0] = agent.get("/metrics").body();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      Matcher m = processed.matcher(text[0]);
      return m.find() && Double.parseDouble(m.group(1)) > 0;
    });
    HttpResponse<String> r = agent.get("/metrics");
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    for (String s : new String[] {"glimpse_encode_seconds_bucket{stream=\"cam1\",le=", "glimpse_encode_seconds_count{stream=\"cam1\"}",
        "glimpse_query_seconds_bucket{query=\"box all objects\",stream=\"cam1\"", "glimpse_kv_bytes{stream=\"cam1\"}",
        "glimpse_kv_rows_per_layer{stream=\"cam1\"}", "glimpse_stream_drops_total{stream=\"cam1\"}",
        "glimpse_stream_reconnects_total{stream=\"cam1\"}", "glimpse_streams "}) {
      assertTrue(r.body().contains(s), s + " in\n" + r.body());
    }
    Matcher kv = Pattern.compile("(?m)^glimpse_kv_bytes\\{stream=\"cam1\"} ([0-9.E]+)$").matcher(r.body());
    assertTrue(kv.find() && Double.parseDouble(kv.group(1)) > 0, "KV bytes of the last frame");
  }

  @Test
  void unknownRoutesAndMethodsAreProblems() throws Exception {
    assertProblem(agent.get("/api/nothing-here"), 404, "/api/nothing-here");
    assertProblem(agent.get("/favicon.ico"), 404, "no such resource");
    assertProblem(agent.send(agent.request("/api/health").PUT(HttpRequest.BodyPublishers.ofString("{}")).build()), 405,
        "PUT");
  }

  @Test
  void theDashboardIsServed() throws Exception {
    HttpResponse<String> r = agent.get("/");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("<script src=\"/app.js\">"));
    assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
    HttpResponse<String> js = agent.get("/app.js");
    assertEquals(200, js.statusCode());
    assertTrue(js.body().contains("/api/events"));
  }
}
