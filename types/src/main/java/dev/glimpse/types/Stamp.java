package dev.glimpse.types;

/**
 * A capture time as ROS 2 carries it (builtin_interfaces/Time): seconds and nanoseconds since the epoch of the
 * clock that stamped the frame. Always copied from the source frame onto everything derived from it.
 */
public record Stamp(long sec, int nanosec) implements Comparable<Stamp> {
  public Stamp {
    if (nanosec < 0 || nanosec >= 1_000_000_000) throw new IllegalArgumentException("nanosec out of range: " + nanosec);
  }

  public static Stamp ofNanos(long nanos) {
    return new Stamp(Math.floorDiv(nanos, 1_000_000_000L), (int) Math.floorMod(nanos, 1_000_000_000L));
  }

  public long toNanos() { return sec * 1_000_000_000L + nanosec; }

  @Override
  public int compareTo(Stamp o) { return Long.compare(toNanos(), o.toNanos()); }
}
