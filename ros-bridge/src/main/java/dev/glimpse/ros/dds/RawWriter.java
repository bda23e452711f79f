package dev.glimpse.ros.dds;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A DDS writer fed with serialized samples: the bytes (encapsulation header included) are copied into native
 * memory, turned into a Cyclone serdata of the topic's own sertype with {@code ddsi_serdata_from_ser_iov} (which
 * validates them against the type) and written with {@code dds_writecdr}. Thread-safe; writes are serialized.
 */
public final class RawWriter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RawWriter.class.getName());

  private final Ddsc dds;
  private final DdsCounters counters;
  private final DdsParticipant.Topic topic;
  private final int entity;
  private final ReceiveLoop loop;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment iov;
  private final MemorySegment status;
  private MemorySegment buffer;
  private boolean closed;

  RawWriter(Ddsc dds, DdsCounters counters, DdsParticipant.Topic topic, int entity, ReceiveLoop loop) {
    this.dds = dds;
    this.counters = counters;
    this.topic = topic;
    this.entity = entity;
    this.loop = loop;
    this.iov = arena.allocate(Ddsc.IOVEC);
    this.status = arena.allocate(Ddsc.MATCHED_STATUS_SIZE, 8);
    this.buffer = arena.allocate(1024, 8);
  }

  /** The DDS topic name, e.g. {@code rt/glimpse/front/detections}. */
  public String topicName() {
    return topic.name();
  }

  /**
   * Writes {@code length} bytes of {@code cdr}. Returns false (and counts it) when Cyclone rejects the sample or a
   * reliable write times out because a matched reader does not keep up; never throws for those.
   */
  public synchronized boolean write(byte[] cdr, int length) {
    if (closed) throw new IllegalStateException("writer on " + topic.name() + " is closed");
    if (buffer.byteSize() < length) buffer = arena.allocate(Math.max(length, 2 * buffer.byteSize()), 8);
    MemorySegment.copy(cdr, 0, buffer, JAVA_BYTE, 0, length);
    iov.set(ADDRESS, 0, buffer);
    iov.set(JAVA_LONG, 8, length);
    try {
      MemorySegment serdata = (MemorySegment) dds.serdataFromSerIov.invokeExact(topic.sertype(), Ddsc.SDK_DATA, 1L,
          iov, (long) length);
      if (serdata.equals(MemorySegment.NULL)) {
        counters.writeFailures.increment();
        LOG.log(System.Logger.Level.ERROR, "Cyclone rejected a " + length + "-byte sample for " + topic.name()
            + " (" + topic.typeName() + "): it does not match the type");
        return false;
      }
      int rc = (int) dds.writecdr.invokeExact(entity, serdata); // consumes the serdata reference
      if (rc < 0) {
        counters.writeFailures.increment();
        LOG.log(System.Logger.Level.DEBUG, () -> "dds_writecdr on " + topic.name() + ": " + dds.describe(rc));
        return false;
      }
      counters.written.increment();
      return true;
    } catch (Throwable t) {
      throw new DdsException("writing to " + topic.name() + " failed: " + t);
    }
  }

  /** Readers currently matched with this writer (local and remote). */
  public synchronized int matchedReaders() {
    if (closed) return 0;
    try {
      int rc = (int) dds.getPublicationMatchedStatus.invokeExact(entity, status);
      return rc < 0 ? 0 : status.get(JAVA_INT, Ddsc.MATCHED_CURRENT_COUNT);
    } catch (Throwable t) {
      throw new DdsException("dds_get_publication_matched_status failed: " + t);
    }
  }

  /** Waits, without polling, until at least {@code n} readers are matched; false on timeout. */
  public synchronized boolean awaitMatched(int n, Duration timeout) throws InterruptedException {
    return MatchWait.atLeast(this, this::matchedReaders, n, timeout);
  }

  /** Called on the receive loop when a status of this writer changed. */
  void onTriggered() {
    MemorySegment st;
    int mask = Ddsc.OFFERED_INCOMPATIBLE_QOS_STATUS | Ddsc.PUBLICATION_MATCHED_STATUS;
    try (Arena a = Arena.ofConfined()) {
      st = a.allocate(JAVA_INT);
      if ((int) dds.takeStatus.invokeExact(entity, st, mask) < 0) return;
      int bits = st.get(JAVA_INT, 0);
      if ((bits & Ddsc.OFFERED_INCOMPATIBLE_QOS_STATUS) != 0) {
        MemorySegment q = a.allocate(Ddsc.INCOMPATIBLE_QOS_STATUS_SIZE, 4);
        if ((int) dds.getOfferedIncompatibleQosStatus.invokeExact(entity, q) >= 0) {
          int change = q.get(JAVA_INT, Ddsc.INCOMPATIBLE_QOS_TOTAL_COUNT_CHANGE);
          counters.offeredIncompatibleQos.add(Math.max(1, change));
          LOG.log(System.Logger.Level.WARNING, "incompatible QoS: a reader of " + topic.name() + " requests more "
              + "than this writer offers (" + DdsQos.policyName(q.get(JAVA_INT, Ddsc.INCOMPATIBLE_QOS_LAST_POLICY_ID)) + "); total "
              + Integer.toUnsignedString(q.get(JAVA_INT, 0)));
        }
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "reading the status of " + topic.name() + " failed", t);
    }
    synchronized (this) {
      notifyAll();
    }
  }

  /** Deletes the writer. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    loop.forget(entity);
    try {
      int rc = (int) dds.delete.invokeExact(entity);
      if (rc < 0 && rc != Ddsc.RETCODE_ALREADY_DELETED) LOG.log(System.Logger.Level.DEBUG, () -> "dds_delete(writer): " + dds.describe(rc));
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "deleting the writer of " + topic.name() + " failed", t);
    }
    arena.close();
  }
}
