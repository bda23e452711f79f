package dev.glimpse.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The loopback RTSP test server ({@code rtsp_server.py}: GStreamer's gst-rtsp-server through PyGObject, infra notes
 * §3) as a child process the test controls by PID: start, SIGKILL, SIGSTOP/SIGCONT, restart on the same port.
 * Needs {@code /usr/bin/python3} with gi, gir1.2-gst-rtsp-server-1.0 and the base/good plugins (.ci/apt-packages).
 */
final class RtspServer implements AutoCloseable {
  static final Path PYTHON = Path.of("/usr/bin/python3"); // not PATH's python3: that may be a pyenv without gi

  final int port;
  private final String source;
  private Process process;
  private Thread pump;
  private final StringBuilder log = new StringBuilder();
  private long readyNanos;

  private RtspServer(String source, int port) {
    this.source = source;
    this.port = port;
  }

  /** Starts a server for {@code source} (an H.264 .mp4/.mkv path, or "test" for the live pattern) on a free port. */
  static RtspServer start(String source) throws Exception { return start(source, freePort()); }

  /** Starts a server for {@code source} on {@code port}. */
  static RtspServer start(String source, int port) throws Exception {
    RtspServer s = new RtspServer(source, port);
    s.start();
    return s;
  }

  static int freePort() throws IOException {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ss.setReuseAddress(true);
      return ss.getLocalPort();
    }
  }

  String url() { return "rtsp://127.0.0.1:" + port + "/cam"; }

  long pid() { return process.pid(); }

  /** When the current process said READY (listening), on System.nanoTime. */
  long readyNanos() { return readyNanos; }

  /** Starts the process (again, on the same port) and waits until it listens. */
  void start() throws Exception {
    if (process != null && process.isAlive()) throw new IllegalStateException("already running: pid " + pid());
    Path script = script();
    process = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(port), source)
        .redirectErrorStream(true).start();
    process.getOutputStream().close();
    CountDownLatch ready = new CountDownLatch(1);
    Process p = process;
    pump = Thread.ofPlatform().daemon().name("rtsp-server-log-" + port).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (log) {
            log.append(line).append('\n');
          }
          if (line.startsWith("READY ")) {
            readyNanos = System.nanoTime();
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the process died; its exit is what the test looks at
      }
    });
    if (!ready.await(20, TimeUnit.SECONDS)) {
      kill9();
      throw new IllegalStateException("RTSP server did not start on port " + port + ":\n" + log());
    }
  }

  /** SIGKILL, then wait for the process and its log reader to be gone. */
  void kill9() throws IOException, InterruptedException {
    signal("KILL");
    awaitExit();
  }

  /** SIGSTOP: the server freezes with its sockets open, like a hung camera. */
  void freeze() throws IOException, InterruptedException { signal("STOP"); }

  /** SIGCONT: the frozen server carries on. */
  void resume() throws IOException, InterruptedException { signal("CONT"); }

  private void signal(String sig) throws IOException, InterruptedException {
    // the shell's built-in kill: /bin/sh is on every Debian, the procps kill binary may not be
    Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + sig + " " + pid()).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + sig + " " + pid() + " failed: " + new String(kill.getInputStream().readAllBytes()));
    }
  }

  private void awaitExit() throws InterruptedException {
    if (!process.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException("server pid " + pid() + " did not exit");
    pump.join(10_000);
  }

  String log() {
    synchronized (log) {
      return log.toString();
    }
  }

  private static Path script() throws URISyntaxException {
    Path p = Path.of(RtspServer.class.getResource("rtsp_server.py").toURI());
    if (!Files.isExecutable(PYTHON)) throw new IllegalStateException(PYTHON + " is missing: install the packages in .ci/apt-packages");
    return p;
  }

  /** Stops the server by PID: SIGCONT (in case it is frozen), SIGTERM, and SIGKILL if it lingers. */
  @Override
  public void close() throws IOException {
    if (process == null || !process.isAlive()) return;
    try {
      signal("CONT");
      signal("TERM");
      if (!process.waitFor(5, TimeUnit.SECONDS)) signal("KILL");
      awaitExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while stopping the RTSP server pid " + pid(), e);
    }
  }

  /** Live threads of this JVM: Java threads, and OS threads (native FFmpeg threads included). */
  static List<Integer> threadCounts() throws IOException {
    int os;
    try (var s = Files.list(Path.of("/proc/self/task"))) {
      os = (int) s.count();
    }
    return List.of(Thread.getAllStackTraces().size(), os);
  }
}
