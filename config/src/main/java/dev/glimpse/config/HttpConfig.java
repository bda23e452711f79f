package dev.glimpse.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP/WebSocket API and dashboard.
 *
 * @param host address to bind. The default, loopback, keeps the API off the network; any other address
 *     ({@code 0.0.0.0}, a LAN IP, a host name) exposes it and therefore requires {@code bearer_token}.
 * @param port TCP port, 0..65535; 0 = any free port (the agent logs the one it got).
 * @param bearerToken token clients must send as {@code Authorization: Bearer <token>}; at least 16 characters, no
 *     spaces. Required when {@code host} is not loopback. Keep the config file private (mode 600) when it holds one;
 *     {@link #toString()} hides it.
 * @param maxBodyBytes largest accepted request body, 1KiB..1GiB. Raising it admits bigger requests but lets a
 *     client make the agent buffer that much per request.
 */
public record HttpConfig(String host, int port, Optional<String> bearerToken, long maxBodyBytes) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final Optional<String> DEFAULT_BEARER_TOKEN = Optional.empty();
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;
  public static final int MIN_TOKEN_LENGTH = 16;

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Checks c = new Checks();
    c.require(isHost(host), "host", "must be an IP address or host name, got '" + host + "'");
    c.inRange("port", port, 0, 65535);
    bearerToken.ifPresent(t -> c.require(t.length() >= MIN_TOKEN_LENGTH && !t.matches(".*\\s.*"), "bearer_token",
        "must be at least " + MIN_TOKEN_LENGTH + " characters without spaces (a short token is guessable)"));
    c.require(bearerToken.isPresent() || isLoopback(host), "bearer_token",
        "required when host is not a loopback address (host is '" + host + "'): anyone on the network could "
            + "otherwise control the agent");
    c.require(maxBodyBytes >= 1024 && maxBodyBytes <= (1L << 30), "max_body_bytes",
        "must be in 1KiB..1GiB, got " + ByteSizes.format(maxBodyBytes));
    c.throwIfAny("HttpConfig");
  }

  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_BEARER_TOKEN, DEFAULT_MAX_BODY_BYTES);
  }

  /** Whether {@code host} names this machine only: {@code localhost}, 127.0.0.0/8 or {@code ::1}. */
  public static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) return true;
    String[] octets = h.split("\\.", -1);
    return octets.length == 4 && octets[0].equals("127") && isIpv4(h);
  }

  private static boolean isHost(String host) {
    if (isIpv4(host)) return true;
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.contains(":")) return h.matches("[0-9A-Fa-f:.]+"); // IPv6 literal
    if (h.matches("[0-9.]+")) return false; // looks like a broken IPv4 address
    String label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"; // RFC 1123
    return h.length() <= 253 && h.matches(label + "(\\." + label + ")*");
  }

  private static boolean isIpv4(String h) {
    String[] octets = h.split("\\.", -1);
    if (octets.length != 4) return false;
    for (String o : octets) {
      if (!o.matches("\\d{1,3}") || Integer.parseInt(o) > 255) return false;
    }
    return true;
  }

  @Override
  public String toString() {
    return "HttpConfig[host=" + host + ", port=" + port + ", bearerToken=" + bearerToken.map(t -> "***").orElse("none")
        + ", maxBodyBytes=" + maxBodyBytes + "]";
  }
}
