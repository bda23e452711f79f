package dev.glimpse.ros.msg;

import dev.glimpse.ros.cdr.CdrReader;
import dev.glimpse.ros.cdr.CdrWriter;
import dev.glimpse.ros.cdr.MalformedSampleException;
import dev.glimpse.types.Stamp;
import java.util.Objects;

/**
 * {@code std_msgs/Header}: {@code builtin_interfaces/Time stamp} ({@code int32 sec}, {@code uint32 nanosec}) and
 * {@code string frame_id}. Everything the bridge publishes about a frame carries that frame's header.
 */
public record Header(Stamp stamp, String frameId) {
  public Header {
    Objects.requireNonNull(stamp, "stamp");
    Objects.requireNonNull(frameId, "frameId");
  }

  /** Writes {@code builtin_interfaces/Time}; ROS time is int32 seconds, so stamps past 2038 do not fit. */
  public static void writeTime(CdrWriter w, Stamp t) {
    if (t.sec() < Integer.MIN_VALUE || t.sec() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("stamp seconds " + t.sec() + " do not fit builtin_interfaces/Time int32 sec");
    }
    w.i32((int) t.sec()).i32(t.nanosec());
  }

  public static Stamp readTime(CdrReader r) throws MalformedSampleException {
    int sec = r.i32();
    long nanosec = r.u32();
    if (nanosec >= 1_000_000_000L) throw new MalformedSampleException("Time.nanosec " + nanosec + " ≥ 1e9");
    return new Stamp(sec, (int) nanosec);
  }

  public static void write(CdrWriter w, Header h) {
    writeTime(w, h.stamp);
    w.string(h.frameId);
  }

  public static Header read(CdrReader r) throws MalformedSampleException {
    Stamp stamp = readTime(r);
    return new Header(stamp, r.string());
  }
}
