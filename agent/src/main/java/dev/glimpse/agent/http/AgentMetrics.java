package dev.glimpse.agent.http;

import dev.glimpse.agent.pipeline.FrameResult;
import dev.glimpse.agent.pipeline.PipelineListener;
import dev.glimpse.agent.runtime.AgentRuntime.StreamInfo;
import dev.glimpse.ingest.StreamStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The agent's Prometheus metrics, all tagged {@code stream} (query timings also {@code query}):
 * <ul>
 *   <li>{@code glimpse_frames_processed_total}: frames the engine finished (fps: its {@code rate()});</li>
 *   <li>{@code glimpse_encode_seconds} and {@code glimpse_query_seconds}: histograms of encode + prefill and of
 *       each query's decode, with percentile buckets for {@code histogram_quantile};</li>
 *   <li>{@code glimpse_kv_rows_per_layer}, {@code glimpse_kv_bytes}: the stream's context after its last frame;</li>
 *   <li>{@code glimpse_stream_frames_total}, {@code glimpse_stream_drops_total},
 *       {@code glimpse_stream_reconnects_total}, {@code glimpse_stream_corrupt_total},
 *       {@code glimpse_frames_failed_total}: ingest and engine counters read from the stream's stats at scrape time
 *       (counters, since they only grow; they restart at 0 if a stream is removed and added again);</li>
 *   <li>{@code glimpse_streams}: streams running.</li>
 * </ul>
 * Pass it to {@code AgentRuntime.start} as a listener and to {@code HttpApi.start}, which scrapes it. A removed
 * stream's meters go at the next scrape.
 */
public final class AgentMetrics implements PipelineListener {
  private final PrometheusMeterRegistry registry;
  private final Map<String, PerStream> streams = new ConcurrentHashMap<>();
  private final Map<String, StreamInfo> infos = new ConcurrentHashMap<>();
  private final AtomicLong running = new AtomicLong();

  /** One stream's meters. */
  private final class PerStream {
    final String id;
    final Counter processed;
    final Timer encode;
    final Map<String, Timer> queries = new ConcurrentHashMap<>();
    final AtomicLong kvRows = new AtomicLong(), kvBytes = new AtomicLong();
    final List<Meter> meters;

    PerStream(String id) {
      this.id = id;
      Tags tags = Tags.of("stream", id);
      processed = Counter.builder("glimpse.frames.processed").description("frames the engine finished")
          .tags(tags).register(registry);
      encode = timer("glimpse.encode", "vision encode and context prefill per frame", tags);
      meters = new ArrayList<>(List.of(processed, encode,
          Gauge.builder("glimpse.kv.rows.per.layer", kvRows, AtomicLong::get)
              .description("context rows per layer after the last frame").tags(tags).register(registry),
          Gauge.builder("glimpse.kv.bytes", kvBytes, AtomicLong::get).baseUnit("bytes")
              .description("context (KV cache) memory after the last frame").tags(tags).register(registry),
          stat("glimpse.stream.frames", "frames decoded into the mailbox", StreamStats::frames),
          stat("glimpse.stream.drops", "frames dropped by a latest mailbox (a newer frame came)", StreamStats::drops),
          stat("glimpse.stream.reconnects", "reopen attempts after an outage or a stall", StreamStats::reconnects),
          stat("glimpse.stream.corrupt", "frames with concealed decode errors or lost to bad packets",
              StreamStats::corrupt),
          FunctionCounter.builder("glimpse.frames.failed", infos, m -> {
            StreamInfo i = m.get(id);
            return i == null ? 0 : i.failed();
          }).description("frames whose engine work failed").tags(tags).register(registry)));
    }

    private Meter stat(String name, String help, ToLongFunction<StreamStats> f) {
      return FunctionCounter.builder(name, infos, m -> {
        StreamInfo i = m.get(id);
        return i == null || i.stats() == null ? 0 : f.applyAsLong(i.stats());
      }).description(help).tags("stream", id).register(registry);
    }

    Timer query(String text) {
      return queries.computeIfAbsent(text, q -> {
        Timer t = timer("glimpse.query", "decode of one query's answer", Tags.of("stream", id, "query", q));
        synchronized (meters) {
          meters.add(t);
        }
        return t;
      });
    }

    void remove() {
      synchronized (meters) {
        for (Meter m : meters) registry.remove(m);
      }
    }
  }

  public AgentMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public AgentMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("glimpse.streams", running, AtomicLong::get).description("streams running").register(registry);
  }

  public PrometheusMeterRegistry registry() { return registry; }

  private Timer timer(String name, String help, Tags tags) {
    return Timer.builder(name).description(help).tags(tags).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
  }

  private PerStream of(String stream) { return streams.computeIfAbsent(stream, PerStream::new); }

  @Override
  public void onFrame(String stream, FrameResult r) {
    PerStream s = of(stream);
    s.processed.increment();
    s.encode.record((long) (r.encodeMs() * 1e6), TimeUnit.NANOSECONDS);
    for (Map.Entry<String, Double> q : r.queryMs().entrySet()) {
      s.query(q.getKey()).record((long) (q.getValue() * 1e6), TimeUnit.NANOSECONDS);
    }
    s.kvRows.set(r.kv().rowsPerLayer());
    s.kvBytes.set(r.kv().bytes());
  }

  /** Brings the per-stream meters in line with the running streams, then renders the Prometheus text format. */
  public String scrape(List<StreamInfo> now) {
    Set<String> ids = new HashSet<>();
    for (StreamInfo i : now) {
      ids.add(i.id());
      infos.put(i.id(), i);
      of(i.id());
    }
    running.set(now.size());
    for (String id : List.copyOf(streams.keySet())) {
      if (ids.contains(id)) continue;
      PerStream gone = streams.remove(id);
      infos.remove(id);
      if (gone != null) gone.remove();
    }
    return registry.scrape();
  }
}
