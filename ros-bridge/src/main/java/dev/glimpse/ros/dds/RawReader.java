package dev.glimpse.ros.dds;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.glimpse.ros.cdr.MalformedSampleException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A DDS reader whose samples are handed over serialized: on the receive loop, {@code dds_takecdr} takes up to
 * {@value ReceiveLoop#TAKE_BATCH} serdatas at a time and the handler sees each one's bytes in place
 * ({@code ddsi_serdata_to_ser_ref}, encapsulation header included, no copy). A handler that throws
 * {@link MalformedSampleException} drops the sample and counts it as malformed; any other exception is counted
 * and logged. Either way the reader carries on.
 */
@SuppressWarnings("restricted") // binding and reading native memory is this class's job
public final class RawReader implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RawReader.class.getName());
  /** Malformed samples logged per reader before the log goes quiet (the counter keeps counting). */
  private static final int LOG_LIMIT = 10;
  static final int STATUS_MASK = Ddsc.DATA_AVAILABLE_STATUS | Ddsc.REQUESTED_INCOMPATIBLE_QOS_STATUS
      | Ddsc.SUBSCRIPTION_MATCHED_STATUS | Ddsc.SAMPLE_LOST_STATUS;

  /** Receives the serialized sample; the segment is valid only during the call. */
  @FunctionalInterface
  public interface SampleHandler {
    void onSample(MemorySegment cdr) throws Exception;
  }

  private final Ddsc dds;
  private final DdsCounters counters;
  private final DdsParticipant.Topic topic;
  private final int entity;
  private final SampleHandler handler;
  private final ReceiveLoop loop;
  private volatile boolean closed;
  private int logged;

  RawReader(Ddsc dds, DdsCounters counters, DdsParticipant.Topic topic, int entity, SampleHandler handler,
      ReceiveLoop loop) {
    this.dds = dds;
    this.counters = counters;
    this.topic = topic;
    this.entity = entity;
    this.handler = handler;
    this.loop = loop;
  }

  public String topicName() {
    return topic.name();
  }

  /** Writers currently matched with this reader. */
  public int matchedWriters() {
    if (closed) return 0;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Ddsc.MATCHED_STATUS_SIZE, 8);
      int rc = (int) dds.getSubscriptionMatchedStatus.invokeExact(entity, st);
      return rc < 0 ? 0 : st.get(JAVA_INT, Ddsc.MATCHED_CURRENT_COUNT);
    } catch (Throwable t) {
      throw new DdsException("dds_get_subscription_matched_status failed: " + t);
    }
  }

  /** Waits, without polling, until at least {@code n} writers are matched; false on timeout. */
  public synchronized boolean awaitMatched(int n, Duration timeout) throws InterruptedException {
    return MatchWait.atLeast(this, this::matchedWriters, n, timeout);
  }

  /** On the receive loop: reports statuses, then takes and hands over everything available. */
  void onTriggered(ReceiveLoop.Buffers b) {
    if (closed) return;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(JAVA_INT);
      if ((int) dds.takeStatus.invokeExact(entity, st, STATUS_MASK) < 0) return;
      int bits = st.get(JAVA_INT, 0);
      if ((bits & Ddsc.REQUESTED_INCOMPATIBLE_QOS_STATUS) != 0) reportIncompatible(a);
      if ((bits & Ddsc.SAMPLE_LOST_STATUS) != 0) counters.samplesLost.increment();
      if ((bits & Ddsc.SUBSCRIPTION_MATCHED_STATUS) != 0) {
        synchronized (this) {
          notifyAll();
        }
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "reading the status of " + topic.name() + " failed", t);
    }
    takeAll(b);
  }

  private void reportIncompatible(Arena a) throws Throwable {
    MemorySegment q = a.allocate(Ddsc.INCOMPATIBLE_QOS_STATUS_SIZE, 4);
    if ((int) dds.getRequestedIncompatibleQosStatus.invokeExact(entity, q) < 0) return;
    counters.requestedIncompatibleQos.add(Math.max(1, q.get(JAVA_INT, Ddsc.INCOMPATIBLE_QOS_TOTAL_COUNT_CHANGE)));
    LOG.log(System.Logger.Level.WARNING, "incompatible QoS: a writer of " + topic.name() + " offers less than this "
        + "reader requests (" + DdsQos.policyName(q.get(JAVA_INT, Ddsc.INCOMPATIBLE_QOS_LAST_POLICY_ID)) + "); total "
        + Integer.toUnsignedString(q.get(JAVA_INT, 0)));
  }

  private void takeAll(ReceiveLoop.Buffers b) {
    while (!closed) {
      int n;
      try {
        n = (int) dds.takecdr.invokeExact(entity, b.serdatas(), ReceiveLoop.TAKE_BATCH, b.infos(), 0);
      } catch (Throwable t) {
        throw new DdsException("dds_takecdr failed: " + t);
      }
      if (n <= 0) return; // 0: nothing left; < 0: deleted while we were here
      for (int i = 0; i < n; i++) {
        MemorySegment serdata = b.serdatas().getAtIndex(ADDRESS, i);
        boolean valid = b.infos().get(JAVA_BOOLEAN, i * Ddsc.SAMPLE_INFO_SIZE + Ddsc.SAMPLE_INFO_VALID_DATA);
        try {
          if (valid && !serdata.equals(MemorySegment.NULL)) deliver(serdata, b.iov());
        } finally {
          unref(serdata);
        }
      }
      if (n < ReceiveLoop.TAKE_BATCH) return;
    }
  }

  private void deliver(MemorySegment serdata, MemorySegment iov) {
    counters.taken.increment();
    MemorySegment ref;
    try {
      int size = (int) dds.serdataSize.invokeExact(serdata);
      ref = (MemorySegment) dds.serdataToSerRef.invokeExact(serdata, 0L, Integer.toUnsignedLong(size), iov);
    } catch (Throwable t) {
      throw new DdsException("ddsi_serdata_to_ser_ref failed: " + t);
    }
    try {
      MemorySegment bytes = iov.get(ADDRESS, 0).reinterpret(iov.get(JAVA_LONG, 8));
      handler.onSample(bytes);
    } catch (MalformedSampleException e) {
      counters.malformed.increment();
      if (logged++ < LOG_LIMIT) {
        LOG.log(System.Logger.Level.WARNING, "dropped a malformed " + topic.typeName() + " on " + topic.name() + ": "
            + e.getMessage() + (logged == LOG_LIMIT ? " (further ones on this topic are only counted)" : ""));
      }
    } catch (Exception e) {
      counters.handlerErrors.increment();
      LOG.log(System.Logger.Level.ERROR, "callback for " + topic.name() + " threw; sample dropped", e);
    } finally {
      try {
        dds.serdataToSerUnref.invokeExact(ref, iov);
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.ERROR, "ddsi_serdata_to_ser_unref failed", t);
      }
    }
  }

  private void unref(MemorySegment serdata) {
    if (serdata.equals(MemorySegment.NULL)) return;
    try {
      dds.serdataUnref.invokeExact(serdata);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, "ddsi_serdata_unref failed", t);
    }
  }

  /**
   * Deletes the reader. A sample already being delivered on the receive loop may still complete; no new one
   * starts after this returns.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    loop.forget(entity);
    try {
      int rc = (int) dds.delete.invokeExact(entity);
      if (rc < 0 && rc != Ddsc.RETCODE_ALREADY_DELETED) LOG.log(System.Logger.Level.DEBUG, () -> "dds_delete(reader): " + dds.describe(rc));
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "deleting the reader of " + topic.name() + " failed", t);
    }
  }
}
