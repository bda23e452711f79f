package dev.glimpse.ros;

import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.dds.RawWriter;
import dev.glimpse.ros.msg.MessageType;
import java.time.Duration;

/**
 * Publishes messages of one type on one ROS 2 topic. Thread-safe. Encoding reuses one buffer per publisher, so a
 * steady stream of messages allocates only the native serdata Cyclone makes of them.
 *
 * @param <T> the message
 */
public final class Publisher<T> implements AutoCloseable {
  private final String rosTopic;
  private final MessageType<T> type;
  private final RawWriter writer;
  private final CdrWriter cdr = new CdrWriter(4096);

  Publisher(String rosTopic, MessageType<T> type, RawWriter writer) {
    this.rosTopic = rosTopic;
    this.type = type;
    this.writer = writer;
  }

  /** The fully qualified ROS topic, e.g. {@code /glimpse/front/detections}. */
  public String topic() {
    return rosTopic;
  }

  public MessageType<T> type() {
    return type;
  }

  /**
   * Publishes {@code message}. False when DDS did not take it (a reliable subscriber did not keep up within the
   * blocking time, counted in the bridge's diagnostics); never throws for that.
   */
  public boolean publish(T message) {
    synchronized (cdr) {
      type.encode(cdr.reset(), message);
      return writer.write(cdr.array(), cdr.size());
    }
  }

  /** Subscribers currently matched (QoS-compatible, same type name). */
  public int subscribers() {
    return writer.matchedReaders();
  }

  /** Blocks until at least {@code n} subscribers match; false on timeout. */
  public boolean awaitSubscribers(int n, Duration timeout) throws InterruptedException {
    return writer.awaitMatched(n, timeout);
  }

  @Override
  public void close() {
    writer.close();
  }
}
