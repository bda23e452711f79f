package dev.glimpse.agent.http;

import static dev.glimpse.agent.http.HttpApiTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.ConfigException;
import dev.glimpse.config.ConfigLoader;
import dev.glimpse.config.HttpConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With http.bearer_token set, the API and metrics need the token; exposing the API without one is refused. */
class HttpApiAuthTest {
  static final String TOKEN = "s3cret-test-token-0123456789";
  static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = new TestAgent("  bearer_token: " + TOKEN + "\n", TOKEN, TestAgent.sim("cam1", 5));
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) agent.close();
  }

  HttpResponse<String> raw(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(agent.base + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) b.header("Authorization", authorization);
    return agent.send(b.GET().build());
  }

  @Test
  void everyApiAndMetricsRequestNeedsTheToken() throws Exception {
    for (String path : new String[] {"/api/health", "/api/streams", "/api/streams/cam1/tracks", "/api/openapi.json",
        "/metrics", "/api/no-such-route"}) {
      HttpResponse<String> none = raw(path, null);
      assertProblem(none, 401, "Authorization: Bearer");
      assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), path);
      assertProblem(raw(path, "Bearer " + TOKEN + "x"), 401, "does not match");
      assertProblem(raw(path, "Bearer " + TOKEN.substring(1)), 401, "does not match");
      assertProblem(raw(path, "Basic " + TOKEN), 401, "Authorization: Bearer");
    }
    assertEquals(200, raw("/api/health", "Bearer " + TOKEN).statusCode());
    assertEquals(200, raw("/api/health", "bearer " + TOKEN).statusCode(), "the scheme is case-insensitive");
    assertEquals(200, raw("/metrics", "Bearer " + TOKEN).statusCode());
    HttpRequest post = HttpRequest.newBuilder(URI.create(agent.base + "/api/streams"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"x\", \"url\": \"sim://seed=1\"}")).build();
    assertProblem(agent.send(post), 401, "Authorization");
    assertEquals(null, agent.runtime.stream("x"), "an unauthenticated request changes nothing");
  }

  @Test
  void theTokenIsAcceptedAsAQueryParameterOnlyForTheEventStream() throws Exception {
    assertProblem(raw("/api/health?access_token=" + TOKEN, null), 401, "Authorization");
    assertProblem(raw("/api/events?access_token=wrong-token-wrong-token", null), 401, "does not match");
    HttpResponse<Stream<String>> r = agent.client.send(HttpRequest.newBuilder(
        URI.create(agent.base + "/api/events?access_token=" + TOKEN)).GET().build(), HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = r.body()) {
      assertEquals(200, r.statusCode());
      assertTrue(lines.findFirst().orElse("").startsWith(":"), "the stream opened");
    }
  }

  @Test
  void theDashboardPageItselfNeedsNoToken() throws Exception {
    assertEquals(200, raw("/", null).statusCode());
    assertEquals(200, raw("/app.js", null).statusCode());
  }

  @Test
  void aNonLoopbackHostWithoutATokenIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new HttpConfig("0.0.0.0", 0, Optional.empty(), HttpConfig.DEFAULT_MAX_BODY_BYTES));
    assertTrue(e.getMessage().contains("bearer_token"), e.getMessage());
    assertThrows(ConfigException.class, () -> ConfigLoader.parse("http:\n  host: 192.168.1.5\n", "t.yaml"));
  }
}
