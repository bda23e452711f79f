package dev.glimpse.ros;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which {@code libddsc} the bridge loads, in order of preference. The first that the dynamic linker can open wins,
 * and the bridge logs which one it was.
 *
 * <ol>
 *   <li>the configured path or soname ({@link RosBridgeConfig#library()}); nothing else is tried then;</li>
 *   <li>{@value #ENV}, likewise exclusive;</li>
 *   <li>with a sourced ROS 2 ({@code ROS_DISTRO} set): the distro's own Cyclone,
 *       {@code /opt/ros/$ROS_DISTRO/lib/<arch>-linux-gnu/libddsc.so.0} (Humble and Jazzy ship 0.10.x there), the
 *       library rmw_cyclonedds itself uses;</li>
 *   <li>{@code libddsc.so.0}: upstream's soname, found through {@code LD_LIBRARY_PATH} (a sourced ROS puts its lib
 *       directory there) or the system;</li>
 *   <li>{@code libddsc.so.0debian}: Debian's package (libddsc0debian, 0.10.2);</li>
 *   <li>{@code libddsc.so}: the development symlink.</li>
 * </ol>
 */
public final class LibraryLocator {
  private LibraryLocator() {}

  /** Environment variable naming the library to load. */
  public static final String ENV = "GLIMPSE_DDSC_LIBRARY";

  /** The candidates for {@code configured} and the environment {@code env}, most preferred first. */
  public static List<String> candidates(Optional<String> configured, Map<String, String> env) {
    if (configured.isPresent()) return List.of(configured.get());
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) return List.of(fromEnv.strip());
    List<String> out = new ArrayList<>();
    String distro = env.get("ROS_DISTRO");
    if (distro != null && distro.matches("[a-z]+")) {
      out.add("/opt/ros/" + distro + "/lib/" + multiarch() + "/libddsc.so.0");
      out.add("/opt/ros/" + distro + "/lib/libddsc.so.0");
    }
    out.add("libddsc.so.0");
    out.add("libddsc.so.0debian");
    out.add("libddsc.so");
    return List.copyOf(out);
  }

  /** Debian multiarch directory of this JVM: {@code x86_64-linux-gnu} or {@code aarch64-linux-gnu}. */
  static String multiarch() {
    String arch = System.getProperty("os.arch", "");
    return switch (arch) {
      case "amd64", "x86_64" -> "x86_64-linux-gnu";
      case "aarch64", "arm64" -> "aarch64-linux-gnu";
      default -> arch + "-linux-gnu";
    };
  }
}
