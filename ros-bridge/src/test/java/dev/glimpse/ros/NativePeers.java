package dev.glimpse.ros;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the native test peers into {@code target/peers} from the IDL in {@code src/test/resources/idl}: a Cyclone
 * DDS C program (idlc + gcc) and a Fast DDS C++ program (fastddsgen + g++). A build is reused while it is newer than
 * all of its inputs. The tools come from the Debian packages in {@code .ci/apt-packages}.
 */
public final class NativePeers {
  private NativePeers() {}

  /** This module's directory: the working directory in its own tests, ../ros-bridge from a sibling module's. */
  static final Path MODULE = Files.isDirectory(Path.of("src/test/resources/peers")) ? Path.of("").toAbsolutePath()
      : Path.of("../ros-bridge").toAbsolutePath().normalize();
  static final Path IDL = MODULE.resolve("src/test/resources/idl");
  static final Path SOURCES = MODULE.resolve("src/test/resources/peers");
  static final Path OUT = MODULE.resolve("target/peers");
  static final List<String> IDL_FILES = List.of("builtin_interfaces", "std_msgs", "geometry_msgs", "vision_msgs",
      "diagnostic_msgs", "sensor_msgs");
  /** Fast DDS needs no diagnostics type. */
  static final List<String> FASTDDS_IDL_FILES = List.of("builtin_interfaces", "std_msgs", "geometry_msgs",
      "vision_msgs", "sensor_msgs");

  /** The Cyclone DDS peer ({@code cyclone_peer.c}), built if needed. */
  public static synchronized Path cyclonePeer() throws Exception {
    Path dir = OUT.resolve("cyclone");
    Path bin = dir.resolve("cyclone_peer");
    List<Path> inputs = inputs(SOURCES.resolve("cyclone_peer.c"));
    if (upToDate(bin, inputs)) return bin;
    Files.createDirectories(dir);
    for (String f : IDL_FILES) {
      run(dir, "idlc", "-x", "final", "-I", IDL.toString(), "-o", dir.toString(), IDL.resolve(f + ".idl").toString());
    }
    List<String> gcc = new ArrayList<>(List.of("gcc", "-O1", "-Wall", "-o", bin.toString(), "-I", dir.toString(),
        SOURCES.resolve("cyclone_peer.c").toString()));
    for (String f : IDL_FILES) gcc.add(dir.resolve(f + ".c").toString());
    gcc.add("-lddsc");
    run(dir, gcc.toArray(String[]::new));
    return bin;
  }

  /** The Fast DDS peer ({@code fastdds_peer.cpp}), built if needed; translation units compile two at a time. */
  public static synchronized Path fastddsPeer() throws Exception {
    Path dir = OUT.resolve("fastdds");
    Path bin = dir.resolve("fastdds_peer");
    List<Path> inputs = inputs(SOURCES.resolve("fastdds_peer.cpp"));
    if (upToDate(bin, inputs)) return bin;
    Files.createDirectories(dir);
    List<String> gen = new ArrayList<>(List.of("fastddsgen", "-replace", "-d", dir.toString(), "-I", IDL.toString()));
    for (String f : FASTDDS_IDL_FILES) gen.add(IDL.resolve(f + ".idl").toString());
    run(dir, gen.toArray(String[]::new));
    List<Path> units = new ArrayList<>(List.of(SOURCES.resolve("fastdds_peer.cpp")));
    for (String f : FASTDDS_IDL_FILES) {
      units.add(dir.resolve(f + ".cxx"));
      units.add(dir.resolve(f + "PubSubTypes.cxx"));
    }
    List<String> link = new ArrayList<>(List.of("g++", "-o", bin.toString()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (Path u : units) {
        Path obj = dir.resolve(u.getFileName().toString().replaceAll("\\.(cpp|cxx)$", ".o"));
        link.add(obj.toString());
        jobs.add(pool.submit(() -> {
          run(dir, "g++", "-O0", "-std=c++17", "-w", "-c", "-I", dir.toString(), u.toString(), "-o", obj.toString());
          return null;
        }));
      }
      for (Future<?> j : jobs) j.get();
    } finally {
      pool.shutdownNow();
    }
    link.addAll(List.of("-lfastrtps", "-lfastcdr"));
    run(dir, link.toArray(String[]::new));
    return bin;
  }

  private static List<Path> inputs(Path source) throws IOException {
    List<Path> in = new ArrayList<>(List.of(source));
    try (Stream<Path> idl = Files.list(IDL)) {
      idl.forEach(in::add);
    }
    return in;
  }

  private static boolean upToDate(Path bin, List<Path> inputs) throws IOException {
    if (!Files.isExecutable(bin)) return false;
    FileTime built = Files.getLastModifiedTime(bin);
    for (Path p : inputs) if (Files.getLastModifiedTime(p).compareTo(built) >= 0) return false;
    return true;
  }

  /** Runs a build step; fails the test with its output when it fails or a tool is missing. */
  static void run(Path dir, String... cmd) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "build", ".log");
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      fail(cmd[0] + " is not installed (" + e.getMessage() + "): install the packages listed in .ci/apt-packages"
          + " (cyclonedds-dev cyclonedds-tools libfastrtps-dev fastdds-tools fastddsgen gcc g++)");
      return;
    }
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " took over 180 s");
    }
    String out = Files.readString(log);
    Files.deleteIfExists(log);
    if (p.exitValue() != 0) fail(String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n" + out);
  }
}
