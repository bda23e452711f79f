package dev.glimpse.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory (cuMemHostAlloc), the source or target of asynchronous copies (and of the copy nodes of a
 * captured graph, which keep its address). Freed on close.
 */
public final class PinnedBuffer implements AutoCloseable {
  private final Driver driver;
  private final MemorySegment segment;
  private boolean closed;

  public PinnedBuffer(Driver driver, long bytes) {
    this.driver = driver;
    this.segment = driver.hostAlloc(Math.max(1, bytes));
  }

  /** The memory, as a segment of the requested size. */
  public MemorySegment segment() { return segment; }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    driver.hostFree(segment);
  }
}
