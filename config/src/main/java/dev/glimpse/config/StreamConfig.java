package dev.glimpse.config;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One video source and how to ingest it. YAML: an item of {@code ingest.streams}.
 *
 * @param id the stream's name, unique: {@code [A-Za-z][A-Za-z0-9_]*}, at most 64 characters, because it becomes
 *     part of ROS topic names ({@code /glimpse/<id>/detections}) and of API paths. Required.
 * @param url where frames come from; see {@link SourceUrl} for the accepted forms. Required.
 * @param transport RTP transport for {@code rtsp://} (rtsps is always TCP). TCP survives NAT, firewalls and packet
 *     loss; UDP lowers latency on a clean link but a lost packet smears or loses a whole frame.
 * @param mailbox the queue between grabber and pipeline; its default depends on whether the source is live.
 * @param pacing how files, image folders and the simulator are replayed.
 * @param loop whether a replayed source starts over at its end (files, image folders and the simulator only).
 * @param openTimeout how long opening may take (connect, DESCRIBE/SETUP, first keyframe). Raising it lets slow
 *     cameras connect but delays noticing a dead one.
 * @param stallTimeout a grab slower than this closes and reopens the session (a frozen server otherwise blocks
 *     {@code grab} forever). Lowering it detects a frozen camera sooner but risks reconnecting a merely slow
 *     stream: keep it well above the frame interval and the keyframe interval.
 * @param reconnect retry schedule after an outage or a stall.
 * @param frameId ROS {@code header.frame_id} of this stream's messages: the camera's optical frame in your TF tree.
 *     No leading {@code /} (tf2 rejects it). Defaults to the stream id.
 * @param width output width in pixels, 0 = the source's own. Set with {@code height}. Lowering it saves decode,
 *     memory and encoder time but loses small, distant objects.
 * @param height output height in pixels, 0 = the source's own. Set with {@code width}.
 */
public record StreamConfig(
    String id, SourceUrl url, Transport transport, MailboxConfig mailbox, Pacing pacing, boolean loop,
    Duration openTimeout, Duration stallTimeout, BackoffConfig reconnect, String frameId, int width, int height) {

  public static final Transport DEFAULT_TRANSPORT = Transport.TCP;
  public static final Pacing DEFAULT_PACING = Pacing.REALTIME;
  public static final boolean DEFAULT_LOOP = false;
  public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(10);
  /** 2 s: 60 frame intervals at 30 fps and longer than common keyframe intervals, yet quick to recover. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(2);
  /** 0 = keep the source's size. */
  public static final int DEFAULT_WIDTH = 0;
  /** 0 = keep the source's size. */
  public static final int DEFAULT_HEIGHT = 0;
  /** Pattern of stream ids. */
  public static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  /** RTSP transport. */
  public enum Transport { TCP, UDP }

  /** Replay pacing of files, image folders and the simulator. */
  public enum Pacing {
    /** Frames are delivered at their timestamps, as a camera would. */
    REALTIME,
    /** As fast as the pipeline takes them (with the {@code all} mailbox, nothing is dropped). */
    FAST
  }

  public StreamConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(mailbox, "mailbox");
    Objects.requireNonNull(pacing, "pacing");
    Objects.requireNonNull(openTimeout, "openTimeout");
    Objects.requireNonNull(stallTimeout, "stallTimeout");
    Objects.requireNonNull(reconnect, "reconnect");
    Objects.requireNonNull(frameId, "frameId");
    Checks c = new Checks();
    c.require(ID.matcher(id).matches(), "id", "must match [A-Za-z][A-Za-z0-9_]*, at most 64 characters (it becomes "
        + "part of ROS topic names), got '" + id + "'");
    SourceKind kind = url.kind();
    c.require(transport == Transport.TCP || kind == SourceKind.RTSP, "transport",
        "udp applies only to rtsp:// streams, not " + kind.scheme());
    c.require(pacing == Pacing.REALTIME || !kind.isLive(), "pacing",
        "fast applies only to file, images and sim streams; a " + kind.scheme() + " stream runs at its own pace");
    c.require(!loop || !kind.isLive(), "loop", "applies only to file, images and sim streams, not " + kind.scheme());
    c.positive("open_timeout", openTimeout);
    c.positive("stall_timeout", stallTimeout);
    c.require(!frameId.isBlank() && !frameId.startsWith("/") && !frameId.matches(".*\\s.*"), "frame_id",
        "must be a non-empty tf2 frame id without a leading '/' or spaces, got '" + frameId + "'");
    c.inRange("width", width, 0, 16384);
    c.inRange("height", height, 0, 16384);
    c.require((width == 0) == (height == 0), width != 0 ? "width" : "height",
        "width and height must be set together (or neither, to keep the source's size)");
    c.throwIfAny("StreamConfig");
  }

  /** A stream with every optional setting at its default. */
  public static StreamConfig of(String id, SourceUrl url) {
    return new StreamConfig(id, url, DEFAULT_TRANSPORT, MailboxConfig.defaultFor(url.kind()), DEFAULT_PACING,
        DEFAULT_LOOP, DEFAULT_OPEN_TIMEOUT, DEFAULT_STALL_TIMEOUT, BackoffConfig.defaults(), id, DEFAULT_WIDTH,
        DEFAULT_HEIGHT);
  }

  /** Whether frames are resized to {@code width × height}. */
  public boolean resizes() {
    return width != 0;
  }
}
