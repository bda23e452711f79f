package dev.glimpse.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A loaded CUDA module (CUBIN or PTX) and its kernels by name; unloaded on close. */
public final class KernelModule implements AutoCloseable {
  private final Driver driver;
  private final MemorySegment module;
  private final String description;
  private final Map<String, Kernel> kernels = new HashMap<>();
  private boolean closed;

  KernelModule(Driver driver, MemorySegment module, String description) {
    this.driver = driver;
    this.module = module;
    this.description = description;
  }

  /** The kernel {@code name} (an extern "C" __global__ function), or an exception naming the module. */
  public synchronized Kernel kernel(String name) {
    return kernels.computeIfAbsent(name, n -> new Kernel(driver, n, driver.function(module, n)));
  }

  /** Looks up every name now, so that a missing kernel fails at load rather than at first use. */
  public void require(List<String> names) {
    for (String n : names) kernel(n);
  }

  /** How the image was obtained (compiled or cached, for which architecture). */
  public String description() { return description; }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    driver.moduleUnload(module);
  }

  /**
   * One kernel. {@link #launch} takes the arguments in the kernel's order: a {@code long} is a device pointer
   * (0 = null), an {@code int} an int and a {@code float} a float, matching the C parameter list.
   */
  public static final class Kernel {
    private final Driver driver;
    private final String name;
    private final MemorySegment fn;

    Kernel(Driver driver, String name, MemorySegment fn) {
      this.driver = driver;
      this.name = name;
      this.fn = fn;
    }

    public String name() { return name; }

    /** Allows {@code bytes} of dynamic shared memory per block (needed above 48 KiB). */
    public void allowSharedMemory(int bytes) { driver.functionAttribute(fn, Driver.FUNC_MAX_DYNAMIC_SHARED, bytes, name); }

    public void launch(MemorySegment stream, int gx, int gy, int gz, int block, int sharedBytes, Object... args) {
      try (Arena a = Arena.ofConfined()) {
        MemorySegment params = a.allocate(ADDRESS, Math.max(1, args.length));
        for (int i = 0; i < args.length; i++) {
          MemorySegment v = switch (args[i]) {
            case Long p -> a.allocateFrom(JAVA_LONG, p);
            case Integer n -> a.allocateFrom(JAVA_INT, n);
            case Float f -> a.allocateFrom(JAVA_FLOAT, f);
            default -> throw new IllegalArgumentException(name + ": argument " + i + " is a " + args[i].getClass()
                + " (pass long device pointers, int or float)");
          };
          params.setAtIndex(ADDRESS, i, v);
        }
        driver.launch(fn, name, gx, gy, gz, block, 1, 1, sharedBytes, stream, params);
      }
    }

    /** A 1-D grid-stride launch over {@code total} items, 256 threads per block. */
    public void launch1d(MemorySegment stream, long total, Object... args) {
      int blocks = (int) Math.max(1, Math.min((total + 255) / 256, 1L << 20));
      launch(stream, blocks, 1, 1, 256, 0, args);
    }
  }
}
