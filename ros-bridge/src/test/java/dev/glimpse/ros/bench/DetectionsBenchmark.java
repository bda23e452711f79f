package dev.glimpse.ros.bench;

import dev.glimpse.config.QosProfile;
import dev.glimpse.ros.DetectionMapping;
import dev.glimpse.ros.NativePeers;
import dev.glimpse.ros.Publisher;
import dev.glimpse.ros.RosBridge;
import dev.glimpse.ros.RosBridgeConfig;
import dev.glimpse.ros.Subscription;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.Header;
import dev.glimpse.ros.msg.RosTypes;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Stamp;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Detection2DArray with 50 detections over UDP loopback, two phases per receiver:
 * <ol>
 *   <li>throughput: a burst of messages as fast as a reliable KEEP_ALL writer is allowed (it blocks when the
 *       receiver falls behind, so nothing is lost), counted at the receiver between its first and last arrival;
 *       frame_id {@code burst_end} makes it report, and the sender waits for that report;</li>
 *   <li>latency: messages paced at 1 kHz into the drained system, header stamp = the sender's CLOCK_MONOTONIC
 *       ({@code System.nanoTime()} on Linux; the C peer reads the same clock); one-way latency p50/p99 at the
 *       receiver, reported on frame_id {@code end}.</li>
 * </ol>
 * Receivers: a second JVM (Java → Java) and the Cyclone C peer (Java → C). Not a test: run
 * {@code ros-bridge/bench.sh} (see the README).
 *
 * <p>Usage: {@code DetectionsBenchmark [burst=20000] [paced=5000]}; {@code DetectionsBenchmark sub DOMAIN} is the
 * Java receiver it starts.
 */
public final class DetectionsBenchmark {
  static final int DOMAIN = 60;
  static final String TOPIC = "/bench/detections";
  static final int DETECTIONS = 50;
  static final int PACED_HZ = 1000;
  /** Reliable KEEP_ALL at both ends, so that the burst is lossless and its rate is what the receiver sustains. */
  static final QosProfile QOS = new QosProfile(QosProfile.Reliability.RELIABLE, QosProfile.Durability.VOLATILE,
      QosProfile.History.KEEP_ALL, 1);

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("sub")) {
      receive(Integer.parseInt(args[1]));
      return;
    }
    int burst = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int paced = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    Detection2DArray msg = message();
    CdrWriter w = new CdrWriter();
    RosTypes.DETECTION2D_ARRAY.encode(w.reset(), msg);
    System.out.printf("Detection2DArray with %d detections: %d bytes of CDR; encode %.1f µs, decode %.1f µs%n",
        DETECTIONS, w.size(), encodeMicros(msg), decodeMicros(w.toByteArray()));
    String java = ProcessHandle.current().info().command().orElse("java");
    run("Java -> Java (second JVM)", List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), DetectionsBenchmark.class.getName(), "sub", Integer.toString(DOMAIN)),
        msg, burst, paced);
    Path peer = NativePeers.cyclonePeer();
    run("Java -> C (Cyclone peer)", List.of(peer.toString(), "bench", Integer.toString(DOMAIN), "rt" + TOPIC), msg,
        burst, paced);
  }

  /** 50 box tracks, as the pipeline publishes them. */
  static Detection2DArray message() {
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < DETECTIONS; i++) {
      tracks.add(new Track(i + 1, i % 3 == 0 ? "person" : "red cone", new Box(10 * i, 5 * i, 10 * i + 40, 5 * i + 80),
          null, 0.5 + i / 200.0, 0, 0, 10, TrackState.TRACKED));
    }
    return DetectionMapping.fromTracks(new Detections("bench", 0, new Stamp(0, 0), "burst", 756, 756, List.of()),
        tracks);
  }

  private static double encodeMicros(Detection2DArray msg) {
    CdrWriter w = new CdrWriter();
    for (int i = 0; i < 20_000; i++) RosTypes.DETECTION2D_ARRAY.encode(w.reset(), msg); // warm-up
    int n = 50_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) RosTypes.DETECTION2D_ARRAY.encode(w.reset(), msg);
    return (System.nanoTime() - t0) / 1e3 / n;
  }

  private static double decodeMicros(byte[] cdr) throws Exception {
    for (int i = 0; i < 20_000; i++) RosTypes.DETECTION2D_ARRAY.decode(cdr); // warm-up
    int n = 50_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) RosTypes.DETECTION2D_ARRAY.decode(cdr);
    return (System.nanoTime() - t0) / 1e3 / n;
  }

  private static void run(String name, List<String> receiver, Detection2DArray msg, int burst, int paced)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(receiver).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("CYCLONEDDS_URI", RosBridgeConfig.LOOPBACK_ONLY); // the C peer; the JVM sets its own
    Process p = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         RosBridge bridge = RosBridge.open(RosBridgeConfig.loopback(DOMAIN))) {
      if (!"READY".equals(out.readLine())) throw new IllegalStateException(name + ": receiver did not start");
      Publisher<Detection2DArray> pub = bridge.publisher(TOPIC, RosTypes.DETECTION2D_ARRAY, QOS);
      if (!pub.awaitSubscribers(1, Duration.ofSeconds(10))) throw new IllegalStateException(name + ": no match");
      long t0 = System.nanoTime();
      long refused = 0;
      Detection2DArray burstMsg = withHeader(msg, new Stamp(0, 0), "burst");
      for (int i = 0; i < burst; i++) {
        while (!pub.publish(burstMsg)) {
          if (++refused > 10_000) throw new IllegalStateException(name + ": the receiver stopped acknowledging");
        }
      }
      double sendSeconds = (System.nanoTime() - t0) / 1e9;
      pub.publish(withHeader(msg, new Stamp(0, 0), "burst_end"));
      String burstResult = out.readLine();
      long period = 1_000_000_000L / PACED_HZ;
      long next = System.nanoTime();
      for (int i = 0; i < paced; i++) {
        while (System.nanoTime() < next) LockSupport.parkNanos(Math.max(1, (next - System.nanoTime()) / 2));
        pub.publish(withHeader(msg, Stamp.ofNanos(System.nanoTime()), "paced"));
        next += period;
      }
      pub.publish(withHeader(msg, new Stamp(0, 0), "end"));
      String pacedResult = out.readLine();
      System.out.printf("%-26s sender: %d in %.2f s = %.0f msg/s (%d writes timed out and were retried)%n", name,
          burst, sendSeconds, burst / sendSeconds, refused);
      System.out.printf("%-26s receiver: %s%n", name, summarize(burstResult, pacedResult));
    } finally {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  private static String summarize(String burst, String paced) {
    if (burst == null || paced == null) return "no result";
    var m = new java.util.LinkedHashMap<String, String>();
    for (String kv : (burst + "," + paced).replaceAll("[{}\"]", "").split(",")) {
      m.put(kv.split(":")[0], kv.split(":")[1]);
    }
    double secs = Double.parseDouble(m.get("burst_seconds"));
    long got = Long.parseLong(m.get("burst_received"));
    return String.format("burst %d received, %.0f msg/s (%.0f detections/s); paced %s at %d Hz: latency p50 %s µs,"
        + " p99 %s µs, max %s µs", got, got / secs, got * DETECTIONS / secs, m.get("paced_received"), PACED_HZ,
        m.get("p50_us"), m.get("p99_us"), m.get("max_us"));
  }

  private static Detection2DArray withHeader(Detection2DArray m, Stamp stamp, String frame) {
    return new Detection2DArray(new Header(stamp, frame), m.detections());
  }

  /** The Java receiver, in its own JVM: same protocol and output as the C peer's {@code bench} mode. */
  private static void receive(int domain) throws Exception {
    long[] lat = new long[1 << 20];
    long[] state = new long[4]; // burst count, first, last, paced count; touched only on the receive thread
    CountDownLatch end = new CountDownLatch(1);
    try (RosBridge bridge = RosBridge.open(RosBridgeConfig.loopback(domain));
         Subscription s = bridge.subscribe(TOPIC, RosTypes.DETECTION2D_ARRAY, QOS, m -> {
           long t = System.nanoTime();
           switch (m.header().frameId()) {
             case "burst" -> {
               if (state[0]++ == 0) state[1] = t;
               state[2] = t;
             }
             case "paced" -> {
               if (state[3] < lat.length) lat[(int) state[3]++] = t - m.header().stamp().toNanos();
             }
             case "burst_end" -> {
               System.out.printf("{\"burst_received\":%d,\"burst_seconds\":%.6f,\"detections\":%d}%n", state[0],
                   (state[2] - state[1]) / 1e9, state[0] * DETECTIONS);
               System.out.flush();
             }
             case "end" -> end.countDown();
             default -> { }
           }
         })) {
      System.out.println("READY");
      System.out.flush();
      if (!end.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("benchmark stalled");
      int n = (int) state[3];
      long[] sorted = Arrays.copyOf(lat, n);
      Arrays.sort(sorted);
      System.out.printf("{\"paced_received\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}%n", n,
          n > 0 ? sorted[n / 2] / 1e3 : 0, n > 0 ? sorted[n * 99 / 100] / 1e3 : 0, n > 0 ? sorted[n - 1] / 1e3 : 0);
      System.out.flush();
    }
  }
}
