package dev.glimpse.agent.runtime;

import dev.glimpse.agent.pipeline.PipelineListener;
import dev.glimpse.agent.pipeline.StandingQuery;
import dev.glimpse.agent.pipeline.FrameResult;
import dev.glimpse.ros.RosBridge;
import dev.glimpse.ros.StreamPublisher;
import dev.glimpse.types.Detections;
import dev.glimpse.types.Track;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Publishes every query's tracks as {@code vision_msgs/Detection2DArray} on the stream's detections topic
 * (ros-bridge: class_id = label, score, track id, the source frame's header). DDS writes run on one publishing
 * thread, never on the event loop; {@link #close} flushes what is queued.
 */
public final class RosPublishing implements PipelineListener, AutoCloseable {
  private final RosBridge bridge;
  private final Map<String, StreamPublisher> publishers = new ConcurrentHashMap<>();
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "glimpse-ros-publish");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong published = new AtomicLong(), failed = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final LongSupplier nanoClock;
  private final List<Published> observers = new CopyOnWriteArrayList<>();

  /** Told of every message written, on the publishing thread (must not block). */
  @FunctionalInterface
  public interface Published {
    /**
     * @param stream        the stream
     * @param result        the frame the message carries
     * @param writtenNanos  when the DDS write returned, on the clock of {@link FrameResult#decodedNanos}
     */
    void published(String stream, FrameResult result, long writtenNanos);
  }

  public RosPublishing(RosBridge bridge) { this(bridge, System::nanoTime); }

  /** @param nanoClock the monotonic clock frames are stamped with at decode ({@code System::nanoTime}) */
  public RosPublishing(RosBridge bridge, LongSupplier nanoClock) {
    this.bridge = bridge;
    this.nanoClock = nanoClock;
  }

  /** Adds an observer of written messages (latency from decode to publish: {@code writtenNanos - decodedNanos}). */
  public void observe(Published observer) { observers.add(observer); }

  @Override
  public void onTracks(String stream, StandingQuery q, FrameResult r, Detections dets, List<Track> tracks) {
    try {
      thread.execute(() -> publish(stream, r, dets, tracks));
    } catch (RejectedExecutionException afterClose) {
      failed.incrementAndGet();                      // a frame finishing after close: counted, never thrown
    }
  }

  private void publish(String stream, FrameResult r, Detections dets, List<Track> tracks) {      // publishing thread
    try {
      StreamPublisher p = publishers.computeIfAbsent(stream, bridge::stream);
      if (p.publishTracks(dets, tracks)) {
        long now = nanoClock.getAsLong();
        published.incrementAndGet();
        for (Published o : observers) o.published(stream, r, now);
      } else {
        failed.incrementAndGet();
      }
    } catch (RuntimeException e) {
      failed.incrementAndGet();
    }
  }

  /** Messages written, and writes that failed (counted, never thrown at the pipeline). */
  public long published() { return published.get(); }

  public long failed() { return failed.get(); }

  /** The publisher of a stream (tests wait for its subscribers). */
  public StreamPublisher publisher(String stream) { return publishers.computeIfAbsent(stream, bridge::stream); }

  /** Publishes what is queued, then closes the publishers and the DDS participant. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publishers.values().forEach(StreamPublisher::close);
    bridge.close();
  }
}
