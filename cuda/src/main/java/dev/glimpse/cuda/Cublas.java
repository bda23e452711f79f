package dev.glimpse.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Optional;

/**
 * FFM bindings to cuBLAS (libcublas.so; NVIDIA, "cuBLAS" reference, cublas_api.h): handles and {@code cublasGemmEx}.
 * Constants are the C enum values: cudaDataType (library_types.h) and cublasComputeType_t / cublasOperation_t.
 */
public final class Cublas {
  public static final int OP_N = 0, OP_T = 1;
  /** cudaDataType_t. */
  public static final int R_32F = 0, R_16F = 2, R_16BF = 14;
  /** cublasComputeType_t: f32 accumulation; FAST_TF32 lets f32 inputs run on tensor cores as TF32. */
  public static final int COMPUTE_32F = 68, COMPUTE_32F_FAST_TF32 = 77;
  /** CUBLAS_GEMM_DEFAULT: cuBLAS's heuristic picks the algorithm. */
  public static final int GEMM_DEFAULT = -1;

  private static final Map<Integer, String> STATUS = Map.of(0, "CUBLAS_STATUS_SUCCESS", 1, "CUBLAS_STATUS_NOT_INITIALIZED",
      3, "CUBLAS_STATUS_ALLOC_FAILED", 7, "CUBLAS_STATUS_INVALID_VALUE", 8, "CUBLAS_STATUS_ARCH_MISMATCH",
      11, "CUBLAS_STATUS_MAPPING_ERROR", 13, "CUBLAS_STATUS_EXECUTION_FAILED", 14, "CUBLAS_STATUS_INTERNAL_ERROR",
      15, "CUBLAS_STATUS_NOT_SUPPORTED", 16, "CUBLAS_STATUS_LICENSE_ERROR");

  private final String soname;
  private final MethodHandle create, destroy, setStream, setWorkspace, getVersion, gemmEx;
  private final Optional<MethodHandle> statusName, statusString;

  public Cublas(CudaLibraries.Found lib) {
    Symbols s = new Symbols(lib);
    soname = s.soname();
    create = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasCreate_v2", "cublasCreate");
    destroy = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasDestroy_v2", "cublasDestroy");
    setStream = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cublasSetStream_v2", "cublasSetStream");
    setWorkspace = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), "cublasSetWorkspace_v2",
        "cublasSetWorkspace");
    getVersion = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cublasGetVersion_v2", "cublasGetVersion");
    gemmEx = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
        ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
        JAVA_INT, JAVA_INT), "cublasGemmEx");
    statusName = s.optional(FunctionDescriptor.of(ADDRESS, JAVA_INT), "cublasGetStatusName");
    statusString = s.optional(FunctionDescriptor.of(ADDRESS, JAVA_INT), "cublasGetStatusString");
  }

  /** Throws unless {@code status} is CUBLAS_STATUS_SUCCESS. */
  public void check(String call, int status) {
    if (status != 0) throw new CudaException(call, status, call + " failed: " + status + " " + describe(status));
  }

  /** The status's name and description, from the library when it has them. */
  public String describe(int status) {
    String name = STATUS.getOrDefault(status, "unknown cublasStatus_t");
    try {
      if (statusName.isPresent()) name = Symbols.cString((MemorySegment) statusName.get().invokeExact(status), name);
      if (statusString.isPresent()) {
        return name + " (" + Symbols.cString((MemorySegment) statusString.get().invokeExact(status), "") + ")";
      }
    } catch (Throwable t) {
      // fall back to the name alone
    }
    return name;
  }

  /** A new handle bound to the current context's device. */
  public MemorySegment create() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      check("cublasCreate_v2", (int) create.invokeExact(out));
      return out.get(ADDRESS, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void destroy(MemorySegment handle) {
    try {
      check("cublasDestroy_v2", (int) destroy.invokeExact(handle));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void setStream(MemorySegment handle, MemorySegment stream) {
    try {
      check("cublasSetStream_v2", (int) setStream.invokeExact(handle, stream));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /**
   * A workspace of our own, so that cuBLAS allocates nothing while a stream is captured into a CUDA graph (cuBLAS
   * docs, "CUDA Graphs Support").
   */
  public void setWorkspace(MemorySegment handle, long dptr, long bytes) {
    try {
      check("cublasSetWorkspace_v2", (int) setWorkspace.invokeExact(handle, MemorySegment.ofAddress(dptr), bytes));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public int version(MemorySegment handle) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      check("cublasGetVersion_v2", (int) getVersion.invokeExact(handle, out));
      return out.get(JAVA_INT, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /** The host scalars 1 and 0 of {@link #gemmEx} (read by cuBLAS at each call, graph capture included). */
  private static final MemorySegment ONE = Arena.global().allocateFrom(JAVA_FLOAT, 1f);
  private static final MemorySegment ZERO = Arena.global().allocateFrom(JAVA_FLOAT, 0f);

  /**
   * Column-major C[m×n] = op(A)·op(B) (cublasGemmEx with alpha 1 and beta 0 as f32 host scalars, the scale type of a
   * 32F compute type).
   */
  public void gemmEx(MemorySegment handle, int transA, int transB, int m, int n, int k, long a, int aType, int lda,
      long b, int bType, int ldb, long c, int cType, int ldc, int computeType) {
    try {
      int rc = (int) gemmEx.invokeExact(handle, transA, transB, m, n, k, ONE, MemorySegment.ofAddress(a), aType, lda,
          MemorySegment.ofAddress(b), bType, ldb, ZERO, MemorySegment.ofAddress(c), cType, ldc, computeType,
          GEMM_DEFAULT);
      if (rc != 0) {
        check("cublasGemmEx(m=" + m + ", n=" + n + ", k=" + k + ", types " + aType + "/" + bType + "/" + cType
            + ", compute " + computeType + ")", rc);
      }
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public String soname() { return soname; }
}
