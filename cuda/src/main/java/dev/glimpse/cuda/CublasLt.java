package dev.glimpse.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * FFM bindings to cuBLASLt (libcublasLt.so; NVIDIA, "cuBLASLt API" reference, cublasLt.h): one matmul with a fused
 * bias epilogue, D = op(A)·op(B) + bias, through a matmul descriptor, matrix layouts, a heuristic algorithm choice
 * and cublasLtMatmul. Enum values are those of cublasLt.h.
 */
public final class CublasLt {
  static final int DESC_TRANSA = 3, DESC_TRANSB = 4, DESC_EPILOGUE = 7, DESC_BIAS_POINTER = 8;
  static final int EPILOGUE_DEFAULT = 1, EPILOGUE_BIAS = 4;
  static final int PREF_MAX_WORKSPACE_BYTES = 1;
  /** sizeof(cublasLtMatmulHeuristicResult_t): algo (8 × uint64), workspaceSize, state, wavesCount, reserved[4]. */
  static final long HEURISTIC_BYTES = 96;

  private final Cublas statuses;
  private final String soname;
  private final MethodHandle create, destroy, getVersion, descCreate, descDestroy, descSet, layoutCreate, layoutDestroy,
      prefCreate, prefSet, prefDestroy, heuristic, matmul;

  /** {@code statuses} turns cublasStatus_t values into names (cuBLASLt shares them with cuBLAS). */
  public CublasLt(CudaLibraries.Found lib, Cublas statuses) {
    this.statuses = statuses;
    Symbols s = new Symbols(lib);
    soname = s.soname();
    FunctionDescriptor i_p = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    FunctionDescriptor setAttr = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG);
    create = s.require(i_p, "cublasLtCreate");
    destroy = s.require(i_p, "cublasLtDestroy");
    getVersion = s.require(FunctionDescriptor.of(JAVA_LONG), "cublasLtGetVersion");
    descCreate = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cublasLtMatmulDescCreate");
    descDestroy = s.require(i_p, "cublasLtMatmulDescDestroy");
    descSet = s.require(setAttr, "cublasLtMatmulDescSetAttribute");
    layoutCreate = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        "cublasLtMatrixLayoutCreate");
    layoutDestroy = s.require(i_p, "cublasLtMatrixLayoutDestroy");
    prefCreate = s.require(i_p, "cublasLtMatmulPreferenceCreate");
    prefSet = s.require(setAttr, "cublasLtMatmulPreferenceSetAttribute");
    prefDestroy = s.require(i_p, "cublasLtMatmulPreferenceDestroy");
    heuristic = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
        JAVA_INT, ADDRESS, ADDRESS), "cublasLtMatmulAlgoGetHeuristic");
    matmul = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
        ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), "cublasLtMatmul");
  }

  public MemorySegment create() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      statuses.check("cublasLtCreate", (int) create.invokeExact(out));
      return out.get(ADDRESS, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void destroy(MemorySegment handle) {
    try {
      statuses.check("cublasLtDestroy", (int) destroy.invokeExact(handle));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public long version() {
    try {
      return (long) getVersion.invokeExact();
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /**
   * Column-major D[m×n] = op(A)·op(B) (+ bias[m] when {@code bias} != 0), A/B of {@code inType}, D f32, f32
   * accumulation; lda/ldb/ldd as cuBLAS. {@code workspace} of {@code workspaceBytes} may be used.
   */
  public void matmul(MemorySegment handle, int transA, int transB, int m, int n, int k, long a, int lda, long b, int ldb,
      long d, int ldd, int inType, int computeType, long bias, long workspace, long workspaceBytes, MemorySegment stream) {
    try (Arena ar = Arena.ofConfined()) {
      MemorySegment out = ar.allocate(ADDRESS);
      statuses.check("cublasLtMatmulDescCreate", (int) descCreate.invokeExact(out, computeType, Cublas.R_32F));
      MemorySegment desc = out.get(ADDRESS, 0);
      MemorySegment la = null, lb = null, ld = null, pref = null;
      try {
        setInt(desc, DESC_TRANSA, transA, ar);
        setInt(desc, DESC_TRANSB, transB, ar);
        setInt(desc, DESC_EPILOGUE, bias != 0 ? EPILOGUE_BIAS : EPILOGUE_DEFAULT, ar);
        if (bias != 0) {
          MemorySegment p = ar.allocateFrom(JAVA_LONG, bias);
          statuses.check("cublasLtMatmulDescSetAttribute(BIAS_POINTER)",
              (int) descSet.invokeExact(desc, DESC_BIAS_POINTER, p, 8L));
        }
        la = layout(inType, transA == Cublas.OP_N ? m : k, transA == Cublas.OP_N ? k : m, lda, ar);
        lb = layout(inType, transB == Cublas.OP_N ? k : n, transB == Cublas.OP_N ? n : k, ldb, ar);
        ld = layout(Cublas.R_32F, m, n, ldd, ar);
        statuses.check("cublasLtMatmulPreferenceCreate", (int) prefCreate.invokeExact(out));
        pref = out.get(ADDRESS, 0);
        MemorySegment ws = ar.allocateFrom(JAVA_LONG, workspaceBytes);
        statuses.check("cublasLtMatmulPreferenceSetAttribute(MAX_WORKSPACE_BYTES)",
            (int) prefSet.invokeExact(pref, PREF_MAX_WORKSPACE_BYTES, ws, 8L));
        MemorySegment result = ar.allocate(HEURISTIC_BYTES, 8);
        MemorySegment count = ar.allocate(JAVA_INT);
        statuses.check("cublasLtMatmulAlgoGetHeuristic", (int) heuristic.invokeExact(handle, desc, la, lb, ld, ld, pref, 1,
            result, count));
        if (count.get(JAVA_INT, 0) < 1) {
          throw new CudaException("cublasLtMatmulAlgoGetHeuristic found no algorithm for m=" + m + " n=" + n + " k=" + k);
        }
        MemorySegment alpha = ar.allocateFrom(JAVA_FLOAT, 1f), beta = ar.allocateFrom(JAVA_FLOAT, 0f);
        MemorySegment dd = MemorySegment.ofAddress(d);
        int rc = (int) matmul.invokeExact(handle, desc, alpha, MemorySegment.ofAddress(a), la, MemorySegment.ofAddress(b), lb,
            beta, dd, ld, dd, ld, result.asSlice(0, 64), MemorySegment.ofAddress(workspace), workspaceBytes, stream);
        statuses.check("cublasLtMatmul(m=" + m + ", n=" + n + ", k=" + k + ", bias " + (bias != 0) + ")", rc);
      } finally {
        int ignored;
        if (pref != null) ignored = (int) prefDestroy.invokeExact(pref);
        if (ld != null) ignored = (int) layoutDestroy.invokeExact(ld);
        if (lb != null) ignored = (int) layoutDestroy.invokeExact(lb);
        if (la != null) ignored = (int) layoutDestroy.invokeExact(la);
        ignored = (int) descDestroy.invokeExact(desc);
      }
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  private void setInt(MemorySegment desc, int attr, int value, Arena ar) throws Throwable {
    MemorySegment v = ar.allocateFrom(JAVA_INT, value);
    statuses.check("cublasLtMatmulDescSetAttribute(" + attr + ")", (int) descSet.invokeExact(desc, attr, v, 4L));
  }

  private MemorySegment layout(int type, long rows, long cols, long ld, Arena ar) throws Throwable {
    MemorySegment out = ar.allocate(ADDRESS);
    statuses.check("cublasLtMatrixLayoutCreate(" + rows + "x" + cols + ", ld " + ld + ")",
        (int) layoutCreate.invokeExact(out, type, rows, cols, ld));
    return out.get(ADDRESS, 0);
  }

  public String soname() { return soname; }
}
