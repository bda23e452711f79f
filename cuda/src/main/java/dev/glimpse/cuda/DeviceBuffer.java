package dev.glimpse.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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
    DeviceBuffer b = allocate(driver, 4L * values.length);
    b.upload(stream, values);
    return b;
  }

  /** A new buffer holding a copy of {@code values} (e.g. bf16 bits; blocks until the copy is done). */
  public static DeviceBuffer of(Driver driver, MemorySegment stream, short[] values) {
    DeviceBuffer b = allocate(driver, 2L * values.length);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocateFrom(ValueLayout.JAVA_SHORT, values);
      driver.copyToDeviceAsync(b.ptr, host, host.byteSize(), stream);
      driver.streamSynchronize(stream);
    }
    return b;
  }

  /** A new buffer holding a copy of {@code values} (blocks until the copy is done). */
  public static DeviceBuffer of(Driver driver, MemorySegment stream, int[] values) {
    DeviceBuffer b = allocate(driver, 4L * values.length);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocateFrom(ValueLayout.JAVA_INT, values);
      driver.copyToDeviceAsync(b.ptr, host, host.byteSize(), stream);
      driver.streamSynchronize(stream);
    }
    return b;
  }

  /** Copies {@code values} to the start of this buffer and waits for the stream. */
  public void upload(MemorySegment stream, float[] values) {
    check(4L * values.length);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocateFrom(ValueLayout.JAVA_FLOAT, values);
      driver.copyToDeviceAsync(ptr, host, host.byteSize(), stream);
      driver.streamSynchronize(stream);
    }
  }

  /** Copies {@code bytes} from the start of this buffer into a new byte array, waiting for the stream. */
  public byte[] downloadBytes(MemorySegment stream, long n) {
    check(n);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocate(Math.max(1, n));
      driver.copyToHostAsync(host, ptr, n, stream);
      driver.streamSynchronize(stream);
      return host.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }
  }

  /** The first {@code n} floats of this buffer, waiting for the stream. */
  public float[] downloadFloats(MemorySegment stream, int n) {
    check(4L * n);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocate(4L * Math.max(1, n), 8);
      driver.copyToHostAsync(host, ptr, 4L * n, stream);
      driver.streamSynchronize(stream);
      return host.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_FLOAT);
    }
  }

  /** The first {@code n} 16-bit values (bf16 bits) of this buffer, waiting for the stream. */
  public short[] downloadShorts(MemorySegment stream, int n) {
    check(2L * n);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocate(2L * Math.max(1, n), 8);
      driver.copyToHostAsync(host, ptr, 2L * n, stream);
      driver.streamSynchronize(stream);
      return host.asSlice(0, 2L * n).toArray(ValueLayout.JAVA_SHORT);
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
