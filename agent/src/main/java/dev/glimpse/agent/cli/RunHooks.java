package dev.glimpse.agent.cli;

import dev.glimpse.agent.runtime.AgentRuntime;
import dev.glimpse.config.AgentConfig;
import io.vertx.core.Vertx;
import java.io.PrintWriter;

/** Optional parts of {@code glimpse run} started beside the runtime (the HTTP API). */
final class RunHooks {
  private RunHooks() {}

  /** Starts the HTTP API when this build has one; returns what to close at shutdown, or null. */
  static AutoCloseable startHttp(Vertx vertx, AgentRuntime rt, AgentConfig cfg, PrintWriter err) {
    return null;
  }
}
