package dev.glimpse.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * FFM bindings to the CUDA driver API (libcuda.so.1; NVIDIA, "CUDA Driver API" reference, cuda.h). Each method calls
 * one entry point and turns a status other than CUDA_SUCCESS into a {@link CudaException} carrying
 * cuGetErrorName/cuGetErrorString. Handles (contexts, streams, events, modules, functions, graphs) are opaque
 * {@link MemorySegment} addresses; device pointers are {@code long} (CUdeviceptr is 64-bit).
 * Exported names are the versioned ones cuda.h maps the API names to (cuMemAlloc → cuMemAlloc_v2, ...).
 */
public final class Driver {
  /** CUdevice_attribute values used here (cuda.h). */
  public static final int ATTR_MULTIPROCESSOR_COUNT = 16, ATTR_CC_MAJOR = 75, ATTR_CC_MINOR = 76,
      ATTR_MAX_SHARED_PER_BLOCK_OPTIN = 97;
  /** CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES. */
  public static final int FUNC_MAX_DYNAMIC_SHARED = 8;
  /** CU_STREAM_NON_BLOCKING: no implicit synchronisation with the legacy default stream. */
  public static final int STREAM_NON_BLOCKING = 1;
  /** CU_STREAM_CAPTURE_MODE_THREAD_LOCAL: only this thread's unsafe calls break the capture. */
  public static final int CAPTURE_THREAD_LOCAL = 1;
  /** CU_MEMHOSTALLOC_PORTABLE: pinned memory usable from every context. */
  public static final int HOSTALLOC_PORTABLE = 1;

  private static final FunctionDescriptor I_I = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
  private static final FunctionDescriptor I_P = FunctionDescriptor.of(JAVA_INT, ADDRESS);
  private static final FunctionDescriptor I_L = FunctionDescriptor.of(JAVA_INT, JAVA_LONG);
  private static final FunctionDescriptor I_PP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
  private static final FunctionDescriptor I_PI = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
  private static final FunctionDescriptor I_PL = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG);
  private static final FunctionDescriptor I_IP = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);

  private final String soname;
  private final MethodHandle getErrorName, getErrorString, init, driverGetVersion, deviceGetCount, deviceGet,
      deviceGetName, deviceGetAttribute, deviceTotalMem, primaryCtxRetain, primaryCtxRelease, ctxSetCurrent,
      ctxSynchronize, memGetInfo, memAlloc, memFree, memHostAlloc, memFreeHost, memcpyHtoDAsync, memcpyDtoHAsync,
      memcpyDtoDAsync, memsetD8Async, streamCreate, streamSynchronize, streamDestroy, eventCreate, eventRecord,
      eventSynchronize, eventElapsedTime, eventDestroy, moduleLoadData, moduleGetFunction, moduleUnload,
      funcSetAttribute, launchKernel, streamBeginCapture, streamEndCapture, graphInstantiate, graphLaunch,
      graphExecDestroy, graphDestroy;

  public Driver(CudaLibraries.Found lib) {
    Symbols s = new Symbols(lib);
    soname = s.soname();
    getErrorName = s.require(I_IP, "cuGetErrorName");
    getErrorString = s.require(I_IP, "cuGetErrorString");
    init = s.require(I_I, "cuInit");
    driverGetVersion = s.require(I_P, "cuDriverGetVersion");
    deviceGetCount = s.require(I_P, "cuDeviceGetCount");
    deviceGet = s.require(I_PI, "cuDeviceGet");
    deviceGetName = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuDeviceGetName");
    deviceGetAttribute = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuDeviceGetAttribute");
    deviceTotalMem = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDeviceTotalMem_v2");
    primaryCtxRetain = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDevicePrimaryCtxRetain");
    primaryCtxRelease = s.require(I_I, "cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease");
    ctxSetCurrent = s.require(I_P, "cuCtxSetCurrent");
    ctxSynchronize = s.require(FunctionDescriptor.of(JAVA_INT), "cuCtxSynchronize");
    memGetInfo = s.require(I_PP, "cuMemGetInfo_v2");
    memAlloc = s.require(I_PL, "cuMemAlloc_v2");
    memFree = s.require(I_L, "cuMemFree_v2");
    memHostAlloc = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), "cuMemHostAlloc");
    memFreeHost = s.require(I_P, "cuMemFreeHost");
    memcpyHtoDAsync = s.require(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS),
        "cuMemcpyHtoDAsync_v2");
    memcpyDtoHAsync = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS),
        "cuMemcpyDtoHAsync_v2");
    memcpyDtoDAsync = s.require(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS),
        "cuMemcpyDtoDAsync_v2");
    memsetD8Async = s.require(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS), "cuMemsetD8Async");
    streamCreate = s.require(I_PI, "cuStreamCreate");
    streamSynchronize = s.require(I_P, "cuStreamSynchronize");
    streamDestroy = s.require(I_P, "cuStreamDestroy_v2");
    eventCreate = s.require(I_PI, "cuEventCreate");
    eventRecord = s.require(I_PP, "cuEventRecord");
    eventSynchronize = s.require(I_P, "cuEventSynchronize");
    // CUDA 12.8 added cuEventElapsedTime_v2 (cuda.h maps the name to it); older drivers (JetPack 6) have only the first.
    eventElapsedTime = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
        "cuEventElapsedTime_v2", "cuEventElapsedTime");
    eventDestroy = s.require(I_P, "cuEventDestroy_v2");
    moduleLoadData = s.require(I_PP, "cuModuleLoadData");
    moduleGetFunction = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuModuleGetFunction");
    moduleUnload = s.require(I_P, "cuModuleUnload");
    funcSetAttribute = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuFuncSetAttribute");
    launchKernel = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
        JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuLaunchKernel");
    streamBeginCapture = s.require(I_PI, "cuStreamBeginCapture_v2");
    streamEndCapture = s.require(I_PP, "cuStreamEndCapture");
    graphInstantiate = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), "cuGraphInstantiateWithFlags");
    graphLaunch = s.require(I_PP, "cuGraphLaunch");
    graphExecDestroy = s.require(I_P, "cuGraphExecDestroy");
    graphDestroy = s.require(I_P, "cuGraphDestroy");
  }

  /** Throws unless {@code status} is CUDA_SUCCESS. */
  public void check(String call, int status) {
    if (status != 0) {
      throw new CudaException(call, status, call + " failed: " + status + " " + errorName(status) + " (" + errorString(status) + ")");
    }
  }

  public String errorName(int status) { return lookupString(getErrorName, status, "unknown CUresult"); }

  public String errorString(int status) { return lookupString(getErrorString, status, "no description"); }

  private static String lookupString(MethodHandle h, int status, String fallback) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      int rc = (int) h.invokeExact(status, out);
      return rc == 0 ? Symbols.cString(out.get(ADDRESS, 0), fallback) : fallback;
    } catch (Throwable t) {
      return fallback;
    }
  }

  public void init() {
    try {
      check("cuInit", (int) init.invokeExact(0));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /** e.g. 13000 for CUDA 13.0 (the newest CUDA the installed driver supports). */
  public int driverVersion() { return intOut("cuDriverGetVersion", driverGetVersion); }

  public int deviceCount() { return intOut("cuDeviceGetCount", deviceGetCount); }

  private int intOut(String call, MethodHandle h) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      check(call, (int) h.invokeExact(out));
      return out.get(JAVA_INT, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public int device(int ordinal) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      check("cuDeviceGet(" + ordinal + ")", (int) deviceGet.invokeExact(out, ordinal));
      return out.get(JAVA_INT, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public String deviceName(int dev) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(256);
      check("cuDeviceGetName", (int) deviceGetName.invokeExact(out, 256, dev));
      return out.getString(0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public int attribute(int attr, int dev) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      check("cuDeviceGetAttribute(" + attr + ")", (int) deviceGetAttribute.invokeExact(out, attr, dev));
      return out.get(JAVA_INT, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public long totalMemory(int dev) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_LONG);
      check("cuDeviceTotalMem_v2", (int) deviceTotalMem.invokeExact(out, dev));
      return out.get(JAVA_LONG, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /** {free, total} bytes of the current context's device. */
  public long[] memoryInfo() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment free = a.allocate(JAVA_LONG), total = a.allocate(JAVA_LONG);
      check("cuMemGetInfo_v2", (int) memGetInfo.invokeExact(free, total));
      return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /** The device's primary context (the one the CUDA runtime and so cuBLAS use too). */
  public MemorySegment primaryContextRetain(int dev) { return handleOut("cuDevicePrimaryCtxRetain", primaryCtxRetain, dev); }

  public void primaryContextRelease(int dev) { call("cuDevicePrimaryCtxRelease_v2", primaryCtxRelease, dev); }

  public void setCurrent(MemorySegment ctx) { call("cuCtxSetCurrent", ctxSetCurrent, ctx); }

  public void synchronizeContext() {
    try {
      check("cuCtxSynchronize", (int) ctxSynchronize.invokeExact());
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public long malloc(long bytes) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_LONG);
      check("cuMemAlloc_v2(" + bytes + " bytes)", (int) memAlloc.invokeExact(out, bytes));
      return out.get(JAVA_LONG, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void free(long dptr) {
    try {
      check("cuMemFree_v2", (int) memFree.invokeExact(dptr));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /** Page-locked host memory of {@code bytes} (for asynchronous copies), as a segment of that size. */
  public MemorySegment hostAlloc(long bytes) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      check("cuMemHostAlloc(" + bytes + " bytes)", (int) memHostAlloc.invokeExact(out, bytes, HOSTALLOC_PORTABLE));
      return out.get(ADDRESS, 0).reinterpret(bytes);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void hostFree(MemorySegment p) { call("cuMemFreeHost", memFreeHost, p); }

  public void copyToDeviceAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
    try {
      check("cuMemcpyHtoDAsync_v2", (int) memcpyHtoDAsync.invokeExact(dst, src, bytes, stream));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void copyToHostAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
    try {
      check("cuMemcpyDtoHAsync_v2", (int) memcpyDtoHAsync.invokeExact(dst, src, bytes, stream));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void copyDeviceAsync(long dst, long src, long bytes, MemorySegment stream) {
    try {
      check("cuMemcpyDtoDAsync_v2", (int) memcpyDtoDAsync.invokeExact(dst, src, bytes, stream));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void memsetAsync(long dst, byte value, long bytes, MemorySegment stream) {
    try {
      check("cuMemsetD8Async", (int) memsetD8Async.invokeExact(dst, value, bytes, stream));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public MemorySegment streamCreate(int flags) { return handleOut("cuStreamCreate", streamCreate, flags); }

  public void streamSynchronize(MemorySegment stream) { call("cuStreamSynchronize", streamSynchronize, stream); }

  public void streamDestroy(MemorySegment stream) { call("cuStreamDestroy_v2", streamDestroy, stream); }

  public MemorySegment eventCreate(int flags) { return handleOut("cuEventCreate", eventCreate, flags); }

  public void eventRecord(MemorySegment event, MemorySegment stream) {
    try {
      check("cuEventRecord", (int) eventRecord.invokeExact(event, stream));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void eventSynchronize(MemorySegment event) { call("cuEventSynchronize", eventSynchronize, event); }

  /** Milliseconds between two completed events. */
  public float elapsedMs(MemorySegment start, MemorySegment end) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_FLOAT);
      check("cuEventElapsedTime", (int) eventElapsedTime.invokeExact(out, start, end));
      return out.get(JAVA_FLOAT, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void eventDestroy(MemorySegment event) { call("cuEventDestroy_v2", eventDestroy, event); }

  /** Loads a module from a CUBIN or PTX image (NUL-terminated for PTX). */
  public MemorySegment moduleLoad(MemorySegment image) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      check("cuModuleLoadData", (int) moduleLoadData.invokeExact(out, image));
      return out.get(ADDRESS, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public MemorySegment function(MemorySegment module, String name) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      check("cuModuleGetFunction(\"" + name + "\")", (int) moduleGetFunction.invokeExact(out, module, a.allocateFrom(name)));
      return out.get(ADDRESS, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void moduleUnload(MemorySegment module) { call("cuModuleUnload", moduleUnload, module); }

  public void functionAttribute(MemorySegment fn, int attr, int value, String name) {
    try {
      check("cuFuncSetAttribute(" + name + ", " + attr + ", " + value + ")", (int) funcSetAttribute.invokeExact(fn, attr, value));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /** cuLaunchKernel with {@code params} = void*[] of pointers to each argument's value. */
  public void launch(MemorySegment fn, String name, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
      MemorySegment stream, MemorySegment params) {
    try {
      int rc = (int) launchKernel.invokeExact(fn, gx, gy, gz, bx, by, bz, sharedBytes, stream, params, MemorySegment.NULL);
      if (rc != 0) check("cuLaunchKernel(" + name + ", grid " + gx + "x" + gy + "x" + gz + ", block " + bx + ", shared "
          + sharedBytes + ")", rc);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void beginCapture(MemorySegment stream, int mode) {
    try {
      check("cuStreamBeginCapture_v2", (int) streamBeginCapture.invokeExact(stream, mode));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /** Ends a capture and returns the captured graph. */
  public MemorySegment endCapture(MemorySegment stream) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      check("cuStreamEndCapture", (int) streamEndCapture.invokeExact(stream, out));
      return out.get(ADDRESS, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public MemorySegment instantiate(MemorySegment graph) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      check("cuGraphInstantiateWithFlags", (int) graphInstantiate.invokeExact(out, graph, 0L));
      return out.get(ADDRESS, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void graphLaunch(MemorySegment exec, MemorySegment stream) {
    try {
      check("cuGraphLaunch", (int) graphLaunch.invokeExact(exec, stream));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  public void graphExecDestroy(MemorySegment exec) { call("cuGraphExecDestroy", graphExecDestroy, exec); }

  public void graphDestroy(MemorySegment graph) { call("cuGraphDestroy", graphDestroy, graph); }

  public String soname() { return soname; }

  private MemorySegment handleOut(String call, MethodHandle h, int arg) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      check(call, (int) h.invokeExact(out, arg));
      return out.get(ADDRESS, 0);
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  private void call(String call, MethodHandle h, MemorySegment arg) {
    try {
      check(call, (int) h.invokeExact(arg));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  private void call(String call, MethodHandle h, int arg) {
    try {
      check(call, (int) h.invokeExact(arg));
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }
}
