package dev.glimpse.config;

import java.util.Objects;

/**
 * Prometheus metrics (fps, drops, latency histograms, KV memory, reconnects), served by the HTTP API.
 *
 * @param enabled whether {@code path} is served. Turning it off saves a little work per frame but leaves you
 *     blind to drops and latency.
 * @param path URL path of the scrape endpoint, starting with {@code /}.
 */
public record MetricsConfig(boolean enabled, String path) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_PATH = "/metrics";

  public MetricsConfig {
    Objects.requireNonNull(path, "path");
    Checks c = new Checks();
    c.require(path.matches("/[A-Za-z0-9._~/-]*"), "path",
        "must start with '/' and hold only letters, digits and ._~/-, got '" + path + "'");
    c.throwIfAny("MetricsConfig");
  }

  public static MetricsConfig defaults() {
    return new MetricsConfig(DEFAULT_ENABLED, DEFAULT_PATH);
  }
}
