package dev.glimpse.tracker;

/**
 * Where track ids come from. Injected through the tracker's constructor so that a replay gives the same ids bit
 * for bit, and reset with the tracker so that every video starts again at the same id (ByteTrack keeps a global
 * {@code BaseTrack._count}, which supervision #789 and boxmot #1425 report as ids that never restart).
 *
 * <p>Not thread-safe: a tracker and its id source belong to one thread at a time.
 */
public interface IdSource {

  /** The next id; ids handed out between two resets are distinct. */
  long next();

  /** Returns to the initial state: the next {@link #next()} answers what the first one did. */
  void reset();

  /** Ids 1, 2, 3, … (MOTChallenge and {@link dev.glimpse.types.Track} ids are 1-based). */
  static IdSource sequential() { return new Sequential(1); }

  /** Ids {@code first}, {@code first + 1}, … */
  static IdSource startingAt(long first) { return new Sequential(first); }

  /** A counter; the only state is the next id. */
  final class Sequential implements IdSource {
    private final long first;
    private long next;

    Sequential(long first) {
      this.first = first;
      this.next = first;
    }

    @Override
    public long next() { return next++; }

    @Override
    public void reset() { next = first; }
  }
}
