package dev.glimpse.config;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ROS 2 topic names. Relative names (no leading {@code /}) are resolved in {@code ros.namespace}, so with the
 * default namespace {@code /} the detections of stream {@code front} go to {@code /glimpse/front/detections}, and
 * with namespace {@code /robot1} to {@code /robot1/glimpse/front/detections}. Absolute names ignore the namespace.
 * {@code {stream}} is replaced by the stream id; it is required in per-stream topics when there is more than one
 * stream, and not allowed elsewhere. DDS topic names add ROS 2's {@code rt} prefix ({@code rt/glimpse/...}).
 *
 * @param detections per-stream {@code Detection2DArray} topic.
 * @param labelInfo per-stream {@code LabelInfo} topic.
 * @param diagnostics {@code DiagnosticArray} topic; absolute by ROS convention so that aggregators find it.
 * @param query {@code std_msgs/String} topic the agent takes queries from.
 */
public record RosTopics(String detections, String labelInfo, String diagnostics, String query) {
  public static final String DEFAULT_DETECTIONS = "glimpse/{stream}/detections";
  public static final String DEFAULT_LABEL_INFO = "glimpse/{stream}/label_info";
  public static final String DEFAULT_DIAGNOSTICS = "/diagnostics";
  public static final String DEFAULT_QUERY = "glimpse/query";
  /** The substitution for the stream id. */
  public static final String STREAM = "{stream}";

  // ROS 2 names: tokens of [A-Za-z0-9_] not starting with a digit, separated by single slashes.
  private static final Pattern NAME = Pattern.compile("/?[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*");
  private static final Pattern SUBSTITUTION = Pattern.compile("\\{[^}]*}");

  public RosTopics {
    Objects.requireNonNull(detections, "detections");
    Objects.requireNonNull(labelInfo, "labelInfo");
    Objects.requireNonNull(diagnostics, "diagnostics");
    Objects.requireNonNull(query, "query");
    Checks c = new Checks();
    checkName(c, "detections", detections, true);
    checkName(c, "label_info", labelInfo, true);
    checkName(c, "diagnostics", diagnostics, false);
    checkName(c, "query", query, false);
    c.throwIfAny("RosTopics");
  }

  public static RosTopics defaults() {
    return new RosTopics(DEFAULT_DETECTIONS, DEFAULT_LABEL_INFO, DEFAULT_DIAGNOSTICS, DEFAULT_QUERY);
  }

  /** Fully qualified name of {@code name} in {@code namespace}, with {@code {stream}} replaced by {@code stream}. */
  public static String resolve(String namespace, String name, String stream) {
    String n = name.replace(STREAM, stream);
    if (n.startsWith("/")) return n;
    return namespace.endsWith("/") ? namespace + n : namespace + "/" + n;
  }

  private static void checkName(Checks c, String key, String name, boolean perStream) {
    Matcher m = SUBSTITUTION.matcher(name);
    while (m.find()) {
      if (!m.group().equals(STREAM)) {
        c.add(key, "unknown substitution " + m.group() + " in '" + name + "' (only {stream} is supported)");
        return;
      }
      if (!perStream) {
        c.add(key, "{stream} is not allowed here: this topic is shared by all streams");
        return;
      }
    }
    if (!NAME.matcher(name.replace(STREAM, "s")).matches()) {
      c.add(key, "not a valid ROS 2 topic name: '" + name + "' (tokens of letters, digits and _, not starting with"
          + " a digit, separated by single '/')");
    }
  }

  /** Whether {@code name} is a valid ROS 2 namespace: {@code /} or an absolute name. */
  static boolean isNamespace(String namespace) {
    return namespace.equals("/") || namespace.startsWith("/") && NAME.matcher(namespace).matches();
  }
}
