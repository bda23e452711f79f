package dev.glimpse.cuda.encoder;

import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaStream;
import dev.glimpse.cuda.DeviceBuffer;
import dev.glimpse.cuda.Gemm;
import dev.glimpse.cuda.Precision;
import dev.glimpse.encoder.EncoderConfig;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * One independent way through the GPU: a stream, a cuBLAS handle bound to it (with its own workspace, so that
 * captured GEMMs allocate nothing) and the plans of the shapes seen so far. Encodes on different lanes run
 * concurrently; one lane serves one caller at a time.
 */
final class EncodeLane implements AutoCloseable {
  /** cuBLAS workspace per handle (cuBLAS docs recommend 32 MiB on Hopper for graph capture). */
  static final long CUBLAS_WORKSPACE = 32L << 20;

  final CudaStream stream;
  final Gemm gemm;
  private final Cuda cuda;
  private final EncoderKernels kernels;
  private final MemorySegment cublas;
  private final DeviceBuffer workspace;
  private final Map<EncodePlan.Shape, EncodePlan> plans = new HashMap<>();

  EncodeLane(Cuda cuda, EncoderKernels kernels) {
    this.cuda = cuda;
    this.kernels = kernels;
    this.stream = new CudaStream(cuda.driver());
    MemorySegment handle = null;
    DeviceBuffer ws = null;
    try {
      handle = cuda.cublas().create();
      cuda.cublas().setStream(handle, stream.handle());
      ws = DeviceBuffer.allocate(cuda.driver(), CUBLAS_WORKSPACE);
      cuda.cublas().setWorkspace(handle, ws.ptr(), CUBLAS_WORKSPACE);
    } catch (RuntimeException e) {
      if (ws != null) ws.close();
      if (handle != null) cuda.cublas().destroy(handle);
      stream.close();
      throw e;
    }
    this.cublas = handle;
    this.workspace = ws;
    this.gemm = new Gemm(cuda.cublas(), handle);
  }

  MemorySegment stream() { return stream.handle(); }

  /** The plan for {@code shape}, allocated on first use. */
  EncodePlan plan(EncoderConfig cfg, Precision p, EncodePlan.Shape shape) {
    EncodePlan plan = plans.get(shape);
    if (plan == null) {
      plan = new EncodePlan(cuda.driver(), stream.handle(), cfg, p, shape, kernels, cuda.device().multiprocessors());
      plans.put(shape, plan);
    }
    return plan;
  }

  @Override
  public void close() {
    for (EncodePlan p : plans.values()) p.close();
    plans.clear();
    cuda.cublas().destroy(cublas);
    workspace.close();
    stream.close();
  }
}
