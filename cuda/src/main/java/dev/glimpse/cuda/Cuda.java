package dev.glimpse.cuda;

import java.lang.foreign.MemorySegment;

/**
 * One opened GPU: the loaded libraries and their bindings, the device and its primary context (shared with the
 * CUDA runtime that cuBLAS uses). Everything that allocates, copies or launches needs the context current on the
 * calling thread: call {@link #makeCurrent} first on any thread. Closing releases the context and unloads the
 * libraries; nothing made from this object may be used afterwards.
 */
public final class Cuda implements AutoCloseable {
  /** The device: name, compute capability, size. */
  public record Device(int ordinal, String name, int ccMajor, int ccMinor, int multiprocessors, long totalMemory,
      int maxSharedPerBlockOptin) {
    /** The real architecture NVRTC compiles for, e.g. {@code sm_90} (H100), {@code sm_87} (Jetson Orin). */
    public String arch() { return "sm_" + ccMajor + ccMinor; }
  }

  private final CudaLibraries libs;
  private final Driver driver;
  private final Nvrtc nvrtc;
  private final Cublas cublas;
  private final CublasLt cublasLt;
  private final int driverVersion;
  private final Device device;
  private final MemorySegment context;
  private boolean closed;

  private Cuda(CudaLibraries libs, Driver driver, Nvrtc nvrtc, Cublas cublas, CublasLt cublasLt, int driverVersion,
      Device device, MemorySegment context) {
    this.libs = libs;
    this.driver = driver;
    this.nvrtc = nvrtc;
    this.cublas = cublas;
    this.cublasLt = cublasLt;
    this.driverVersion = driverVersion;
    this.device = device;
    this.context = context;
  }

  /**
   * Loads the libraries found by {@code search}, initialises the driver and retains device {@code ordinal}'s primary
   * context. Throws a {@link CudaException} that lists every missing library at once, or names the failing call.
   */
  public static Cuda open(CudaLibraries.Search search, int ordinal) {
    CudaLibraries libs = CudaLibraries.resolve(search);
    try {
      if (!libs.complete()) {
        throw new CudaException("the CUDA backend needs the NVIDIA driver, NVRTC, cuBLAS and cuBLASLt; missing: "
            + libs.missingSummary());
      }
      Driver driver = new Driver(libs.require(CudaLibraries.Library.DRIVER));
      Nvrtc nvrtc = new Nvrtc(libs.require(CudaLibraries.Library.NVRTC));
      Cublas cublas = new Cublas(libs.require(CudaLibraries.Library.CUBLAS));
      CublasLt lt = new CublasLt(libs.require(CudaLibraries.Library.CUBLAS_LT), cublas);
      driver.init();
      int count = driver.deviceCount();
      if (ordinal < 0 || ordinal >= count) {
        throw new CudaException("CUDA device " + ordinal + " requested, the driver sees " + count + " device(s)");
      }
      int dev = driver.device(ordinal);
      Device d = new Device(ordinal, driver.deviceName(dev), driver.attribute(Driver.ATTR_CC_MAJOR, dev),
          driver.attribute(Driver.ATTR_CC_MINOR, dev), driver.attribute(Driver.ATTR_MULTIPROCESSOR_COUNT, dev),
          driver.totalMemory(dev), driver.attribute(Driver.ATTR_MAX_SHARED_PER_BLOCK_OPTIN, dev));
      MemorySegment ctx = driver.primaryContextRetain(dev);
      driver.setCurrent(ctx);
      return new Cuda(libs, driver, nvrtc, cublas, lt, driver.driverVersion(), d, ctx);
    } catch (RuntimeException e) {
      libs.close();
      throw e;
    }
  }

  /** Makes this GPU's context current on the calling thread. */
  public void makeCurrent() { driver.setCurrent(context); }

  public Driver driver() { return driver; }

  public Nvrtc nvrtc() { return nvrtc; }

  public Cublas cublas() { return cublas; }

  public CublasLt cublasLt() { return cublasLt; }

  public Device device() { return device; }

  /** The driver's CUDA version, e.g. 13000. */
  public int driverVersion() { return driverVersion; }

  public CudaLibraries libraries() { return libs; }

  /** For logs: device, architecture, memory, driver, NVRTC and the libraries' sonames. */
  public String describe() {
    int[] nv = nvrtc.version();
    return String.format("%s (%s, %d SMs, %.1f GiB), driver CUDA %d.%d, NVRTC %d.%d, %s, %s", device.name(), device.arch(),
        device.multiprocessors(), device.totalMemory() / (double) (1L << 30), driverVersion / 1000, driverVersion % 1000 / 10,
        nv[0], nv[1], cublas.soname(), cublasLt.soname());
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      driver.primaryContextRelease(device.ordinal());
    } finally {
      libs.close();
    }
  }
}
