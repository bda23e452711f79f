package dev.glimpse.ros.dds;

import dev.glimpse.config.QosProfile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** {@link QosProfile} → a native {@code dds_qos_t}, and the names of Cyclone's QoS policy ids for log lines. */
final class DdsQos {
  private DdsQos() {}

  /**
   * How long a reliable write may block when a matched reader's history is full before {@code dds_writecdr} gives
   * up with a timeout: 100 ms, the DDS and rmw default.
   */
  static final long MAX_BLOCKING_NANOS = 100_000_000L;

  /** {@code dds_qos_policy_id_t} in declaration order (dds_public_qosdefs.h). */
  private static final List<String> POLICIES = List.of("INVALID", "USERDATA", "DURABILITY", "PRESENTATION",
      "DEADLINE", "LATENCYBUDGET", "OWNERSHIP", "OWNERSHIPSTRENGTH", "LIVELINESS", "TIMEBASEDFILTER", "PARTITION",
      "RELIABILITY", "DESTINATIONORDER", "HISTORY", "RESOURCELIMITS", "ENTITYFACTORY", "WRITERDATALIFECYCLE",
      "READERDATALIFECYCLE", "TOPICDATA", "GROUPDATA", "TRANSPORTPRIORITY", "LIFESPAN", "DURABILITYSERVICE",
      "PROPERTY", "TYPE_CONSISTENCY_ENFORCEMENT", "DATA_REPRESENTATION");

  static String policyName(int id) {
    return id >= 0 && id < POLICIES.size() ? POLICIES.get(id) : "policy " + id;
  }

  /** A new native QoS for {@code p}; the caller deletes it with {@link #delete}. */
  static MemorySegment create(Ddsc dds, QosProfile p) {
    MemorySegment q = create(dds);
    try {
      dds.qsetReliability.invokeExact(q, p.reliability() == QosProfile.Reliability.RELIABLE
          ? Ddsc.RELIABILITY_RELIABLE : Ddsc.RELIABILITY_BEST_EFFORT, MAX_BLOCKING_NANOS);
      dds.qsetDurability.invokeExact(q, p.durability() == QosProfile.Durability.TRANSIENT_LOCAL
          ? Ddsc.DURABILITY_TRANSIENT_LOCAL : Ddsc.DURABILITY_VOLATILE);
      dds.qsetHistory.invokeExact(q, p.history() == QosProfile.History.KEEP_ALL
          ? Ddsc.HISTORY_KEEP_ALL : Ddsc.HISTORY_KEEP_LAST, p.depth());
      return q;
    } catch (Throwable t) {
      delete(dds, q);
      throw new DdsException("setting QoS failed: " + t);
    }
  }

  /** An empty native QoS. */
  static MemorySegment create(Ddsc dds) {
    try {
      MemorySegment q = (MemorySegment) dds.createQos.invokeExact();
      if (q.equals(MemorySegment.NULL)) throw new DdsException("dds_create_qos returned NULL");
      return q;
    } catch (DdsException e) {
      throw e;
    } catch (Throwable t) {
      throw new DdsException("dds_create_qos failed: " + t);
    }
  }

  static void partition(Ddsc dds, MemorySegment q, String partition) {
    try (Arena a = Arena.ofConfined()) {
      dds.qsetPartition1.invokeExact(q, a.allocateFrom(partition));
    } catch (Throwable t) {
      throw new DdsException("dds_qset_partition1 failed: " + t);
    }
  }

  static void entityName(Ddsc dds, MemorySegment q, String name) {
    try (Arena a = Arena.ofConfined()) {
      dds.qsetEntityName.invokeExact(q, a.allocateFrom(name));
    } catch (Throwable t) {
      throw new DdsException("dds_qset_entity_name failed: " + t);
    }
  }

  static void delete(Ddsc dds, MemorySegment q) {
    try {
      dds.deleteQos.invokeExact(q);
    } catch (Throwable t) {
      throw new DdsException("dds_delete_qos failed: " + t);
    }
  }
}
