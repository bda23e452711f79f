package dev.glimpse.agent.http;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.agent.runtime.AgentRuntime;
import dev.glimpse.config.AgentConfig;
import dev.glimpse.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A real agent for the HTTP tests: the random-weight smoke model, simulated streams, the API on an ephemeral
 * loopback port, metrics on.
 */
final class TestAgent implements AutoCloseable {
  static final Path SMOKE = Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  static final ObjectMapper JSON = new ObjectMapper();

  final Vertx vertx;
  final AgentRuntime runtime;
  final AgentMetrics metrics;
  final HttpApi api;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;
  final String token;

  /**
   * @param http extra lines of the {@code http:} section (indented two spaces), e.g. "  bearer_token: ..."
   * @param streams items of {@code ingest.streams} as YAML flow mappings
   */
  TestAgent(String http, String token, String... streams) throws Exception {
    StringBuilder yaml = new StringBuilder("ingest:\n  streams:\n");
    for (String s : streams) yaml.append("    - ").append(s).append('\n');
    yaml.append("engine:\n  model_dir: ").append(SMOKE).append("\n  threads: 2\n  context_frames: 4\n")
        .append("queries:\n  - box all objects\n")
        .append("http:\n  host: 127.0.0.1\n  port: 0\n").append(http)
        .append("metrics:\n  enabled: true\n  path: /metrics\n");
    AgentConfig config = ConfigLoader.parse(yaml.toString(), "test");
    this.token = token;
    vertx = Vertx.vertx();
    metrics = new AgentMetrics();
    runtime = AgentRuntime.start(config, vertx, List.of(metrics));
    api = HttpApi.start(vertx, runtime, config.http(), config.metrics(), metrics).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + api.port();
  }

  /** A simulated stream at a few frames per second that does not end during a test. */
  static String sim(String id, int seed) {
    return "{id: " + id + ", url: \"sim://seed=" + seed + "&size=168x168&fps=6&frames=100000\"}";
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return b;
  }

  HttpResponse<String> send(HttpRequest r) throws Exception {
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception { return send(request(path).GET().build()); }

  HttpResponse<String> post(String path, String body) throws Exception {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  HttpResponse<String> delete(String path) throws Exception { return send(request(path).DELETE().build()); }

  static JsonNode json(HttpResponse<String> r) throws Exception { return JSON.readTree(r.body()); }

  /** Polls {@code condition} until it holds or the deadline passes. */
  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws ExecutionException, TimeoutException {
    try {
      api.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      runtime.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the test agent", e);
    }
  }
}
