package dev.glimpse.agent.cli;

import dev.glimpse.agent.http.AgentMetrics;
import dev.glimpse.agent.http.HttpApi;
import dev.glimpse.agent.runtime.AgentRuntime;
import dev.glimpse.config.AgentConfig;
import dev.glimpse.config.ConfigException;
import dev.glimpse.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code glimpse run --config FILE}: the long-running agent. A bad config fails at start-up listing every problem.
 * SIGTERM (or SIGINT) shuts down gracefully: ingest stops, frames already with the engine finish and are published
 * (trackers, ROS 2), publishers flush, then the process exits.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the agent: every configured stream through the engine, trackers and publishers.",
        "Stops gracefully on SIGTERM / Ctrl-C, flushing publishers."})
public final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent YAML (see config/examples/agent.yaml)")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(config)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--config " + config + ": no such file");
    }
    AgentConfig cfg;
    try {
      cfg = ConfigLoader.load(config);
    } catch (ConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    Vertx vertx = Vertx.vertx();
    AgentRuntime rt;
    AgentMetrics metrics = new AgentMetrics();
    HttpApi http;
    try {
      rt = AgentRuntime.start(cfg, vertx, cfg.metrics().enabled() ? List.of(metrics) : List.of());
    } catch (Exception e) {
      vertx.close();
      err.println("glimpse run: cannot start: " + e.getMessage());
      err.flush();
      return 1;
    }
    try {
      http = HttpApi.start(vertx, rt, cfg.http(), cfg.metrics(), metrics).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      rt.close();
      vertx.close();
      err.println("glimpse run: cannot start the HTTP API on " + cfg.http().host() + ":" + cfg.http().port() + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      err.flush();
      return 1;
    }
    err.printf("glimpse run: HTTP API and dashboard on http://%s:%d/%n", cfg.http().host(), http.port());
    err.printf("glimpse run: %s, %d stream(s) %s, queries %s%s%n", rt.model().name(), rt.streams().size(),
        rt.streams().stream().map(AgentRuntime.StreamInfo::id).toList(), cfg.queries().stream().map(q -> q.text()).toList(),
        cfg.ros().enabled() ? ", ROS 2 on domain " + cfg.ros().domainId() : "");
    err.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      long frames = rt.streams().stream().mapToLong(AgentRuntime.StreamInfo::processed).sum();
      try {
        http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        err.println("glimpse run: http server: " + e.getMessage());
      }
      rt.close();                                        // streams stop, in-flight frames publish, ROS flushes
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> null).join();
      err.printf("glimpse run: stopped after %d frames; %d ROS messages published%n", frames, rt.rosPublished());
      err.flush();
      stopped.countDown();
    }, "glimpse-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return 0;
  }
}
