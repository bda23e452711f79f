package dev.glimpse.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A validated stream source: what the user wrote ({@link #text()}), its {@link SourceKind}, and the part the
 * ingest code opens ({@link #location()}: the URL for network sources, the path for files, folders and devices).
 *
 * <p>Accepted forms: {@code rtsp://host[:port]/path}, {@code rtsps://…}, {@code http(s)://…} (HLS when the path
 * ends in {@code .m3u8}), {@code file:///abs/video.mp4}, {@code file://rel/video.mp4}, a bare path
 * ({@code videos/run1.mp4}), {@code v4l2:///dev/video0}, {@code images:///data/frames} and
 * {@code sim://seed=7&size=756x756&fps=30&frames=300} (every simulator parameter optional).
 *
 * <p>{@link #toString()} hides the password of {@code user:password@host} URLs, so a config can be logged.
 */
public final class SourceUrl {
  /** Simulator parameters {@code sim://} accepts. */
  public static final List<String> SIM_PARAMS = List.of("seed", "size", "fps", "frames");

  private final SourceKind kind;
  private final String text;
  private final String location;
  private final Map<String, String> params;

  private SourceUrl(SourceKind kind, String text, String location, Map<String, String> params) {
    this.kind = kind;
    this.text = text;
    this.location = location;
    this.params = Collections.unmodifiableMap(params);
  }

  /** Parses and checks a source; the exception's message says what is wrong and, for near misses, the fix. */
  public static SourceUrl parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) throw new IllegalArgumentException("must not be empty");
    int sep = s.indexOf("://");
    String prefix = sep < 0 ? "" : s.substring(0, sep);
    if (sep < 0 || !prefix.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      int colon = s.indexOf(':');
      if (colon > 0 && DidYouMean.suggest(s.substring(0, colon), SourceKind.schemes()).isPresent()) {
        throw new IllegalArgumentException("malformed URL '" + s + "' (expected " + s.substring(0, colon)
            + "://...)");
      }
      return new SourceUrl(SourceKind.FILE, s, s, Map.of());
    }
    String scheme = prefix.toLowerCase(Locale.ROOT);
    SourceKind kind = kindOf(scheme).orElseThrow(() -> new IllegalArgumentException("unknown URL scheme '"
        + prefix + "' (expected one of " + String.join(", ", SourceKind.schemes()) + ")"
        + DidYouMean.hint(prefix, SourceKind.schemes())));
    String rest = s.substring(sep + 3);
    return switch (kind) {
      case RTSP, RTSPS, HTTP, HTTPS -> network(kind, s);
      case FILE -> new SourceUrl(kind, s,
          nonEmpty(rest, "missing path after file:// (e.g. file:///data/run1.mp4)"), Map.of());
      case IMAGES -> new SourceUrl(kind, s,
          nonEmpty(rest, "missing folder after images:// (e.g. images:///data/frames)"), Map.of());
      case V4L2 -> {
        if (!rest.startsWith("/dev/") || rest.length() == "/dev/".length()) {
          throw new IllegalArgumentException("expected a device such as v4l2:///dev/video0, got '" + s + "'");
        }
        yield new SourceUrl(kind, s, rest, Map.of());
      }
      case SIM -> new SourceUrl(kind, s, "", simParams(rest));
    };
  }

  private static Optional<SourceKind> kindOf(String scheme) {
    for (SourceKind k : SourceKind.values()) if (k.scheme().equals(scheme)) return Optional.of(k);
    return Optional.empty();
  }

  private static SourceUrl network(SourceKind kind, String s) {
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid URL '" + redact(s) + "': " + e.getReason() + " at index "
          + e.getIndex());
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("missing or invalid host in '" + redact(s) + "' (expected " + kind.scheme()
          + "://HOST[:PORT]/PATH)");
    }
    if (uri.getPort() > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, got " + uri.getPort() + " in '" + redact(s) + "'");
    }
    return new SourceUrl(kind, s, s, Map.of());
  }

  private static String nonEmpty(String rest, String message) {
    if (rest.isBlank()) throw new IllegalArgumentException(message);
    return rest;
  }

  private static Map<String, String> simParams(String rest) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rest.isEmpty()) return params;
    for (String pair : rest.split("&", -1)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (!SIM_PARAMS.contains(key)) {
        throw new IllegalArgumentException("unknown sim:// parameter '" + key + "' (expected "
            + String.join(", ", SIM_PARAMS) + ")" + DidYouMean.hint(key, SIM_PARAMS));
      }
      if (params.containsKey(key)) throw new IllegalArgumentException("sim:// parameter '" + key + "' given twice");
      String valid = switch (key) {
        case "seed" -> value.matches("\\d{1,18}") ? null : "a non-negative integer";
        case "size" -> value.matches("\\d{1,5}x\\d{1,5}") && sizeOk(value)
            ? null : "WIDTHxHEIGHT in 16..8192, e.g. 756x756";
        case "fps" -> value.matches("\\d{1,3}(\\.\\d+)?") && Double.parseDouble(value) > 0
            ? null : "a number in (0, 1000)";
        default -> value.matches("[1-9]\\d{0,9}") ? null : "a positive integer"; // frames
      };
      if (valid != null) {
        throw new IllegalArgumentException("sim:// parameter " + key + " must be " + valid + ", got '" + value + "'");
      }
      params.put(key, value);
    }
    return params;
  }

  private static boolean sizeOk(String wxh) {
    String[] p = wxh.split("x");
    int w = Integer.parseInt(p[0]), h = Integer.parseInt(p[1]);
    return w >= 16 && w <= 8192 && h >= 16 && h <= 8192;
  }

  /** What the user wrote, trimmed; it may hold a password: log {@link #toString()} instead. */
  public String text() {
    return text;
  }

  public SourceKind kind() {
    return kind;
  }

  /** The URL for network sources; the path for files, image folders and devices; empty for the simulator. */
  public String location() {
    return location;
  }

  /** Simulator parameters as written ({@code seed → "7"}); empty for other kinds. */
  public Map<String, String> params() {
    return params;
  }

  /** Whether this is an HTTP(S) Live Streaming playlist ({@code .m3u8}). */
  public boolean isHls() {
    if (kind != SourceKind.HTTP && kind != SourceKind.HTTPS) return false;
    String path = URI.create(text).getPath();
    return path != null && path.toLowerCase(Locale.ROOT).endsWith(".m3u8");
  }

  /** The URL with any password replaced by {@code ***}. */
  public String redacted() {
    return redact(text);
  }

  private static String redact(String s) {
    return s.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@", "$1:***@");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceUrl u && u.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return redacted();
  }
}
