package dev.glimpse.ros.dds;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The slice of Cyclone DDS's C API (0.10.x, {@code dds/dds.h}) that the bridge calls, bound once per bridge through
 * the FFM API; no jextract, no C shim. Struct layouts are x86-64/aarch64 LP64 and are checked against the installed
 * headers by {@code CycloneAbiTest}.
 */
@SuppressWarnings("restricted") // binding and reading native memory is this class's job
final class Ddsc {
  // dds/ddsrt/retcode.h
  static final int RETCODE_PRECONDITION_NOT_MET = -4;
  static final int RETCODE_ALREADY_DELETED = -9;
  // dds/dds.h status bits (1 << DDS_*_STATUS_ID)
  static final int OFFERED_INCOMPATIBLE_QOS_STATUS = 1 << 3;
  static final int REQUESTED_INCOMPATIBLE_QOS_STATUS = 1 << 4;
  static final int SAMPLE_LOST_STATUS = 1 << 5;
  static final int DATA_AVAILABLE_STATUS = 1 << 8;
  static final int PUBLICATION_MATCHED_STATUS = 1 << 11;
  static final int SUBSCRIPTION_MATCHED_STATUS = 1 << 12;
  // dds_public_qosdefs.h
  static final int RELIABILITY_BEST_EFFORT = 0;
  static final int RELIABILITY_RELIABLE = 1;
  static final int DURABILITY_VOLATILE = 0;
  static final int DURABILITY_TRANSIENT_LOCAL = 1;
  static final int HISTORY_KEEP_LAST = 0;
  static final int HISTORY_KEEP_ALL = 1;
  static final long INFINITY = Long.MAX_VALUE;
  /** enum ddsi_serdata_kind SDK_DATA. */
  static final int SDK_DATA = 2;
  /** {@code struct ddsi_serdata}: ops*, hash u32, refc u32, kind enum, (pad), type* — the sertype pointer. */
  static final long SERDATA_TYPE_OFFSET = 24;

  /** {@code dds_topic_descriptor_t} (dds_public_impl.h), 96 bytes. */
  static final StructLayout TOPIC_DESCRIPTOR = MemoryLayout.structLayout(
      JAVA_INT.withName("m_size"), JAVA_INT.withName("m_align"), JAVA_INT.withName("m_flagset"),
      JAVA_INT.withName("m_nkeys"), ADDRESS.withName("m_typename"), ADDRESS.withName("m_keys"),
      JAVA_INT.withName("m_nops"), MemoryLayout.paddingLayout(4), ADDRESS.withName("m_ops"),
      ADDRESS.withName("m_meta"), ADDRESS.withName("type_information_data"),
      JAVA_INT.withName("type_information_sz"), MemoryLayout.paddingLayout(4),
      ADDRESS.withName("type_mapping_data"), JAVA_INT.withName("type_mapping_sz"), MemoryLayout.paddingLayout(4),
      JAVA_INT.withName("restrict_data_representation"), MemoryLayout.paddingLayout(4));
  /** {@code dds_sample_info_t}: 64 bytes; {@code bool valid_data} at 12. */
  static final long SAMPLE_INFO_SIZE = 64;
  static final long SAMPLE_INFO_VALID_DATA = 12;
  /** {@code struct iovec}: base pointer, length. */
  static final StructLayout IOVEC = MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
  /** {@code dds_*_incompatible_qos_status_t}: total_count u32, total_count_change i32, last_policy_id u32. */
  static final long INCOMPATIBLE_QOS_STATUS_SIZE = 12;
  static final long INCOMPATIBLE_QOS_TOTAL_COUNT_CHANGE = 4;
  static final long INCOMPATIBLE_QOS_LAST_POLICY_ID = 8;
  /** {@code dds_publication/subscription_matched_status_t}: total, total_change, current, current_change, handle. */
  static final long MATCHED_STATUS_SIZE = 24;
  static final long MATCHED_CURRENT_COUNT = 8;

  final String libraryName;
  final MethodHandle createDomain, createParticipant, createTopic, createWriter, createReader, createPublisher,
      createSubscriber, delete, getParent, getChildren, strretcode;
  final MethodHandle createQos, deleteQos, qsetReliability, qsetDurability, qsetHistory, qsetPartition1,
      qsetEntityName;
  final MethodHandle write, writecdr, takecdr, serdataFromSerIov, serdataSize, serdataToSerRef, serdataToSerUnref,
      serdataUnref;
  final MethodHandle createWaitset, waitsetAttach, waitsetWait, createGuardcondition, setGuardcondition,
      setStatusMask, takeStatus, getPublicationMatchedStatus, getSubscriptionMatchedStatus,
      getOfferedIncompatibleQosStatus, getRequestedIncompatibleQosStatus;

  private Ddsc(String libraryName, SymbolLookup lib) {
    this.libraryName = libraryName;
    Binder b = new Binder(lib);
    createDomain = b.fn("dds_create_domain", JAVA_INT, JAVA_INT, ADDRESS);
    createParticipant = b.fn("dds_create_participant", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    createTopic = b.fn("dds_create_topic", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    createWriter = b.fn("dds_create_writer", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    createReader = b.fn("dds_create_reader", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    createPublisher = b.fn("dds_create_publisher", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    createSubscriber = b.fn("dds_create_subscriber", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    delete = b.fn("dds_delete", JAVA_INT, JAVA_INT);
    getParent = b.fn("dds_get_parent", JAVA_INT, JAVA_INT);
    getChildren = b.fn("dds_get_children", JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG);
    strretcode = b.fn("dds_strretcode", ADDRESS, JAVA_INT);
    createQos = b.fn("dds_create_qos", ADDRESS);
    deleteQos = b.proc("dds_delete_qos", ADDRESS);
    qsetReliability = b.proc("dds_qset_reliability", ADDRESS, JAVA_INT, JAVA_LONG);
    qsetDurability = b.proc("dds_qset_durability", ADDRESS, JAVA_INT);
    qsetHistory = b.proc("dds_qset_history", ADDRESS, JAVA_INT, JAVA_INT);
    qsetPartition1 = b.proc("dds_qset_partition1", ADDRESS, ADDRESS);
    qsetEntityName = b.proc("dds_qset_entity_name", ADDRESS, ADDRESS);
    write = b.fn("dds_write", JAVA_INT, JAVA_INT, ADDRESS);
    writecdr = b.fn("dds_writecdr", JAVA_INT, JAVA_INT, ADDRESS);
    takecdr = b.fn("dds_takecdr", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT);
    serdataFromSerIov = b.fn("ddsi_serdata_from_ser_iov", ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG);
    serdataSize = b.fn("ddsi_serdata_size", JAVA_INT, ADDRESS);
    serdataToSerRef = b.fn("ddsi_serdata_to_ser_ref", ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    serdataToSerUnref = b.proc("ddsi_serdata_to_ser_unref", ADDRESS, ADDRESS);
    serdataUnref = b.proc("ddsi_serdata_unref", ADDRESS);
    createWaitset = b.fn("dds_create_waitset", JAVA_INT, JAVA_INT);
    waitsetAttach = b.fn("dds_waitset_attach", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
    waitsetWait = b.fn("dds_waitset_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
    createGuardcondition = b.fn("dds_create_guardcondition", JAVA_INT, JAVA_INT);
    setGuardcondition = b.fn("dds_set_guardcondition", JAVA_INT, JAVA_INT, JAVA_BOOLEAN);
    setStatusMask = b.fn("dds_set_status_mask", JAVA_INT, JAVA_INT, JAVA_INT);
    takeStatus = b.fn("dds_take_status", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    getPublicationMatchedStatus = b.fn("dds_get_publication_matched_status", JAVA_INT, JAVA_INT, ADDRESS);
    getSubscriptionMatchedStatus = b.fn("dds_get_subscription_matched_status", JAVA_INT, JAVA_INT, ADDRESS);
    getOfferedIncompatibleQosStatus = b.fn("dds_get_offered_incompatible_qos_status", JAVA_INT, JAVA_INT, ADDRESS);
    getRequestedIncompatibleQosStatus = b.fn("dds_get_requested_incompatible_qos_status", JAVA_INT, JAVA_INT,
        ADDRESS);
    b.throwIfMissing(libraryName);
  }

  /**
   * Loads the first library of {@code candidates} that the dynamic linker finds (names are searched like
   * {@code dlopen}: {@code LD_LIBRARY_PATH}, then the system; paths are opened as given). The library stays loaded
   * for the life of the JVM, like any {@code dlopen}ed library.
   */
  static Ddsc load(List<String> candidates) {
    List<String> failures = new ArrayList<>();
    for (String name : candidates) {
      try {
        return new Ddsc(name, SymbolLookup.libraryLookup(name, Arena.global()));
      } catch (IllegalArgumentException e) {
        failures.add(name + ": " + e.getMessage());
      }
    }
    throw new DdsException("no usable Cyclone DDS library (libddsc) found; tried " + String.join("; ", failures)
        + ". Install cyclonedds (Debian: libddsc0debian) or source your ROS 2 setup.bash, or set the library path"
        + " (RosBridgeConfig.library / GLIMPSE_DDSC_LIBRARY)");
  }

  /** {@code dds_strretcode}: the name of a return code. */
  String describe(int rc) {
    try {
      MemorySegment s = (MemorySegment) strretcode.invokeExact(rc);
      return s.equals(MemorySegment.NULL) ? "rc " + rc : s.reinterpret(256).getString(0) + " (" + rc + ")";
    } catch (Throwable t) {
      return "rc " + rc;
    }
  }

  /** Throws with {@code what} and the return code's name when {@code rc} is negative; returns it otherwise. */
  int check(int rc, String what) {
    if (rc < 0) throw new DdsException(what + " failed: " + describe(rc));
    return rc;
  }

  /** Binds symbols, collecting the missing ones so that one error names all of them. */
  private static final class Binder {
    private final SymbolLookup lib;
    private final Linker linker = Linker.nativeLinker();
    private final List<String> missing = new ArrayList<>();

    Binder(SymbolLookup lib) {
      this.lib = lib;
    }

    MethodHandle fn(String name, MemoryLayout result, MemoryLayout... args) {
      return bind(name, FunctionDescriptor.of(result, args));
    }

    MethodHandle proc(String name, MemoryLayout... args) {
      return bind(name, FunctionDescriptor.ofVoid(args));
    }

    private MethodHandle bind(String name, FunctionDescriptor fd) {
      return lib.find(name).map(a -> linker.downcallHandle(a, fd)).orElseGet(() -> {
        missing.add(name);
        return null;
      });
    }

    void throwIfMissing(String library) {
      if (!missing.isEmpty()) {
        throw new DdsException(library + " lacks " + String.join(", ", missing) + " (Cyclone DDS 0.10.x expected)");
      }
    }
  }
}
