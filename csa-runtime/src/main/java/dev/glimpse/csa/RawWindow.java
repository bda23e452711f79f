package dev.glimpse.csa;

/**
 * The raw sliding window: a ring of the last n_win kv rows (deepseek-spec.md §5, §8). Query t sees tokens
 * max(0, t−n_win+1) … t, so once token t is pushed the ring holds exactly what query t needs, and pushing token
 * t+1 drops only a row no later query can see. Memory: n_win·D floats, whatever the stream length.
 */
final class RawWindow {
  private final int capacity;   // n_win
  private final int width;      // D
  private final float[] rows;   // (n_win, D) ring; token p lives in slot p mod n_win
  private long count;           // tokens pushed = absolute position of the next token

  RawWindow(int capacity, int width) {
    this.capacity = capacity;
    this.width = width;
    this.rows = new float[capacity * width];
  }

  private RawWindow(RawWindow o) {
    capacity = o.capacity;
    width = o.width;
    rows = o.rows.clone();
    count = o.count;
  }

  /** Appends kv row src[off .. off+D) as token {@link #count()}. */
  void push(float[] src, int off) {
    System.arraycopy(src, off, rows, (int) (count % capacity) * width, width);
    count++;
  }

  long count() { return count; }

  /** First absolute position still held. */
  long first() { return Math.max(0, count - capacity); }

  /** Backing ring array. */
  float[] rows() { return rows; }

  /** Offset in {@link #rows()} of token {@code pos} (first() ≤ pos < count()). */
  int offsetOf(long pos) {
    assert pos >= first() && pos < count : pos + " outside [" + first() + ", " + count + ")";
    return (int) (pos % capacity) * width;
  }

  RawWindow copy() { return new RawWindow(this); }

  /** The ring slot offsets of every held row (for re-basing them in place). */
  void forEachHeld(java.util.function.IntConsumer offset) {
    for (long p = first(); p < count; p++) offset.accept(offsetOf(p));
  }
}
