package dev.glimpse.ros;

import dev.glimpse.ingest.FrameSource;
import dev.glimpse.ingest.SourceException;
import dev.glimpse.ingest.SourceInfo;
import dev.glimpse.ingest.SourceOpener;
import dev.glimpse.ros.cdr.MalformedSampleException;
import dev.glimpse.ros.dds.RawReader;
import dev.glimpse.types.Frame;
import dev.glimpse.types.PixelBuffer;
import dev.glimpse.types.PixelFormat;
import dev.glimpse.types.Stamp;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A ROS 2 image topic as a video-ingest {@link FrameSource}: {@code sensor_msgs/Image} (rgb8, bgr8, mono8) or
 * {@code sensor_msgs/CompressedImage} (jpeg, png), subscribed through a {@link RosBridge} with the images QoS
 * (REP-2003: best effort, keep last 5).
 *
 * <p><b>Buffering.</b> An image topic is live: the bridge's receive thread puts each decoded image in a bounded
 * mailbox of {@code capacity} images (default 1). When it is full the oldest image is dropped and counted
 * ({@link #drops()}): the newest image always wins, and the receive thread never waits for the consumer.
 *
 * <p><b>Bad samples.</b> A sample on the topic that does not decode into an image (truncated, a length past its
 * end, an encoding we do not take, pixel data that does not fill width × height, a corrupt JPEG) is dropped and
 * counted here ({@link #malformed()}) as well as by the bridge; the images before and after it are unaffected. As a
 * {@link FrameSource}, each frame reports the samples dropped since the previous one as {@code corrupt}, as ingest
 * counts a video's damaged frames.
 *
 * <p><b>Two ways to read.</b> {@link #take(Duration)} / {@link #poll()} give a complete {@link Frame}: stream id,
 * sequence (+1 per frame delivered; a gap = frames dropped here), capture time = the ROS header stamp
 * ({@link Frame#stamp()}) and the monotonic time the sample was received ({@link Frame#monotonicNanos()}), frame_id
 * from the header, size and pixel format, pixels converted into a direct buffer owned by the frame. As a
 * {@link FrameSource} ({@link #next(ByteBuffer)}, e.g. from a {@link SourceOpener} of {@link #opener}), the pixels
 * go into the caller's buffer and the header stamp comes back as the PTS (µs since the epoch); the caller builds
 * the frame. A source whose image size changes ends its session with a {@link SourceException} (not permanent),
 * as "a source whose size changes is reopened" says in ingest.
 *
 * <p>Pixels are converted to the requested {@link PixelFormat} (channel swap rgb ↔ bgr, grey replicated to colour,
 * colour to grey with BT.601 luma); compressed images arrive from {@link ImageDecoding} as bgr8 or mono8.
 */
public final class RosImageSource implements FrameSource {
  /** Which message type the topic carries. */
  public enum Kind {
    /** {@code sensor_msgs/msg/Image}. */
    RAW,
    /** {@code sensor_msgs/msg/CompressedImage}. */
    COMPRESSED
  }

  /**
   * How to subscribe.
   *
   * @param streamId         the stream id of the frames
   * @param format           the pixel format frames are delivered in
   * @param capacity         images held for the consumer (≥ 1); the oldest is dropped when full
   * @param firstImageTimeout how long {@link #awaitFirst} and {@link #info()} wait for the first image
   */
  public record Options(String streamId, PixelFormat format, int capacity, Duration firstImageTimeout) {
    public Options {
      Objects.requireNonNull(streamId, "streamId");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(firstImageTimeout, "firstImageTimeout");
      if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }

    /** RGB24, newest image only, 10 s for the first image. */
    public static Options of(String streamId) {
      return new Options(streamId, PixelFormat.RGB24, 1, Duration.ofSeconds(10));
    }

    public Options withFormat(PixelFormat f) { return new Options(streamId, f, capacity, firstImageTimeout); }

    public Options withCapacity(int c) { return new Options(streamId, format, c, firstImageTimeout); }

    public Options withFirstImageTimeout(Duration t) { return new Options(streamId, format, capacity, t); }
  }

  /** An image as it arrived, with its receive time and how many malformed samples the topic had sent by then. */
  private record Received(RosImage image, long monotonicNanos, long malformedSoFar) {}

  private final String topic;
  private final Kind kind;
  private final Options options;
  private final LongSupplier monotonic;
  private final ArrayDeque<Received> mailbox = new ArrayDeque<>();
  private final RawReader.SampleHandler handler;
  private final Subscription subscription;
  private long received;
  private long drops;
  private long malformed;
  private long malformedReported; // by next(), as Decoded.corrupt
  private long sequence;
  private boolean closed;
  private RosImage first; // fixes info() for the session

  private RosImageSource(RosBridge ros, String topic, Kind kind, Options options, LongSupplier monotonic) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.options = Objects.requireNonNull(options, "options");
    this.monotonic = Objects.requireNonNull(monotonic, "monotonic");
    this.handler = RosBridge.imageDecoding(kind, this::offer, this::dropped);
    this.subscription = ros.subscribeImages(topic, kind, handler);
  }

  /** Subscribes to {@code topic} (relative names resolve in the bridge's namespace); frames start arriving now. */
  public static RosImageSource subscribe(RosBridge ros, String topic, Kind kind, Options options) {
    return new RosImageSource(ros, topic, kind, options, System::nanoTime);
  }

  /** As {@link #subscribe(RosBridge, String, Kind, Options)}, with the monotonic clock injected. */
  public static RosImageSource subscribe(RosBridge ros, String topic, Kind kind, Options options, LongSupplier monotonicNanos) {
    return new RosImageSource(ros, topic, kind, options, monotonicNanos);
  }

  /**
   * Opens sessions on {@code topic} for a grab loop: each call subscribes and waits for the first image
   * ({@link Options#firstImageTimeout()}); none in time is a {@link SourceException} that retrying can fix. Of the
   * spec only its pixel format is used (a null spec keeps the options' format); the topic and options say the rest.
   */
  public static SourceOpener opener(RosBridge ros, String topic, Kind kind, Options options) {
    return spec -> {
      RosImageSource s = subscribe(ros, topic, kind, spec == null ? options : options.withFormat(spec.format()));
      try {
        s.awaitFirst(options.firstImageTimeout());
        return s;
      } catch (SourceException | RuntimeException e) {
        s.close();
        throw e;
      } catch (InterruptedException e) {
        s.close();
        Thread.currentThread().interrupt();
        throw new SourceException(s.name(), "interrupted while waiting for the first image", false, e);
      }
    };
  }

  /** The fully qualified ROS topic. */
  public String topic() { return subscription.topic(); }

  /** The subscription (matched publishers, waiting for a publisher). */
  public Subscription subscription() { return subscription; }

  /** Images received from the topic (decoded ones; malformed samples are counted in {@link #malformed()}). */
  public synchronized long received() { return received; }

  /** Samples on the topic dropped because they did not decode into an image (also counted by the bridge). */
  public synchronized long malformed() { return malformed; }

  /** Images dropped because the mailbox was full (the consumer was slower than the topic). */
  public synchronized long drops() { return drops; }

  /** Images waiting in the mailbox. */
  public synchronized int queued() { return mailbox.size(); }

  /**
   * What the receive thread runs for each sample of the topic (serialized, encapsulation header included): decodes
   * it and offers the image, or counts it as malformed and rethrows, for the bridge to count. Tests feed samples
   * through it directly.
   */
  void onSample(MemorySegment cdr) throws Exception {
    handler.onSample(cdr);
  }

  /** Receive thread: newest wins. Never blocks. */
  private void offer(RosImage image) {
    long now = monotonic.getAsLong();
    synchronized (this) {
      if (closed) return;
      received++;
      if (first == null) first = image;
      while (mailbox.size() >= options.capacity()) {
        mailbox.pollFirst();
        drops++;
      }
      mailbox.addLast(new Received(image, now, malformed));
      notifyAll();
    }
  }

  /** Receive thread: a sample that did not decode. */
  private synchronized void dropped(MalformedSampleException e) {
    if (!closed) malformed++;
  }

  /**
   * Waits until the first image arrived; {@link #info()} describes it from then on.
   *
   * @throws SourceException (not permanent) when none arrives within {@code timeout}, or the source is closed
   */
  public synchronized void awaitFirst(Duration timeout) throws SourceException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (first == null && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SourceException(name(), "no image within " + timeout.toMillis() + " ms (" + subscription.publishers()
            + " publishers matched)", false);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    if (first == null) throw new SourceException(name(), "closed", false);
  }

  /**
   * The session's size and format, from the first image (waited for up to {@link Options#firstImageTimeout()}).
   *
   * @throws IllegalStateException when no image arrived in that time
   */
  @Override
  public SourceInfo info() {
    RosImage f;
    try {
      awaitFirst(options.firstImageTimeout());
      synchronized (this) {
        f = first;
      }
    } catch (SourceException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name() + ": interrupted while waiting for the first image", e);
    }
    String codec = kind == Kind.RAW ? f.encoding().rosName() : "compressed";
    return new SourceInfo(codec, "ros2", f.width(), f.height(), options.format(), 0, -1, f.width(), f.height());
  }

  /**
   * The next frame, waiting up to {@code timeout} for one; null on timeout or after {@link #close()}. The caller owns
   * the frame and closes it.
   */
  public Frame take(Duration timeout) throws InterruptedException {
    Received r = await(timeout.toNanos());
    return r == null ? null : frame(r);
  }

  /** The next frame if one is waiting, else null. Never blocks. */
  public Frame poll() {
    Received r;
    synchronized (this) {
      r = mailbox.pollFirst();
    }
    return r == null ? null : frame(r);
  }

  private Frame frame(Received r) {
    RosImage img = r.image();
    PixelFormat fmt = options.format();
    ByteBuffer buf = ByteBuffer.allocateDirect(fmt.imageBytes(img.width(), img.height()));
    convert(img, fmt, buf);
    long seq;
    synchronized (this) {
      seq = sequence++;
    }
    return new Frame(options.streamId(), img.frameId(), seq, r.monotonicNanos(), img.stamp(), micros(img.stamp()),
        img.width(), img.height(), fmt.rowBytes(img.width()), fmt, PixelBuffer.viewOf(buf, PixelBuffer.Recycler.NONE));
  }

  /**
   * FrameSource: converts the next image into {@code dst}. Waits up to the first-image timeout for one; returns null
   * when none came (the grab loop treats a live source's null as a lost session and reopens) or when closed.
   *
   * @return the header stamp as PTS (µs since the epoch); as corrupt, the samples dropped as malformed since the
   *     previous frame
   * @throws SourceException (not permanent) when the image size differs from {@link #info()}'s
   */
  @Override
  public Decoded next(ByteBuffer dst) throws SourceException {
    SourceInfo info = info();
    Received r;
    try {
      r = await(options.firstImageTimeout().toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    if (r == null) return null;
    RosImage img = r.image();
    if (img.width() != info.width() || img.height() != info.height()) {
      throw new SourceException(name(), "image size changed from " + info.width() + "x" + info.height() + " to "
          + img.width() + "x" + img.height(), false);
    }
    long corrupt;
    synchronized (this) {
      sequence++;
      corrupt = r.malformedSoFar() - malformedReported;
      malformedReported = r.malformedSoFar();
    }
    convert(img, options.format(), dst);
    return new Decoded(micros(img.stamp()), (int) Math.min(Integer.MAX_VALUE, corrupt), false);
  }

  private synchronized Received await(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (mailbox.isEmpty() && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return mailbox.pollFirst();
  }

  /** Closes the subscription; waiting readers return null; queued images are discarded. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
      mailbox.clear();
      notifyAll();
    }
    subscription.close();
  }

  private String name() { return "ros2 topic " + topic; }

  private static long micros(Stamp s) { return Math.floorDiv(s.toNanos(), 1000L); }

  /** Writes {@code img}'s pixels as {@code fmt}, packed, at {@code dst}'s position 0 onwards (position unchanged). */
  static void convert(RosImage img, PixelFormat fmt, ByteBuffer dst) {
    byte[] p = img.pixels();
    int n = img.width() * img.height();
    RosImage.Encoding enc = img.encoding();
    boolean same = switch (fmt) {
      case RGB24 -> enc == RosImage.Encoding.RGB8;
      case BGR24 -> enc == RosImage.Encoding.BGR8;
      case GRAY8 -> enc == RosImage.Encoding.MONO8;
    };
    if (same) {
      dst.put(0, p, 0, p.length);
      return;
    }
    if (fmt == PixelFormat.GRAY8) { // colour → luma (BT.601, integer)
      int r0 = enc == RosImage.Encoding.RGB8 ? 0 : 2;
      int b0 = 2 - r0;
      byte[] out = new byte[n];
      for (int i = 0, j = 0; i < n; i++, j += 3) {
        int r = p[j + r0] & 0xff, g = p[j + 1] & 0xff, b = p[j + b0] & 0xff;
        out[i] = (byte) ((77 * r + 150 * g + 29 * b + 128) >> 8);
      }
      dst.put(0, out, 0, n);
      return;
    }
    byte[] out = new byte[n * 3];
    if (enc == RosImage.Encoding.MONO8) { // grey → colour
      for (int i = 0, j = 0; i < n; i++, j += 3) out[j] = out[j + 1] = out[j + 2] = p[i];
    } else { // rgb ↔ bgr
      for (int j = 0; j < n * 3; j += 3) {
        out[j] = p[j + 2];
        out[j + 1] = p[j + 1];
        out[j + 2] = p[j];
      }
    }
    dst.put(0, out, 0, out.length);
  }

  @Override
  public String toString() {
    return "RosImageSource[" + topic + " " + kind + " → " + options.streamId() + "]";
  }
}
