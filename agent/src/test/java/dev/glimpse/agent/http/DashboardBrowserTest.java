package dev.glimpse.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in headless Debian chromium (driven by playwright-core, src/test/browser/dashboard.test.mjs)
 * against a real agent with a bearer token: the page asks for the token, shows the simulated stream's frame with
 * the smoke model's boxes and labels drawn over it, its stats, and answers a query. Skipped, saying why, only when
 * /usr/bin/chromium or node is missing (.ci/apt-packages installs chromium).
 */
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path BROWSER_DIR = Path.of("src/test/browser").toAbsolutePath();

  record Result(int code, String out) {}

  static Result run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[][] out = new byte[1][];
    Thread reader = Thread.ofPlatform().start(() -> {
      try {
        out[0] = p.getInputStream().readAllBytes();
      } catch (IOException e) {
        out[0] = ("reading output failed: " + e).getBytes(StandardCharsets.UTF_8);
      }
    });
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      reader.join(5000);
      return new Result(-1, "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command) + "\n"
          + (out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8)));
    }
    reader.join();
    return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
  }

  static boolean nodeAvailable() {
    try {
      return run(BROWSER_DIR, Duration.ofSeconds(20), "node", "--version").code() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void dashboardDrawsLiveOverlaysAndAnswersQueries() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM + " is not installed (apt-get install chromium; "
        + ".ci/apt-packages lists it)");
    assumeTrue(nodeAvailable(), "skipped: node is not on PATH (the dashboard test runs playwright-core on node)");
    if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
      Result ci = run(BROWSER_DIR, Duration.ofSeconds(180), "npm", "ci", "--prefer-offline", "--no-audit", "--no-fund");
      assertEquals(0, ci.code(), "npm ci in " + BROWSER_DIR + " failed:\n" + ci.out());
    }
    String token = "dashboard-test-token-0123456789";
    try (TestAgent agent = new TestAgent("  bearer_token: " + token + "\n", token, TestAgent.sim("cam1", 2))) {
      TestAgent.await("detections on cam1", Duration.ofSeconds(60), () -> agent.runtime.store().queries("cam1").values()
          .stream().anyMatch(q -> !q.detections().items().isEmpty()));
      Result r = run(BROWSER_DIR, Duration.ofSeconds(120), "node", "dashboard.test.mjs", agent.base + "/", "cam1", token);
      assertEquals(0, r.code(), r.out());
      String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
      System.out.println("dashboard: " + last);
      JsonNode seen = TestAgent.JSON.readTree(last);
      assertTrue(seen.get("boxes").asInt() + seen.get("points").asInt() > 0, "overlays drawn: " + seen);
      assertTrue(seen.get("labels").asInt() > 0, "labels drawn: " + seen);
      assertEquals(List.of(168, 168), List.of(seen.get("width").asInt(), seen.get("height").asInt()),
          "the canvas has the frame's size: " + seen);
      assertTrue(seen.get("answer").asText().startsWith("<|ref|>objects<|/ref|>"), "query answered: " + seen);
      assertTrue(seen.get("badQuery").asText().contains("unknown query"), "bad query explained: " + seen);
      assertEquals("live", seen.get("status").asText(), seen.toString());
    }
  }
}
