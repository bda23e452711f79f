package dev.glimpse.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.ros.NativePeers;
import dev.glimpse.ros.PeerProcess;
import dev.glimpse.ros.RosBridgeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glimpse run} as a real process: a simulated camera through the smoke model, tracks published on DDS to a
 * real Cyclone DDS peer; SIGTERM stops it gracefully and it reports what it flushed. A bad config lists every
 * problem and exits 2.
 */
class RunCommandTest {
  static final Path SMOKE = Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  @TempDir Path tmp;

  static Process glimpse(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true",
        "-cp", System.getProperty("java.class.path"), GlimpseCli.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile())
        .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
  }

  @Test
  void sigtermStopsGracefullyAfterPublishingToARealDdsPeer() throws Exception {
    int domain = 58;
    String yaml = """
        ingest:
          streams:
            - id: cam
              url: "sim://seed=3&size=168x168&fps=30"
              frame_id: cam_optical
        engine:
          model_dir: %s
          threads: 2
          context_frames: 4
        queries:
          - box all objects
        ros:
          enabled: true
          domain_id: %d
          cyclonedds_uri: '%s'
        http:
          port: 0
        """.formatted(SMOKE, domain, RosBridgeConfig.LOOPBACK_ONLY);
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, yaml);
    try (PeerProcess peer = PeerProcess.start(NativePeers.cyclonePeer(), "dump", domain, "Detection2DArray",
        "rt/glimpse/cam/detections", 3)) {
      peer.awaitLine("READY", Duration.ofSeconds(20));
      Process p = glimpse(tmp, "run", "--config", cfg.toString());
      try {
        for (int i = 0; i < 3; i++) {
          var msg = new ObjectMapper().readTree(peer.await(l -> l.startsWith("{"), Duration.ofSeconds(60)));
          assertEquals("cam_optical", msg.at("/header/frame_id").asText(), msg.toString());
        }
        String started = Files.readString(tmp.resolve("stderr.txt"));
        Matcher url = Pattern.compile("dashboard on (http://127\\.0\\.0\\.1:\\d+/)").matcher(started);
        assertTrue(url.find(), "the API is up on loopback: " + started);
        var health = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(url.group(1) + "api/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        p.destroy();                                             // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM");
      } finally {
        p.destroyForcibly();
      }
      String err = Files.readString(tmp.resolve("stderr.txt"), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("stopped after (\\d+) frames; (\\d+) ROS messages published").matcher(err);
      assertTrue(m.find(), "graceful stop reported: " + err);
      assertTrue(Long.parseLong(m.group(2)) >= 3, "published at least what the peer saw: " + m.group());
      assertTrue(Long.parseLong(m.group(2)) >= Long.parseLong(m.group(1)), "every processed frame was published: " + m.group());
      assertEquals(143, p.exitValue(), "the JVM's exit status after SIGTERM with completed hooks");
    }
  }

  @Test
  void aBadConfigListsEveryProblemAndExits2() throws Exception {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(cfg, """
        ingest:
          streams:
            - id: 9cam
              url: "ftp://nowhere"
        engine:
          contxt_frames: 4
        """);
    Process p = glimpse(tmp, "run", "--config", cfg.toString());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    String err = Files.readString(tmp.resolve("stderr.txt"));
    assertTrue(err.contains("9cam") && err.contains("ftp") && err.contains("contxt_frames"), err);
  }
}
