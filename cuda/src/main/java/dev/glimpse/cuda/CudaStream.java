package dev.glimpse.cuda;

import java.lang.foreign.MemorySegment;

/** A non-blocking CUDA stream with two timing events; destroyed on close. */
public final class CudaStream implements AutoCloseable {
  private final Driver driver;
  private final MemorySegment handle;
  private final MemorySegment start;
  private final MemorySegment end;
  private boolean closed;

  public CudaStream(Driver driver) {
    this.driver = driver;
    this.handle = driver.streamCreate(Driver.STREAM_NON_BLOCKING);
    this.start = driver.eventCreate(0);
    this.end = driver.eventCreate(0);
  }

  public MemorySegment handle() { return handle; }

  public void synchronize() { driver.streamSynchronize(handle); }

  /** Records the start event (for {@link #elapsedMs}). */
  public void markStart() { driver.eventRecord(start, handle); }

  /** Records the end event. */
  public void markEnd() { driver.eventRecord(end, handle); }

  /** GPU milliseconds between the last start and end marks; waits for the end mark. */
  public float elapsedMs() {
    driver.eventSynchronize(end);
    return driver.elapsedMs(start, end);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    driver.eventDestroy(start);
    driver.eventDestroy(end);
    driver.streamDestroy(handle);
  }
}
