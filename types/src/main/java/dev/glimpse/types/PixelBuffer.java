package dev.glimpse.types;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pixel memory with explicit ownership. Whoever holds a {@code PixelBuffer} owns one reference to it and must
 * {@link #close()} it once; {@link #retain()} adds a reference for a second owner. When the last reference is
 * closed, the memory goes back to whoever lent it (a pool of direct buffers, say) through the {@link Recycler}.
 *
 * <p>Names say what is shared and what is copied (house style rule 11, after cv_bridge's {@code toCvShare} /
 * {@code toCvCopy}): {@link #viewOf} wraps memory without copying, {@link #copyOf} copies into fresh heap memory,
 * {@link #view()} shares (valid until close), {@link #copyTo} and {@link #toByteArray()} copy. Nothing here copies
 * behind the caller's back.
 *
 * <p>The contents are read-only once wrapped: every view is a read-only {@link ByteBuffer}. Thread-safe.
 */
public final class PixelBuffer implements AutoCloseable {
  /** Takes memory back when the last reference to a buffer is closed, e.g. to return it to a pool. */
  @FunctionalInterface
  public interface Recycler {
    /** Leaves the memory to the garbage collector: for heap arrays nobody pools. */
    Recycler NONE = memory -> { };

    void recycle(ByteBuffer memory);
  }

  private final ByteBuffer memory; // position 0, limit = size; never handed out writable
  private final Recycler recycler;
  private final AtomicInteger refs = new AtomicInteger(1);

  private PixelBuffer(ByteBuffer memory, Recycler recycler) {
    this.memory = memory;
    this.recycler = recycler;
  }

  /**
   * Wraps {@code memory[position, limit)} without copying; the caller hands its ownership over. {@code recycler}
   * gets the same {@link ByteBuffer} object back when the last reference is closed.
   */
  public static PixelBuffer viewOf(ByteBuffer memory, Recycler recycler) {
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(recycler, "recycler");
    // the recycler gets the caller's buffer object back (pools match on identity), not our slice of it
    return new PixelBuffer(memory.slice(), slice -> recycler.recycle(memory));
  }

  /** A buffer over a copy of {@code src[position, limit)} in new heap memory; {@code src} is not changed. */
  public static PixelBuffer copyOf(ByteBuffer src) {
    ByteBuffer copy = ByteBuffer.allocate(src.remaining());
    copy.put(src.duplicate()).flip();
    return new PixelBuffer(copy, Recycler.NONE);
  }

  /** A buffer over a copy of {@code src} in new heap memory. */
  public static PixelBuffer copyOf(byte[] src) {
    return new PixelBuffer(ByteBuffer.wrap(src.clone()), Recycler.NONE);
  }

  /** Size in bytes. */
  public int size() { return memory.limit(); }

  /** Whether the memory is off-heap (then {@link #view()} can be handed to native code without a copy). */
  public boolean isDirect() { return memory.isDirect(); }

  /**
   * A read-only view of the pixels, sharing the memory (no copy): position 0, limit {@link #size()}. Valid only
   * until this buffer's last reference is closed; after that the memory may hold another frame.
   */
  public ByteBuffer view() {
    ensureOpen();
    return memory.asReadOnlyBuffer();
  }

  /** Copies {@code length} bytes starting at {@code from} into {@code dst[offset ...]}. */
  public void copyTo(int from, byte[] dst, int offset, int length) {
    ensureOpen();
    memory.get(from, dst, offset, length);
  }

  /** A copy of all bytes in a new array. */
  public byte[] toByteArray() {
    byte[] out = new byte[size()];
    copyTo(0, out, 0, out.length);
    return out;
  }

  /** Adds a reference for another owner, who must close it too; returns this buffer. */
  public PixelBuffer retain() {
    int before = refs.getAndUpdate(n -> n == 0 ? 0 : n + 1);
    if (before == 0) throw new IllegalStateException("pixel buffer already closed");
    return this;
  }

  /** Whether at least one reference is still open. */
  public boolean isOpen() { return refs.get() > 0; }

  /**
   * Closes one reference; the last one hands the memory back. Closing more often than {@link #retain()} + 1
   * throws, because it would release memory another owner is still reading.
   */
  @Override
  public void close() {
    int after = refs.updateAndGet(n -> n == 0 ? -1 : n - 1);
    if (after < 0) {
      refs.set(0);
      throw new IllegalStateException("pixel buffer closed more often than retained");
    }
    if (after == 0) recycler.recycle(memory);
  }

  private void ensureOpen() {
    if (refs.get() <= 0) throw new IllegalStateException("pixel buffer already closed");
  }
}
