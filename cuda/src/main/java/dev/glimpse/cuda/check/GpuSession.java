package dev.glimpse.cuda.check;

import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaStream;
import dev.glimpse.cuda.DeviceBuffer;
import dev.glimpse.cuda.Gemm;
import dev.glimpse.cuda.KernelCompiler;
import dev.glimpse.cuda.KernelModule;
import dev.glimpse.cuda.encoder.EncoderKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kernel checks run on: the encoder kernels, a stream, a cuBLAS and a cuBLASLt handle bound to it with a
 * workspace, and device buffers made from host arrays (freed on close).
 */
final class GpuSession implements AutoCloseable {
  static final long WORKSPACE = 32L << 20;

  final Cuda cuda;
  final KernelModule module;
  final EncoderKernels kernels;
  final KernelModule tensorCoreModule;    // null where the GPU has no bf16 mma
  final EncoderKernels tensorCore;        // the same kernels with bf16 global attention on tensor cores, or null
  final CudaStream stream;
  final MemorySegment cublas;
  final MemorySegment lt;
  final Gemm gemm;
  final DeviceBuffer workspace;
  private final List<DeviceBuffer> owned = new ArrayList<>();

  GpuSession(Cuda cuda, Path kernelCache, System.Logger log) {
    this.cuda = cuda;
    cuda.makeCurrent();
    KernelCompiler compiler = new KernelCompiler(cuda, kernelCache, log);
    module = compiler.load("encoder", EncoderKernels.source());
    kernels = new EncoderKernels(module, cuda.device().maxSharedPerBlockOptin());
    tensorCoreModule = EncoderKernels.loadTensorCore(compiler, cuda, log);
    tensorCore = tensorCoreModule == null ? null
        : new EncoderKernels(module, tensorCoreModule, cuda.device().maxSharedPerBlockOptin());
    stream = new CudaStream(cuda.driver());
    cublas = cuda.cublas().create();
    cuda.cublas().setStream(cublas, stream.handle());
    workspace = DeviceBuffer.allocate(cuda.driver(), WORKSPACE);
    cuda.cublas().setWorkspace(cublas, workspace.ptr(), WORKSPACE);
    lt = cuda.cublasLt().create();
    gemm = new Gemm(cuda.cublas(), cublas);
  }

  MemorySegment s() { return stream.handle(); }

  long floats(float[] v) { return keep(DeviceBuffer.of(cuda.driver(), s(), v)); }

  long shorts(short[] v) { return keep(DeviceBuffer.of(cuda.driver(), s(), v)); }

  long ints(int[] v) { return keep(DeviceBuffer.of(cuda.driver(), s(), v)); }

  long bytes(byte[] v) {
    DeviceBuffer b = DeviceBuffer.allocate(cuda.driver(), v.length);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment host = a.allocateFrom(ValueLayout.JAVA_BYTE, v);
      cuda.driver().copyToDeviceAsync(b.ptr(), host, v.length, s());
      stream.synchronize();
    }
    return keep(b);
  }

  /** An uninitialised device buffer of {@code bytes}. */
  long alloc(long bytes) { return keep(DeviceBuffer.allocate(cuda.driver(), bytes)); }

  float[] downloadFloats(long ptr, int n) {
    stream.synchronize();
    for (DeviceBuffer b : owned) if (b.ptr() == ptr) return b.downloadFloats(s(), n);
    throw new IllegalArgumentException("not a buffer of this session");
  }

  short[] downloadShorts(long ptr, int n) {
    stream.synchronize();
    for (DeviceBuffer b : owned) if (b.ptr() == ptr) return b.downloadShorts(s(), n);
    throw new IllegalArgumentException("not a buffer of this session");
  }

  private long keep(DeviceBuffer b) {
    owned.add(b);
    return b.ptr();
  }

  /** Frees this check's buffers (the session stays usable). */
  void freeBuffers() {
    stream.synchronize();
    for (DeviceBuffer b : owned) b.close();
    owned.clear();
  }

  @Override
  public void close() {
    cuda.makeCurrent();
    freeBuffers();
    cuda.cublasLt().destroy(lt);
    cuda.cublas().destroy(cublas);
    workspace.close();
    stream.close();
    module.close();
    if (tensorCoreModule != null) tensorCoreModule.close();
  }
}
