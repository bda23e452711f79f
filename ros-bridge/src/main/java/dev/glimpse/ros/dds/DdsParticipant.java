package dev.glimpse.ros.dds;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.glimpse.config.QosProfile;
import dev.glimpse.ros.msg.MessageType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Cyclone DDS domain participant with its topics, raw writers and readers, and the {@link ReceiveLoop} thread
 * that serves the readers. Topic descriptors are generated in Java from the message schemas ({@link OpsCompiler});
 * samples travel as serialized CDR ({@link RawWriter}, {@link RawReader}).
 *
 * <p><b>Sertype bootstrap.</b> {@code dds_writecdr} needs a serdata of the topic's own sertype, and Cyclone 0.10 has
 * no public call that returns a topic's sertype. So for each new type, a probe topic of that type
 * ({@code glimpse_sertype_probe/<type>}: no {@code rt/} prefix, so ROS tools ignore it) gets a local writer and reader
 * in a private partition ({@value #PROBE_PARTITION}); one zero sample is written, taken with {@code dds_takecdr},
 * and {@code serdata->type} read. Cyclone keeps one sertype per distinct type in a domain
 * ({@code ddsi_sertype_lookup_locked} in {@code dds_create_topic}), so that is the real topics' sertype too. The probe
 * runs apart from the real topic so that peers on it never see the probe endpoints (Cyclone would report them as a
 * PARTITION QoS mismatch). The probe topic stays until the participant closes, keeping the pointer valid in any
 * case; the probe writer and reader are deleted at once.
 */
@SuppressWarnings("restricted") // binding and reading native memory is this class's job
public final class DdsParticipant implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DdsParticipant.class.getName());
  static final String PROBE_PARTITION = "__glimpse_sertype_probe";

  /** A created topic: DDS name, type, entity handle, and the native sertype its serdatas must carry. */
  record Topic(String name, String typeName, int entity, MemorySegment sertype) {}

  private final Ddsc dds;
  private final Arena arena = Arena.ofShared();
  private final int participant;
  private final int domain;
  private final ReceiveLoop loop;
  private final DdsCounters counters = new DdsCounters();
  private final Map<String, Topic> topics = new HashMap<>();
  private final Map<String, MemorySegment> sertypes = new HashMap<>();
  private boolean closed;

  private DdsParticipant(Ddsc dds, int domainId, Optional<String> config, String name) {
    this.dds = dds;
    int createdDomain = 0;
    int pp = 0;
    try (Arena a = Arena.ofConfined()) {
      if (config.isPresent()) {
        int d = (int) dds.createDomain.invokeExact(domainId, a.allocateFrom(config.get()));
        if (d == Ddsc.RETCODE_PRECONDITION_NOT_MET) {
          LOG.log(System.Logger.Level.INFO, "DDS domain " + domainId + " already exists in this process; joining it"
              + " with its existing configuration");
        } else {
          createdDomain = dds.check(d, "dds_create_domain(" + domainId + ") with the given Cyclone configuration");
        }
      }
      MemorySegment qos = DdsQos.create(dds);
      try {
        DdsQos.entityName(dds, qos, name);
        pp = dds.check((int) dds.createParticipant.invokeExact(domainId, qos, MemorySegment.NULL),
            "dds_create_participant(domain " + domainId + ")");
      } finally {
        DdsQos.delete(dds, qos);
      }
      participant = pp;
      domain = (int) dds.getParent.invokeExact(pp);
      loop = new ReceiveLoop(dds, pp, "glimpse-dds-d" + domainId);
    } catch (Throwable t) {
      deleteQuietly(pp);
      deleteQuietly(createdDomain);
      throw t instanceof DdsException e ? e : new DdsException("creating the participant failed: " + t);
    }
    loop.start();
    LOG.log(System.Logger.Level.DEBUG, () -> "participant on domain " + domainId + " via " + dds.libraryName);
  }

  private void deleteQuietly(int entity) {
    if (entity <= 0) return;
    try {
      int rc = (int) dds.delete.invokeExact(entity);
      if (rc < 0) LOG.log(System.Logger.Level.DEBUG, () -> "dds_delete: " + dds.describe(rc));
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "dds_delete failed", t);
    }
  }

  /**
   * Opens a participant on {@code domainId}. With {@code config} (Cyclone XML, or {@code file://...}) the domain
   * is created with it; without, Cyclone reads {@code CYCLONEDDS_URI} as every ROS 2 node on the machine does.
   *
   * @param libraries library names or paths to try in order (see {@code LibraryLocator})
   */
  public static DdsParticipant open(List<String> libraries, int domainId, Optional<String> config, String name) {
    return new DdsParticipant(Ddsc.load(libraries), domainId, config, name);
  }

  /** The libddsc this participant runs on. */
  public String library() {
    return dds.libraryName;
  }

  public DdsCounters counters() {
    return counters;
  }

  /** A writer on DDS topic {@code name} (already {@code rt/}-prefixed) of {@code type}. */
  public synchronized RawWriter writer(String name, MessageType<?> type, QosProfile qos) {
    Topic t = topic(name, type);
    MemorySegment q = DdsQos.create(dds, qos);
    try {
      int w = dds.check((int) dds.createWriter.invokeExact(participant, t.entity(), q, MemorySegment.NULL),
          "dds_create_writer(" + name + ")");
      RawWriter writer = new RawWriter(dds, counters, t, w, loop);
      loop.attach(w, Ddsc.OFFERED_INCOMPATIBLE_QOS_STATUS | Ddsc.PUBLICATION_MATCHED_STATUS, b -> writer.onTriggered());
      return writer;
    } catch (DdsException e) {
      throw e;
    } catch (Throwable e) {
      throw new DdsException("dds_create_writer(" + name + ") failed: " + e);
    } finally {
      DdsQos.delete(dds, q);
    }
  }

  /** A reader on DDS topic {@code name}; {@code handler} runs on this participant's receive thread. */
  public synchronized RawReader reader(String name, MessageType<?> type, QosProfile qos,
      RawReader.SampleHandler handler) {
    Topic t = topic(name, type);
    MemorySegment q = DdsQos.create(dds, qos);
    try {
      int r = dds.check((int) dds.createReader.invokeExact(participant, t.entity(), q, MemorySegment.NULL),
          "dds_create_reader(" + name + ")");
      RawReader reader = new RawReader(dds, counters, t, r, handler, loop);
      loop.attach(r, RawReader.STATUS_MASK, reader::onTriggered);
      return reader;
    } catch (DdsException e) {
      throw e;
    } catch (Throwable e) {
      throw new DdsException("dds_create_reader(" + name + ") failed: " + e);
    } finally {
      DdsQos.delete(dds, q);
    }
  }

  private Topic topic(String name, MessageType<?> type) {
    if (closed) throw new IllegalStateException("participant is closed");
    Topic existing = topics.get(name);
    if (existing != null) {
      if (!existing.typeName().equals(type.ddsTypeName())) {
        throw new IllegalArgumentException("topic " + name + " already has type " + existing.typeName() + ", not "
            + type.ddsTypeName());
      }
      return existing;
    }
    OpsCompiler.Compiled c = OpsCompiler.compile(type.schema());
    MemorySegment descriptor = TopicDescriptors.allocate(arena, c);
    try {
      int entity = dds.check((int) dds.createTopic.invokeExact(participant, descriptor, arena.allocateFrom(name),
          MemorySegment.NULL, MemorySegment.NULL), "dds_create_topic(" + name + ", " + c.typeName() + ")");
      MemorySegment sertype = sertypes.get(c.typeName());
      if (sertype == null) {
        String probeName = "glimpse_sertype_probe/" + c.typeName().replace("::", "__");
        int probe = dds.check((int) dds.createTopic.invokeExact(participant, descriptor, arena.allocateFrom(probeName),
            MemorySegment.NULL, MemorySegment.NULL), "dds_create_topic(" + probeName + ")");
        sertype = bootstrapSertype(probe, c);
        sertypes.put(c.typeName(), sertype);
      }
      Topic t = new Topic(name, c.typeName(), entity, sertype);
      topics.put(name, t);
      return t;
    } catch (DdsException e) {
      throw e;
    } catch (Throwable e) {
      throw new DdsException("dds_create_topic(" + name + ") failed: " + e);
    }
  }

  private MemorySegment bootstrapSertype(int topic, OpsCompiler.Compiled c) throws Throwable {
    MemorySegment q = DdsQos.create(dds, QosProfile.RELIABLE);
    int pub = 0;
    int sub = 0;
    try (Arena a = Arena.ofConfined()) {
      DdsQos.partition(dds, q, PROBE_PARTITION);
      pub = dds.check((int) dds.createPublisher.invokeExact(participant, q, MemorySegment.NULL), "probe publisher");
      sub = dds.check((int) dds.createSubscriber.invokeExact(participant, q, MemorySegment.NULL), "probe subscriber");
      int w = dds.check((int) dds.createWriter.invokeExact(pub, topic, q, MemorySegment.NULL), "probe writer");
      int r = dds.check((int) dds.createReader.invokeExact(sub, topic, q, MemorySegment.NULL), "probe reader");
      MemorySegment zero = a.allocate(c.size(), c.align()); // zero-filled: empty strings and sequences
      dds.check((int) dds.write.invokeExact(w, zero), "probe dds_write");
      MemorySegment buf = a.allocate(ADDRESS);
      MemorySegment info = a.allocate(Ddsc.SAMPLE_INFO_SIZE, 8);
      // Local delivery happens inside dds_write, so the sample is already there.
      int n = dds.check((int) dds.takecdr.invokeExact(r, buf, 1, info, 0), "probe dds_takecdr");
      if (n != 1) throw new DdsException("sertype probe on " + c.typeName() + " took " + n + " samples, not 1");
      MemorySegment serdata = buf.get(ADDRESS, 0).reinterpret(Ddsc.SERDATA_TYPE_OFFSET + ADDRESS.byteSize());
      MemorySegment sertype = serdata.get(ADDRESS, Ddsc.SERDATA_TYPE_OFFSET);
      dds.serdataUnref.invokeExact(buf.get(ADDRESS, 0));
      if (sertype.equals(MemorySegment.NULL)) throw new DdsException("sertype probe found no type");
      return sertype;
    } finally {
      if (pub > 0) dds.check((int) dds.delete.invokeExact(pub), "deleting the probe publisher");
      if (sub > 0) dds.check((int) dds.delete.invokeExact(sub), "deleting the probe subscriber");
      DdsQos.delete(dds, q);
    }
  }

  /**
   * Stops the receive thread, deletes the participant (and with it every topic, reader and writer), and deletes
   * the domain when this was its last participant.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    loop.close();
    try {
      int rc = (int) dds.delete.invokeExact(participant);
      if (rc < 0) LOG.log(System.Logger.Level.WARNING, "dds_delete(participant): " + dds.describe(rc));
      if (domain > 0 && (int) dds.getChildren.invokeExact(domain, MemorySegment.NULL, 0L) == 0) {
        int d = (int) dds.delete.invokeExact(domain);
        if (d < 0) LOG.log(System.Logger.Level.DEBUG, () -> "dds_delete(domain): " + dds.describe(d));
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "closing the participant failed", t);
    }
    arena.close();
  }

  /** Descriptor memory layout, kept apart so that the ABI test can read it. */
  static final class TopicDescriptors {
    private TopicDescriptors() {}

    static MemorySegment allocate(Arena arena, OpsCompiler.Compiled c) {
      MemorySegment d = arena.allocate(Ddsc.TOPIC_DESCRIPTOR);
      d.set(JAVA_INT, offset("m_size"), c.size());
      d.set(JAVA_INT, offset("m_align"), c.align());
      d.set(JAVA_INT, offset("m_flagset"), 0); // no keys, no XTypes type information: peers match on the name
      d.set(JAVA_INT, offset("m_nkeys"), 0);
      d.set(ADDRESS, offset("m_typename"), arena.allocateFrom(c.typeName()));
      d.set(JAVA_INT, offset("m_nops"), c.instructions());
      d.set(ADDRESS, offset("m_ops"), arena.allocateFrom(JAVA_INT, c.ops()));
      d.set(ADDRESS, offset("m_meta"), arena.allocateFrom(""));
      return d;
    }

    static long offset(String field) {
      return Ddsc.TOPIC_DESCRIPTOR.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement(field));
    }
  }
}
