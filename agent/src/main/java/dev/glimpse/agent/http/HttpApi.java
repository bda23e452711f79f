package dev.glimpse.agent.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.cli.QueryCommand;
import dev.glimpse.agent.runtime.AgentRuntime;
import dev.glimpse.agent.runtime.AgentRuntime.StreamInfo;
import dev.glimpse.agent.runtime.TrackStore;
import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.HttpConfig;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.MetricsConfig;
import dev.glimpse.config.SourceKind;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.csa.engine.Answer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The agent's HTTP API, live dashboard and Prometheus endpoint on one Vert.x server (see agent/README.md and
 * {@code GET /api/openapi.json}). Handlers never block the event loop: engine work comes back as futures, JPEG
 * encoding and stream removal run on worker threads. Every error is an RFC 9457 problem.
 *
 * <p>Security: binds to {@link HttpConfig#host()} (loopback by default) and refuses to start on any other address
 * without a bearer token. With a token, every {@code /api/*} and metrics request must carry
 * {@code Authorization: Bearer <token>} (compared in constant time); the event stream and WebSocket, which browsers
 * cannot give headers, also accept it as {@code ?access_token=}. The dashboard page itself holds no data and is
 * served without a token. The API never opens local files or devices: streams added through it must be network
 * sources ({@code rtsp}, {@code rtsps}, {@code http}, {@code https}) or the simulator.
 */
public final class HttpApi {
  private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
  /** Source kinds a client may add; files, image folders and devices name paths on the agent's machine. */
  static final Set<SourceKind> API_SOURCES = Set.of(SourceKind.RTSP, SourceKind.RTSPS, SourceKind.HTTP,
      SourceKind.HTTPS, SourceKind.SIM);
  private static final Set<String> STREAM_KEYS = Set.of("id", "url", "pacing", "loop", "mailbox", "transport",
      "frame_id");
  private static final long KEEP_ALIVE_MS = 15_000;

  private final Vertx vertx;
  private final AgentRuntime runtime;
  private final HttpConfig http;
  private final MetricsConfig metricsConfig;
  private final AgentMetrics metrics;
  private final byte[] tokenDigest;
  private final Map<String, Jpeg> jpegs = new ConcurrentHashMap<>();
  private final Set<Runnable> subscriptions = ConcurrentHashMap.newKeySet();
  private final byte[] indexHtml, appJs, openApi;
  private HttpServer server;

  private record Jpeg(long sequence, Buffer bytes) {}

  private HttpApi(Vertx vertx, AgentRuntime runtime, HttpConfig http, MetricsConfig metricsConfig,
      AgentMetrics metrics) {
    this.vertx = vertx;
    this.runtime = runtime;
    this.http = http;
    this.metricsConfig = metricsConfig;
    this.metrics = metrics;
    this.tokenDigest = http.bearerToken().map(HttpApi::sha256).orElse(null);
    this.indexHtml = resource("/dashboard/index.html");
    this.appJs = resource("/dashboard/app.js");
    this.openApi = resource("/dev/glimpse/agent/http/openapi.json");
  }

  /**
   * Starts the server on {@code http.host():http.port()} (port 0: any free port, see {@link #port()}).
   *
   * @param metrics the agent's metrics (the same instance given to {@link AgentRuntime#start} as a listener), or
   *     null: then the metrics path is not served
   */
  public static Future<HttpApi> start(Vertx vertx, AgentRuntime runtime, HttpConfig http, MetricsConfig metricsConfig,
      AgentMetrics metrics) {
    if (!HttpConfig.isLoopback(http.host()) && http.bearerToken().isEmpty()) {
      return Future.failedFuture(new IllegalStateException("http.host is '" + http.host() + "', which is not "
          + "loopback, and no http.bearer_token is set: refusing to expose the API without authentication"));
    }
    HttpApi api;
    try {
      api = new HttpApi(vertx, runtime, http, metricsConfig, metrics);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return api.listen();
  }

  private Future<HttpApi> listen() {
    Router router = router();
    HttpServerOptions opts = new HttpServerOptions().setHost(http.host()).setPort(http.port())
        .setCompressionSupported(false);
    return vertx.createHttpServer(opts).requestHandler(router).listen().map(s -> {
      server = s;
      LOG.log(System.Logger.Level.INFO, "HTTP API on http://" + http.host() + ":" + s.actualPort() + "/");
      return this;
    });
  }

  /** The port the server listens on. */
  public int port() { return server.actualPort(); }

  /** Stops listening and ends every event subscription. */
  public Future<Void> close() {
    for (Runnable r : List.copyOf(subscriptions)) r.run();
    return server == null ? Future.succeededFuture() : server.close();
  }

  Router router() {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer");
      try {
        ctx.queryParams();                                       // decoded here, so that a bad escape is a 400
      } catch (IllegalArgumentException e) {
        Problems.send(ctx, 400, "bad-request", "malformed query string: " + e.getMessage());
        return;
      }
      ctx.next();
    });
    r.route("/api/*").handler(this::authenticate);
    boolean serveMetrics = metricsConfig.enabled() && metrics != null;
    if (serveMetrics) r.route(metricsConfig.path()).handler(this::authenticate);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(http.maxBodyBytes());

    r.get("/").handler(ctx -> page(ctx, indexHtml, "text/html; charset=utf-8"));
    r.get("/app.js").handler(ctx -> page(ctx, appJs, "text/javascript; charset=utf-8"));
    r.get("/api/health").handler(this::health);
    r.get("/api/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(openApi)));
    r.get("/api/streams").handler(this::listStreams);
    r.post("/api/streams").handler(body).handler(HttpApi::requireJson).handler(this::addStream);
    r.get("/api/streams/:id").handler(this::getStream);
    r.delete("/api/streams/:id").handler(this::removeStream);
    r.post("/api/streams/:id/query").handler(body).handler(HttpApi::requireJson).handler(this::query);
    r.get("/api/streams/:id/tracks").handler(this::tracks);
    r.get("/api/streams/:id/frame.jpg").handler(this::frameJpeg);
    r.get("/api/events").handler(this::events);
    r.get("/api/ws").handler(this::webSocket);
    if (serveMetrics) r.get(metricsConfig.path()).handler(this::scrape);

    r.route().failureHandler(this::failure);
    for (int status : new int[] {400, 401, 403, 404, 405, 406, 413, 415, 500, 501, 503}) {
      r.errorHandler(status, this::failure);
    }
    return r;
  }

  // ---- security

  private void authenticate(RoutingContext ctx) {
    if (tokenDigest == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String given = null;
    if (header != null) {
      if (header.regionMatches(true, 0, "Bearer ", 0, 7)) given = header.substring(7).strip();
    } else if (ctx.request().method().name().equals("GET")
        && (ctx.request().path().equals("/api/events") || ctx.request().path().equals("/api/ws"))) {
      given = ctx.request().getParam("access_token");          // EventSource and WebSocket cannot send headers
    }
    if (given != null && MessageDigest.isEqual(sha256(given), tokenDigest)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"glimpse\"");
    Problems.send(ctx, 401, "unauthorized", given == null
        ? "this agent requires 'Authorization: Bearer <token>' (the http.bearer_token of its config)"
        : "the bearer token does not match this agent's http.bearer_token");
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  // ---- errors

  /**
   * Bodies must be declared JSON. Besides saying what is expected, this keeps web pages in the user's browser from
   * driving a token-less loopback agent: a cross-site form or text/plain POST needs no CORS preflight, a JSON one does.
   */
  private static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (media.equals("application/json") || media.startsWith("application/") && media.endsWith("+json")) {
      ctx.next();
      return;
    }
    Problems.send(ctx, 415, "unsupported-media-type", "expected a JSON body with 'Content-Type: application/json', got "
        + (type == null ? "no Content-Type" : "'" + type + "'"));
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    int status = ctx.statusCode();
    if (status < 400 || status > 599) {
      // A failure without an HTTP status: while the request is still arriving, its bytes are at fault (a broken
      // chunk, a connection cut mid-body); after that, we are.
      status = t != null && !ctx.request().isEnded() ? 400 : 500;
    }
    String detail = switch (status) {
      case 404 -> "no such resource: " + ctx.request().method() + " " + ctx.request().path()
          + " (GET /api/openapi.json lists the API)";
      case 405 -> ctx.request().method() + " is not allowed on " + ctx.request().path();
      case 413 -> "request body larger than http.max_body_bytes (" + http.maxBodyBytes() + " bytes)";
      case 400 -> t != null && t.getMessage() != null ? "malformed request: " + t.getMessage() : "bad request";
      default -> t != null ? "internal error: " + t : "request failed";
    };
    if (status >= 500) LOG.log(System.Logger.Level.WARNING, "HTTP " + ctx.request().path() + ": " + detail, t);
    Problems.send(ctx, status, switch (status) {
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 413 -> "body-too-large";
      case 400 -> "bad-request";
      default -> null;
    }, detail);
  }

  // ---- static pages

  private void page(RoutingContext ctx, byte[] bytes, String type) {
    ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; "
            + "style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'")
        .end(Buffer.buffer(bytes));
  }

  private static byte[] resource(String name) {
    try (InputStream in = HttpApi.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("resource " + name + " missing from the agent's classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- endpoints

  private static void json(RoutingContext ctx, int status, JsonNode body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.toString());
  }

  private void health(RoutingContext ctx) {
    ObjectNode o = ApiJson.MAPPER.createObjectNode();
    o.put("status", "ok");
    o.put("streams", runtime.streams().size());
    o.put("model", runtime.model().name());
    json(ctx, 200, o);
  }

  private void listStreams(RoutingContext ctx) {
    ArrayNode a = ApiJson.MAPPER.createArrayNode();
    for (StreamInfo s : runtime.streams()) a.add(ApiJson.stream(s));
    json(ctx, 200, a);
  }

  private StreamInfo streamOr404(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    StreamInfo s = runtime.stream(id);
    if (s == null) Problems.send(ctx, 404, "unknown-stream", "no stream '" + id + "' (GET /api/streams lists them)");
    return s;
  }

  private void getStream(RoutingContext ctx) {
    StreamInfo s = streamOr404(ctx);
    if (s != null) json(ctx, 200, ApiJson.stream(s));
  }

  /** The request body as a JSON object, or null after sending a 400 problem. */
  private static ObjectNode jsonBody(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      Problems.send(ctx, 400, "bad-request", "expected a JSON object as the request body, got nothing");
      return null;
    }
    try {
      // Strictly, so that invalid UTF-8 (overlong forms included) is an error rather than silently replaced
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(ctx.body().buffer().getBytes()));
    } catch (CharacterCodingException e) {
      Problems.send(ctx, 400, "malformed-json", "the body is not valid UTF-8 text");
      return null;
    }
    JsonNode n;
    try {
      // duplicate keys are ambiguous (which one wins?), so they are an error too
      n = ApiJson.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(text);
    } catch (IOException e) {
      Problems.send(ctx, 400, "malformed-json", "the body is not valid JSON: "
          + e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
    if (!(n instanceof ObjectNode o)) {
      Problems.send(ctx, 400, "bad-request", "expected a JSON object as the request body");
      return null;
    }
    return o;
  }

  private void addStream(RoutingContext ctx) {
    ObjectNode b = jsonBody(ctx);
    if (b == null) return;
    StreamConfig s;
    try {
      s = streamConfig(b);
    } catch (IllegalArgumentException e) {
      Problems.send(ctx, 400, "invalid-stream", e.getMessage());
      return;
    }
    if (runtime.stream(s.id()) != null) {
      Problems.send(ctx, 409, "stream-exists", "stream '" + s.id() + "' already exists (DELETE it first)");
      return;
    }
    StreamInfo info;
    try {
      info = runtime.addStream(s);
    } catch (IllegalArgumentException e) {                      // added by someone else in between
      Problems.send(ctx, 409, "stream-exists", e.getMessage());
      return;
    }
    ctx.response().putHeader("Location", "/api/streams/" + s.id());
    json(ctx, 201, ApiJson.stream(info));
  }

  /** A stream from the API's JSON; the message of the exception says what is wrong. */
  static StreamConfig streamConfig(ObjectNode b) {
    for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!STREAM_KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown key '" + k + "' (accepted: id, url, pacing, loop, mailbox, "
            + "transport, frame_id)");
      }
    }
    String id = text(b, "id", true);
    String urlText = text(b, "url", true);
    SourceUrl url;
    try {
      url = SourceUrl.parse(urlText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("url: " + e.getMessage());
    }
    if (!API_SOURCES.contains(url.kind())) {
      String what = url.kind() == SourceKind.V4L2 ? "local devices (v4l2://)"
          : "local files and folders (file://, images://, bare paths)";
      throw new IllegalArgumentException("url: the API does not open " + what + ", so that a client cannot make the "
          + "agent read paths on its machine; put such streams in the config file. Accepted here: rtsp://, "
          + "rtsps://, http://, https://, sim://");
    }
    StreamConfig d = StreamConfig.of(id, url);
    StreamConfig.Pacing pacing = b.has("pacing")
        ? enumOf(StreamConfig.Pacing.class, text(b, "pacing", false), "pacing") : d.pacing();
    StreamConfig.Transport transport = b.has("transport")
        ? enumOf(StreamConfig.Transport.class, text(b, "transport", false), "transport") : d.transport();
    boolean loop = d.loop();
    if (b.has("loop")) {
      if (!b.get("loop").isBoolean()) throw new IllegalArgumentException("loop: expected true or false");
      loop = b.get("loop").booleanValue();
    }
    MailboxConfig mailbox = b.has("mailbox") ? mailbox(b.get("mailbox"), url.kind()) : d.mailbox();
    String frameId = b.has("frame_id") ? text(b, "frame_id", false) : d.frameId();
    return new StreamConfig(id, url, transport, mailbox, pacing, loop, d.openTimeout(), d.stallTimeout(),
        BackoffConfig.defaults(), frameId, d.width(), d.height());
  }

  private static MailboxConfig mailbox(JsonNode n, SourceKind kind) {
    if (n.isTextual()) {
      MailboxConfig.MailboxPolicy p = enumOf(MailboxConfig.MailboxPolicy.class, n.asText(), "mailbox");
      return new MailboxConfig(p, MailboxConfig.defaultCapacity(p));
    }
    if (!n.isObject()) throw new IllegalArgumentException("mailbox: expected \"latest\", \"all\" or {policy, capacity}");
    MailboxConfig.MailboxPolicy p = n.has("policy")
        ? enumOf(MailboxConfig.MailboxPolicy.class, n.get("policy").asText(), "mailbox.policy")
        : MailboxConfig.defaultPolicy(kind);
    int cap = MailboxConfig.defaultCapacity(p);
    if (n.has("capacity")) {
      if (!n.get("capacity").canConvertToInt() || !n.get("capacity").isIntegralNumber()) {
        throw new IllegalArgumentException("mailbox.capacity: expected an integer in 1..1024");
      }
      cap = n.get("capacity").intValue();
    }
    return new MailboxConfig(p, cap);
  }

  private static String text(ObjectNode b, String key, boolean required) {
    JsonNode n = b.get(key);
    if (n == null || n.isNull()) {
      if (required) throw new IllegalArgumentException(key + ": required");
      return null;
    }
    if (!n.isTextual()) throw new IllegalArgumentException(key + ": expected a string");
    return n.asText();
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String value, String key) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) return e;
    }
    StringBuilder names = new StringBuilder();
    for (E e : type.getEnumConstants()) names.append(names.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    throw new IllegalArgumentException(key + ": expected one of " + names + ", got '" + value + "'");
  }

  private void removeStream(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx.executeBlocking(() -> runtime.removeStream(id), false).onComplete(r -> {
      if (r.failed()) {
        ctx.fail(500, r.cause());
      } else if (!r.result()) {
        Problems.send(ctx, 404, "unknown-stream", "no stream '" + id + "'");
      } else {
        jpegs.remove(id);
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  private void query(RoutingContext ctx) {
    if (streamOr404(ctx) == null) return;
    String id = ctx.pathParam("id");
    ObjectNode b = jsonBody(ctx);
    if (b == null) return;
    JsonNode t = b.get("text");
    if (t == null || !t.isTextual() || t.asText().isBlank()) {
      Problems.send(ctx, 400, "invalid-query", "expected {\"text\": \"<query>\"}; queries: 'box all <target>', "
          + "'point to all <target>', 'count <target>', 'where was <target> last seen'");
      return;
    }
    Context here = vertx.getOrCreateContext();
    Future.fromCompletionStage(runtime.ask(id, t.asText()), here).onComplete(r -> {
      if (r.succeeded()) {
        String out;
        try {
          out = QueryCommand.toJson(r.result());
        } catch (IOException e) {
          ctx.fail(500, e);
          return;
        }
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(out);
        return;
      }
      Throwable e = r.cause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : r.cause();
      switch (e) {
        case IllegalArgumentException iae -> Problems.send(ctx, 400, "invalid-query", iae.getMessage());
        case NoSuchElementException nse -> Problems.send(ctx, 404, "unknown-stream", nse.getMessage());
        case IllegalStateException ise -> {
          ctx.response().putHeader("Retry-After", "1");
          Problems.send(ctx, 503, "no-frame-yet", ise.getMessage() + "; retry once the stream has delivered a frame");
        }
        default -> ctx.fail(500, e);
      }
    });
  }

  private void tracks(RoutingContext ctx) {
    StreamInfo s = streamOr404(ctx);
    if (s == null) return;
    TrackStore store = runtime.store();
    ObjectNode o = ApiJson.MAPPER.createObjectNode();
    o.put("stream", s.id());
    TrackStore.FrameState f = store.frame(s.id());
    if (f == null) o.putNull("frame");
    else o.set("frame", ApiJson.frame(s.id(), f));
    ArrayNode qs = o.putArray("queries");
    store.queries(s.id()).values().stream().sorted((a, b) -> a.query().compareTo(b.query()))
        .forEach(q -> qs.add(ApiJson.query(s.id(), q)));
    json(ctx, 200, o);
  }

  private void frameJpeg(RoutingContext ctx) {
    StreamInfo s = streamOr404(ctx);
    if (s == null) return;
    TrackStore.Pixels p = runtime.store().pixels(s.id());
    if (p == null) {
      ctx.response().putHeader("Retry-After", "1");
      Problems.send(ctx, 503, "no-frame-yet", "stream '" + s.id() + "' has not delivered a frame yet");
      return;
    }
    Jpeg cached = jpegs.get(s.id());
    if (cached != null && cached.sequence() == p.sequence()) {
      sendJpeg(ctx, cached);
      return;
    }
    vertx.executeBlocking(() -> Jpegs.encode(p.rgb(), p.width(), p.height()), false).onComplete(r -> {
      if (r.failed()) {
        ctx.fail(500, r.cause());
        return;
      }
      Jpeg j = new Jpeg(p.sequence(), Buffer.buffer(r.result()));
      jpegs.merge(s.id(), j, (old, neu) -> neu.sequence() >= old.sequence() ? neu : old);
      sendJpeg(ctx, j);
    });
  }

  private static void sendJpeg(RoutingContext ctx, Jpeg j) {
    ctx.response().putHeader("Content-Type", "image/jpeg").putHeader("Cache-Control", "no-store")
        .putHeader("X-Frame-Sequence", Long.toString(j.sequence())).end(j.bytes());
  }

  // ---- live events

  /** The stream filter of an events request, or null after a 404 (an unknown stream). */
  private boolean knownFilter(RoutingContext ctx, String only) {
    if (only == null || runtime.stream(only) != null) return true;
    Problems.send(ctx, 404, "unknown-stream", "no stream '" + only + "'");
    return false;
  }

  /** Subscribes {@code sink} to the store's events (and first the current state), filtered by stream. */
  private Runnable subscribe(String only, Context ctx, Consumer<String> sink) {
    AtomicBoolean open = new AtomicBoolean(true);
    TrackStore store = runtime.store();
    Runnable unsubscribe = store.subscribe(e -> {
      if (only != null && !only.equals(e.stream())) return;
      String payload;
      try {
        payload = ApiJson.event(e).toString();
      } catch (RuntimeException x) {
        return;                                                  // never break the pipeline's listener loop
      }
      ctx.runOnContext(v -> {
        if (open.get()) sink.accept(payload);
      });
    });
    for (StreamInfo s : runtime.streams()) {                     // what a late subscriber has missed
      if (only != null && !only.equals(s.id())) continue;
      TrackStore.FrameState f = store.frame(s.id());
      if (f != null) sink.accept(ApiJson.frame(s.id(), f).toString());
      for (TrackStore.QueryState q : store.queries(s.id()).values()) sink.accept(ApiJson.query(s.id(), q).toString());
    }
    Runnable[] self = new Runnable[1];
    self[0] = () -> {
      if (open.compareAndSet(true, false)) {
        unsubscribe.run();
        subscriptions.remove(self[0]);
      }
    };
    subscriptions.add(self[0]);
    return self[0];
  }

  private void events(RoutingContext ctx) {
    String only = ctx.request().getParam("stream");
    if (!knownFilter(ctx, only)) return;
    HttpServerResponse res = ctx.response();
    res.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
    res.write(": glimpse events\n\n");
    Runnable stop = subscribe(only, vertx.getOrCreateContext(), payload -> {
      if (!res.writeQueueFull()) res.write("data: " + payload + "\n\n");   // a slow client misses updates
    });
    long timer = vertx.setPeriodic(KEEP_ALIVE_MS, t -> res.write(": keep-alive\n\n"));
    Runnable end = () -> {
      vertx.cancelTimer(timer);
      stop.run();
    };
    res.closeHandler(v -> end.run());
    res.exceptionHandler(e -> end.run());
  }

  private void webSocket(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader("Upgrade");
    String connection = ctx.request().getHeader("Connection");
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket") || connection == null
        || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
      // Vert.x would answer a plain request with a bare 400 and leave the connection open despite 'Connection: close'
      Problems.send(ctx, 400, "bad-request", "expected a WebSocket upgrade ('Connection: Upgrade', 'Upgrade: websocket')");
      return;
    }
    String only = ctx.request().getParam("stream");
    if (!knownFilter(ctx, only)) return;
    ctx.request().toWebSocket().onSuccess((ServerWebSocket ws) -> {
      Runnable stop = subscribe(only, vertx.getOrCreateContext(), payload -> {
        if (!ws.writeQueueFull()) ws.writeTextMessage(payload);
      });
      ws.closeHandler(v -> stop.run());
      ws.exceptionHandler(e -> stop.run());
      ws.textMessageHandler(m -> {});                            // the socket only sends
    }).onFailure(e -> {
      if (!ctx.response().ended()) {
        Problems.send(ctx, 400, "bad-request", "WebSocket upgrade failed: " + e.getMessage());
      } else {
        ctx.request().connection().close(); // Vert.x answered 'Connection: close' (400, 426) but leaves it open
      }
    });
  }

  // ---- metrics

  private void scrape(RoutingContext ctx) {
    String text = metrics.scrape(runtime.streams());
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(text);
  }
}
