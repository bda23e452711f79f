package dev.glimpse.ros;

import dev.glimpse.config.QosProfile;
import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.MalformedSampleException;
import dev.glimpse.ros.dds.DdsCounters;
import dev.glimpse.ros.dds.DdsParticipant;
import dev.glimpse.ros.dds.RawReader;
import dev.glimpse.ros.msg.Detection2DArray;
import dev.glimpse.ros.msg.DiagnosticArray;
import dev.glimpse.ros.msg.DiagnosticArray.DiagnosticStatus;
import dev.glimpse.ros.msg.Header;
import dev.glimpse.ros.msg.LabelInfo;
import dev.glimpse.ros.msg.MessageType;
import dev.glimpse.ros.msg.RosTypes;
import dev.glimpse.types.Stamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Glimpse's node in a ROS 2 graph, spoken directly over DDS: Java 25's FFM API drives Cyclone DDS ({@code libddsc}),
 * the same DDS that rmw_cyclonedds uses, with ROS 2's topic and type naming ({@code rt/<topic>},
 * {@code <pkg>::msg::dds_::<Msg>_}) and CDR written and read in Java. No ROS install, no generated code.
 *
 * <p>Out: per-stream {@code vision_msgs/Detection2DArray} and latched {@code LabelInfo} ({@link #stream}),
 * {@code diagnostic_msgs/DiagnosticArray} ({@link #publishDiagnostics}). In: {@code sensor_msgs/Image} and
 * {@code CompressedImage} as {@link RosImage}s, and {@code std_msgs/String} queries. Any other supported type
 * through {@link #publisher} / {@link #subscribe}.
 *
 * <p>Callbacks run on the bridge's receive thread ({@code glimpse-dds-d<domain>}); hand work off quickly. A
 * sample that does not decode is dropped and counted, never passed on or thrown.
 */
public final class RosBridge implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RosBridge.class.getName());
  private static final Consumer<MalformedSampleException> DROPPED_QUIETLY = e -> { };

  private final RosBridgeConfig config;
  private final DdsParticipant participant;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private Publisher<DiagnosticArray> diagnostics;

  private RosBridge(RosBridgeConfig config, DdsParticipant participant) {
    this.config = config;
    this.participant = participant;
  }

  /** Joins the ROS 2 graph of {@code config}, finding libddsc from the process environment. */
  public static RosBridge open(RosBridgeConfig config) {
    return open(config, System.getenv());
  }

  /** As {@link #open(RosBridgeConfig)}, with the environment given (for {@link LibraryLocator}). */
  public static RosBridge open(RosBridgeConfig config, Map<String, String> env) {
    List<String> libraries = LibraryLocator.candidates(config.library(), env);
    DdsParticipant p = DdsParticipant.open(libraries, config.domainId(), config.cycloneConfig(), config.nodeName());
    LOG.log(System.Logger.Level.INFO, "ROS 2 bridge '" + config.nodeName() + "' on domain " + config.domainId()
        + ", namespace " + config.namespace() + ", " + p.library()
        + (config.cycloneConfig().isPresent() ? ", own Cyclone config" : ", Cyclone config from CYCLONEDDS_URI"));
    return new RosBridge(config, p);
  }

  public RosBridgeConfig config() {
    return config;
  }

  /** The libddsc in use. */
  public String library() {
    return participant.library();
  }

  /** A publisher on {@code topic} (relative names resolve in the namespace) of {@code type}. */
  public synchronized <T> Publisher<T> publisher(String topic, MessageType<T> type, QosProfile qos) {
    String fq = config.resolve(topic, "");
    Publisher<T> p = new Publisher<>(fq, type, participant.writer(RosBridgeConfig.ddsTopicName(fq), type, qos));
    owned.add(p);
    return p;
  }

  /**
   * Subscribes to {@code topic}; {@code callback} gets each decoded message on the receive thread. Samples that do
   * not decode are dropped and counted.
   */
  public synchronized <T> Subscription subscribe(String topic, MessageType<T> type, QosProfile qos,
      Consumer<? super T> callback) {
    Objects.requireNonNull(callback, "callback");
    return subscribeRaw(topic, type, qos, decoding(type, m -> m, callback, DROPPED_QUIETLY));
  }

  /** The detections and label-info publishers of {@code stream}, on the configured topics and QoS. */
  public synchronized StreamPublisher stream(String stream) {
    Publisher<Detection2DArray> d = publisher(config.detectionsTopic(stream),
        RosTypes.DETECTION2D_ARRAY, config.qos().detections());
    Publisher<LabelInfo> l = publisher(config.labelInfoTopic(stream), RosTypes.LABEL_INFO,
        config.qos().labelInfo());
    return new StreamPublisher(stream, d, l);
  }

  /**
   * Publishes the caller's statuses plus the bridge's own on the diagnostics topic ({@code /diagnostics}).
   * Build statuses with {@link DiagnosticsMapping#status} from a key → value map.
   */
  public boolean publishDiagnostics(Stamp stamp, List<DiagnosticStatus> statuses) {
    Publisher<DiagnosticArray> p;
    synchronized (this) {
      if (diagnostics == null) {
        diagnostics = publisher(config.diagnosticsTopic(), RosTypes.DIAGNOSTIC_ARRAY, config.qos().diagnostics());
      }
      p = diagnostics;
    }
    List<DiagnosticStatus> all = new ArrayList<>(statuses);
    all.add(DiagnosticsMapping.bridgeStatus(config.nodeName(), participant.library(), participant.counters()));
    return p.publish(new DiagnosticArray(new Header(stamp, ""), all));
  }

  /** Frames from a {@code sensor_msgs/Image} topic (rgb8, bgr8, mono8), with the images QoS (REP-2003 sensor data). */
  public Subscription subscribeImages(String topic, Consumer<RosImage> frames) {
    Objects.requireNonNull(frames, "frames");
    return subscribeImages(topic, RosImageSource.Kind.RAW,
        imageDecoding(RosImageSource.Kind.RAW, frames, DROPPED_QUIETLY));
  }

  /** Frames from a {@code sensor_msgs/CompressedImage} topic (jpeg, png), decoded with javax.imageio. */
  public Subscription subscribeCompressedImages(String topic, Consumer<RosImage> frames) {
    Objects.requireNonNull(frames, "frames");
    return subscribeImages(topic, RosImageSource.Kind.COMPRESSED,
        imageDecoding(RosImageSource.Kind.COMPRESSED, frames, DROPPED_QUIETLY));
  }

  /** An image topic of {@code kind} with the images QoS; each sample goes to {@code handler} ({@link #imageDecoding}). */
  Subscription subscribeImages(String topic, RosImageSource.Kind kind, RawReader.SampleHandler handler) {
    return subscribeRaw(topic, kind == RosImageSource.Kind.RAW ? RosTypes.IMAGE : RosTypes.COMPRESSED_IMAGE,
        config.qos().images(), handler);
  }

  /**
   * The receive thread's work for one sample of an image topic: CDR → Image or CompressedImage → {@link RosImage}
   * ({@link ImageDecoding}) → {@code frames}. A sample that does not decode goes to {@code dropped} instead, and is
   * then counted as malformed by the reader ({@link #counters()}).
   */
  static RawReader.SampleHandler imageDecoding(RosImageSource.Kind kind, Consumer<RosImage> frames,
      Consumer<MalformedSampleException> dropped) {
    return kind == RosImageSource.Kind.RAW ? decoding(RosTypes.IMAGE, ImageDecoding::fromImage, frames, dropped)
        : decoding(RosTypes.COMPRESSED_IMAGE, ImageDecoding::fromCompressed, frames, dropped);
  }

  /** Queries ({@code std_msgs/String}) from the query topic ({@code /glimpse/query} by default). */
  public Subscription subscribeQueries(Consumer<String> queries) {
    return subscribe(config.queryTopic(), RosTypes.STRING, config.qos().query(), queries);
  }

  /** Counters of everything written and taken so far. */
  public DdsCounters counters() {
    return participant.counters();
  }

  /** Closes every publisher and subscription, then leaves the graph. */
  @Override
  public synchronized void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
      }
    }
    owned.clear();
    participant.close();
  }

  /** A decoding step after CDR that may find the message invalid. */
  @FunctionalInterface
  interface Check<T, R> {
    R apply(T message) throws MalformedSampleException;
  }

  /** Subscribes {@code handler} to {@code topic}; the samples it rejects as malformed are counted by the reader. */
  private synchronized Subscription subscribeRaw(String topic, MessageType<?> type, QosProfile qos,
      RawReader.SampleHandler handler) {
    String fq = config.resolve(topic, "");
    Subscription s = new Subscription(fq, participant.reader(RosBridgeConfig.ddsTopicName(fq), type, qos, handler));
    owned.add(s);
    return s;
  }

  /**
   * CDR → message → a further checked conversion → callback. A sample that does not decode goes to {@code dropped}
   * and is rethrown, so that the reader counts and logs it; the callback never sees it.
   */
  private static <T, R> RawReader.SampleHandler decoding(MessageType<T> type, Check<? super T, ? extends R> convert,
      Consumer<? super R> callback, Consumer<MalformedSampleException> dropped) {
    return cdr -> {
      R value;
      try {
        value = convert.apply(type.decode(CdrReader.open(cdr)));
      } catch (MalformedSampleException e) {
        dropped.accept(e);
        throw e;
      }
      callback.accept(value);
    };
  }
}
