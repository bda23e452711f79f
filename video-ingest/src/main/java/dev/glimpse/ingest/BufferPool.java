package dev.glimpse.ingest;

import dev.glimpse.types.PixelBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers of one frame size, reused: the decoder writes into one, the frame carries it as a
 * {@link PixelBuffer}, and closing the frame brings it back. A steady stream allocates only as many buffers as
 * frames are alive at once (mailbox capacity + frames held downstream + the one being decoded). Buffers beyond
 * {@code maxIdle} that come back are left to the garbage collector, so a burst does not pin memory for good.
 * Thread-safe: buffers come back from whichever thread closes the frame.
 */
final class BufferPool {
  /**
   * Bytes allocated past the picture: swscale's vector code stores whole vectors and may write a little beyond the
   * last pixel of the last row when the row width is not a multiple of its vector width (seen at 252×168 RGB24:
   * heap corruption in glibc), so every buffer carries this margin that no frame ever exposes.
   */
  static final int SLACK = 4096;
  private final int bytes;
  private final int maxIdle;
  private final ConcurrentLinkedQueue<ByteBuffer> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private final AtomicLong allocated = new AtomicLong();

  BufferPool(int bytes, int maxIdle) {
    if (bytes <= 0) throw new IllegalArgumentException("buffer size must be positive: " + bytes);
    this.bytes = bytes;
    this.maxIdle = maxIdle;
  }

  /** Bytes per buffer. */
  int bytes() { return bytes; }

  /** A buffer of {@link #bytes()} bytes, position 0, limit = bytes: a recycled one if any, else a new one. */
  ByteBuffer acquire() {
    ByteBuffer b = idle.poll();
    if (b != null) {
      idleCount.decrementAndGet();
      return b.clear().limit(bytes);
    }
    allocated.incrementAndGet();
    return ByteBuffer.allocateDirect(bytes + SLACK).limit(bytes);
  }

  /** Hands a filled buffer over to a {@link PixelBuffer} that comes back here when its last owner closes it. */
  PixelBuffer wrap(ByteBuffer filled) {
    return PixelBuffer.viewOf(filled.clear().limit(bytes), this::recycle);
  }

  /** Takes a buffer back (one that was acquired but not wrapped, or one whose frame was closed). */
  void recycle(ByteBuffer b) {
    if (b.capacity() != bytes + SLACK) return;
    if (idleCount.incrementAndGet() <= maxIdle) {
      idle.add(b);
    } else {
      idleCount.decrementAndGet();
    }
  }

  /** Buffers allocated so far: stays flat in a steady stream (tests check it to catch leaks). */
  long allocated() { return allocated.get(); }
}
