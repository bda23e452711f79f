package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A running native peer: its stdout lines are queued for the test to wait on, its stderr is kept for failure
 * messages, and {@link #close()} kills it by PID. Cyclone peers get the loopback-only configuration.
 */
public final class PeerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuffer stderr = new StringBuffer();
  private final List<String> seen = new ArrayList<>();

  private PeerProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread.ofPlatform().daemon().name(name + "-out").start(() -> pump(process.inputReader(StandardCharsets.UTF_8), true));
    Thread.ofPlatform().daemon().name(name + "-err").start(() -> pump(process.errorReader(StandardCharsets.UTF_8), false));
  }

  public static PeerProcess start(Path binary, Object... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString()));
    for (Object a : args) cmd.add(a.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(binary.getParent().toFile());
    pb.environment().put("CYCLONEDDS_URI", RosBridgeConfig.LOOPBACK_ONLY);
    return new PeerProcess(binary.getFileName() + " " + args[0], pb.start());
  }

  private void pump(BufferedReader in, boolean out) {
    try (in) {
      for (String l; (l = in.readLine()) != null; ) {
        if (out) lines.add(l); else stderr.append(l).append('\n');
      }
    } catch (IOException ignored) {
      // the process went away; whatever it printed is already queued
    }
  }

  /** The next stdout line matching {@code p}, skipping others; fails after {@code timeout}. */
  public String await(Predicate<String> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String l = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (l == null) {
        fail(name + ": no expected line within " + timeout.toMillis() + " ms" + (process.isAlive() ? ""
            : " (exited with " + process.exitValue() + ")") + "; stdout so far " + seen + "; stderr: " + stderr);
      }
      seen.add(l.length() > 200 ? l.substring(0, 200) + "…" : l);
      if (p.test(l)) return l;
    }
  }

  public String awaitLine(String exact, Duration timeout) throws InterruptedException {
    return await(exact::equals, timeout);
  }

  /** Kills the peer by PID and reaps it. */
  @Override
  public void close() {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
