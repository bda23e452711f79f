package dev.glimpse.ros;

import dev.glimpse.ros.dds.RawReader;
import java.time.Duration;

/** A live subscription; its callback runs on the bridge's receive thread until {@link #close()}. */
public final class Subscription implements AutoCloseable {
  private final String rosTopic;
  private final RawReader reader;

  Subscription(String rosTopic, RawReader reader) {
    this.rosTopic = rosTopic;
    this.reader = reader;
  }

  /** The fully qualified ROS topic. */
  public String topic() {
    return rosTopic;
  }

  /** Publishers currently matched. */
  public int publishers() {
    return reader.matchedWriters();
  }

  /** Blocks until at least {@code n} publishers match; false on timeout. */
  public boolean awaitPublishers(int n, Duration timeout) throws InterruptedException {
    return reader.awaitMatched(n, timeout);
  }

  @Override
  public void close() {
    reader.close();
  }
}
