package dev.glimpse.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback RTSP test server ({@code rtsp_server.py}: GStreamer's gst-rtsp-server through PyGObject, infra notes
 * §3) as a child process controlled by PID: start, SIGKILL, SIGSTOP/SIGCONT, restart on the same port. Used by the
 * outage tests and by {@code glimpse bench faults}/{@code soak}; it is a fault-injection fixture, not a product
 * server, and listens on 127.0.0.1 only.
 *
 * <p>Needs {@code /usr/bin/python3} with gi, gir1.2-gst-rtsp-server-1.0 and the GStreamer base/good plugins
 * (.ci/apt-packages). The script ships as a class-path resource; it is copied into a private temporary folder for
 * the interpreter and deleted again by {@link #close()}.
 */
public final class LoopbackRtspServer implements AutoCloseable {
  /** Not PATH's python3: that may be a pyenv without gi. */
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  /** The source name of the endless live test pattern (moving ball, 320×240 MJPEG at 30 fps). */
  public static final String LIVE_PATTERN = "test";
  private static final long READY_TIMEOUT_SECONDS = 20;

  private final int port;
  private final String source;
  private final Path script;
  private final StringBuilder log = new StringBuilder();
  private Process process;
  private Thread pump;
  private volatile long readyNanos;

  private LoopbackRtspServer(String source, int port, Path script) {
    this.source = source;
    this.port = port;
    this.script = script;
  }

  /** Starts a server for {@code source} (an H.264 .mp4/.mov/.mkv path, or {@link #LIVE_PATTERN}) on a free port. */
  public static LoopbackRtspServer start(String source) throws IOException, InterruptedException {
    return start(source, freePort());
  }

  /** Starts a server for {@code source} on {@code port} and waits until it listens. */
  public static LoopbackRtspServer start(String source, int port) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      throw new IOException(PYTHON + " is missing: install the packages in .ci/apt-packages");
    }
    LoopbackRtspServer s = new LoopbackRtspServer(source, port, copyScript());
    try {
      s.start();
    } catch (IOException | InterruptedException | RuntimeException e) {
      deleteScript(s.script);
      throw e;
    }
    return s;
  }

  /** A loopback port that was free a moment ago (another process may take it before the server does). */
  public static int freePort() throws IOException {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ss.setReuseAddress(true);
      return ss.getLocalPort();
    }
  }

  public String url() { return "rtsp://127.0.0.1:" + port + "/cam"; }

  /** The PID of the current server process. */
  public long pid() { return process.pid(); }

  /** When the current process said READY (listening), on {@code System.nanoTime}. */
  public long readyNanos() { return readyNanos; }

  /** Starts the process (again, on the same port) and waits until it listens. */
  public void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) throw new IllegalStateException("already running: pid " + pid());
    // -I (isolated): no PYTHON* variables, no user site-packages, and the script's folder is not put first on the
    // module path, so a stray re.py or typing.py next to it cannot shadow the standard library
    process = new ProcessBuilder(PYTHON.toString(), "-I", script.toString(), Integer.toString(port), source)
        .redirectErrorStream(true).start();
    process.getOutputStream().close();
    CountDownLatch readyOrGone = new CountDownLatch(1);
    AtomicBoolean ready = new AtomicBoolean();
    Process p = process;
    pump = Thread.ofPlatform().daemon().name("rtsp-server-log-" + port).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (log) {
            log.append(line).append('\n');
          }
          if (line.startsWith("READY ")) {
            readyNanos = System.nanoTime();
            ready.set(true);
            readyOrGone.countDown();
          }
        }
      } catch (IOException e) {
        // the process died; its exit is what the caller looks at
      } finally {
        readyOrGone.countDown(); // end of output: the process is gone, ready or not
      }
    });
    boolean inTime = readyOrGone.await(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (inTime && ready.get()) return;
    if (!inTime) process.destroyForcibly(); // SIGKILL; a no-op if it has just exited
    awaitExit();
    throw new IOException("RTSP server did not start on port " + port + (inTime ? " (exit status " + process.exitValue() + ")"
        : " within " + READY_TIMEOUT_SECONDS + " s") + ":\n" + log());
  }

  /** SIGKILL, then wait for the process and its log reader to be gone. */
  public void kill9() throws IOException, InterruptedException {
    signal("KILL");
    awaitExit();
  }

  /** SIGSTOP: the server freezes with its sockets open, like a hung camera. */
  public void freeze() throws IOException, InterruptedException { signal("STOP"); }

  /** SIGCONT: the frozen server carries on. */
  public void resume() throws IOException, InterruptedException { signal("CONT"); }

  private void signal(String sig) throws IOException, InterruptedException {
    // the shell's built-in kill: /bin/sh is on every Debian, the procps kill binary may not be
    Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + sig + " " + pid()).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + sig + " " + pid() + " failed: " + new String(kill.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8));
    }
  }

  private void awaitExit() throws IOException, InterruptedException {
    if (!process.waitFor(10, TimeUnit.SECONDS)) throw new IOException("server pid " + pid() + " did not exit");
    pump.join(10_000);
  }

  /** Everything the server printed so far, across restarts. */
  public String log() {
    synchronized (log) {
      return log.toString();
    }
  }

  /** The script, copied into a new private folder. */
  private static Path copyScript() throws IOException {
    Path dir = Files.createTempDirectory("glimpse-rtsp-server");
    Path tmp = dir.resolve("rtsp_server.py");
    try (InputStream in = LoopbackRtspServer.class.getResourceAsStream("rtsp_server.py")) {
      if (in == null) throw new IOException("rtsp_server.py is missing from the class path");
      Files.write(tmp, in.readAllBytes());
    }
    return tmp;
  }

  private static void deleteScript(Path script) throws IOException {
    Files.deleteIfExists(script);
    Files.deleteIfExists(script.getParent());
  }

  /** Stops the server by PID (SIGCONT in case it is frozen, SIGTERM, SIGKILL if it lingers) and deletes the script. */
  @Override
  public void close() throws IOException {
    try {
      if (process != null && process.isAlive()) {
        signal("CONT");
        signal("TERM");
        if (!process.waitFor(5, TimeUnit.SECONDS)) signal("KILL");
        awaitExit();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while stopping the RTSP server pid " + pid(), e);
    } finally {
      deleteScript(script);
    }
  }
}
