package dev.glimpse.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Device memory of a fixed size (cuMemAlloc), freed on close. {@link #ptr} is the CUdeviceptr. */
public final class DeviceBuffer implements AutoCloseable {
  private final Driver driver;
  private final long ptr;
  private final long bytes;
  private boolean closed;

  private DeviceBuffer(Driver driver, long ptr, long bytes) {
    this.driver = driver;
    this.ptr = ptr;
    this.bytes = bytes;
  }

  /** At least one byte is allocated, so that every buffer has a distinct non-null address. */
  public static DeviceBuffer allocate(Driver driver, long bytes) {
    return new DeviceBuffer(driver, driver.malloc(Math.max(1, bytes)), bytes);
  }

  /** A new buffer holding a copy of {@code values} (blocks until the copy is done). */
  public static DeviceBuffer of(Driver driver, MemorySegment stream, float[] values) {
    return of(driver, stream, MemorySegment.ofArray(values));
  }

  /** A new buffer holding a copy of {@code values} (e.g. bf16 bits; blocks until the copy is done). */
  public static DeviceBuffer of(Driver driver, MemorySegment stream, short[] values) {
    return of(driver, stream, MemorySegment.ofArray(values));
  }

  /** A new buffer holding a copy of {@code values} (blocks until the copy is done). */
  public static DeviceBuffer of(Driver driver, MemorySegment stream, int[] values) {
    return of(driver, stream, MemorySegment.ofArray(values));
  }

  /** A new buffer holding a copy of {@code src}'s bytes (blocks until the copy is done). */
  public static DeviceBuffer of(Driver driver, MemorySegment stream, MemorySegment src) {
    DeviceBuffer b = allocate(driver, src.byteSize());
    b.upload(stream, src);
    return b;
  }

  /** Copies {@code values} to the start of this buffer and waits for the stream. */
  public void upload(MemorySegment stream, float[] values) {
    upload(stream, MemorySegment.ofArray(values));
  }

  /** Copies {@code src}'s bytes (staged in native memory) to the start of this buffer and waits for the stream. */
  private void upload(MemorySegment stream, MemorySegment src) {
    check(src.byteSize());
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocate(Math.max(1, src.byteSize()), 8);
      host.asSlice(0, src.byteSize()).copyFrom(src);
      driver.copyToDeviceAsync(ptr, host, src.byteSize(), stream);
      driver.streamSynchronize(stream);
    }
  }

  /** The first {@code n} floats of this buffer, waiting for the stream. */
  public float[] downloadFloats(MemorySegment stream, int n) {
    float[] out = new float[n];
    download(stream, MemorySegment.ofArray(out));
    return out;
  }

  /** The first {@code n} 16-bit values (bf16 bits) of this buffer, waiting for the stream. */
  public short[] downloadShorts(MemorySegment stream, int n) {
    short[] out = new short[n];
    download(stream, MemorySegment.ofArray(out));
    return out;
  }

  /** Fills {@code dst} from the start of this buffer (staged in native memory), waiting for the stream. */
  private void download(MemorySegment stream, MemorySegment dst) {
    long bytes = dst.byteSize();
    check(bytes);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocate(Math.max(1, bytes), 8);
      driver.copyToHostAsync(host, ptr, bytes, stream);
      driver.streamSynchronize(stream);
      dst.copyFrom(host.asSlice(0, bytes));
    }
  }

  private void check(long n) {
    if (closed) throw new IllegalStateException("device buffer already freed");
    if (n > bytes) throw new IllegalArgumentException(n + " bytes do not fit a buffer of " + bytes);
  }

  public long ptr() { return ptr; }

  public long bytes() { return bytes; }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    driver.free(ptr);
  }
}
