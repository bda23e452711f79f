package dev.glimpse.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * FFM bindings to NVRTC (libnvrtc.so; NVIDIA, "NVRTC User Guide", nvrtc.h): compiles CUDA C++ source to PTX or to a
 * CUBIN for one GPU architecture at run time. A failed compile is reported with NVRTC's status string and the
 * whole compile log.
 */
public final class Nvrtc {
  private final String soname;
  private final MethodHandle getErrorString, version, createProgram, destroyProgram, compileProgram, getLogSize, getLog,
      getPtxSize, getPtx;
  private final Optional<MethodHandle> getCubinSize, getCubin;

  public Nvrtc(CudaLibraries.Found lib) {
    Symbols s = new Symbols(lib);
    soname = s.soname();
    getErrorString = s.require(FunctionDescriptor.of(ADDRESS, JAVA_INT), "nvrtcGetErrorString");
    version = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcVersion");
    createProgram = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
        "nvrtcCreateProgram");
    destroyProgram = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS), "nvrtcDestroyProgram");
    compileProgram = s.require(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), "nvrtcCompileProgram");
    FunctionDescriptor sizeOut = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    getLogSize = s.require(sizeOut, "nvrtcGetProgramLogSize");
    getLog = s.require(sizeOut, "nvrtcGetProgramLog");
    getPtxSize = s.require(sizeOut, "nvrtcGetPTXSize");
    getPtx = s.require(sizeOut, "nvrtcGetPTX");
    getCubinSize = s.optional(sizeOut, "nvrtcGetCUBINSize");
    getCubin = s.optional(sizeOut, "nvrtcGetCUBIN");
  }

  /** What one compile produced: the image (PTX text with its NUL, or CUBIN bytes), its kind and the log. */
  public record Output(byte[] image, boolean cubin, String log) {}

  /** {major, minor} of this NVRTC. */
  public int[] version() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment major = a.allocate(JAVA_INT), minor = a.allocate(JAVA_INT);
      check("nvrtcVersion", (int) version.invokeExact(major, minor));
      return new int[] {major.get(JAVA_INT, 0), minor.get(JAVA_INT, 0)};
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  /**
   * Compiles {@code source} with {@code options}; {@code wantCubin} asks for a CUBIN (options must then name a real
   * architecture, {@code --gpu-architecture=sm_XY}), else PTX. Throws with the status and the full log on failure.
   */
  public Output compile(String source, String name, List<String> options, boolean wantCubin) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment progOut = a.allocate(ADDRESS);
      check("nvrtcCreateProgram(" + name + ")", (int) createProgram.invokeExact(progOut, a.allocateFrom(source),
          a.allocateFrom(name), 0, MemorySegment.NULL, MemorySegment.NULL));
      MemorySegment prog = progOut.get(ADDRESS, 0);
      try {
        MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
        for (int i = 0; i < options.size(); i++) opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
        int rc = (int) compileProgram.invokeExact(prog, options.size(), opts);
        String log = readText(prog, getLogSize, getLog, "nvrtcGetProgramLog", a);
        if (rc != 0) {
          throw new CudaException("nvrtcCompileProgram", rc, "nvrtcCompileProgram(" + name + ", " + String.join(" ", options)
              + ") failed: " + rc + " " + errorString(rc) + "\n--- compile log ---\n" + log.strip() + "\n---");
        }
        if (wantCubin) {
          if (getCubin.isEmpty() || getCubinSize.isEmpty()) throw new CudaException(soname + " has no nvrtcGetCUBIN");
          byte[] image = readBytes(prog, getCubinSize.get(), getCubin.get(), "nvrtcGetCUBIN", a);
          return new Output(image, true, log);
        }
        return new Output(readBytes(prog, getPtxSize, getPtx, "nvrtcGetPTX", a), false, log);
      } finally {
        MemorySegment holder = a.allocate(ADDRESS);
        holder.set(ADDRESS, 0, prog);
        int ignored = (int) destroyProgram.invokeExact(holder);
      }
    } catch (Throwable t) {
      throw Symbols.rethrow(t);
    }
  }

  private String readText(MemorySegment prog, MethodHandle size, MethodHandle get, String call, Arena a)
      throws Throwable {
    byte[] b = readBytes(prog, size, get, call, a);
    int n = b.length;
    while (n > 0 && b[n - 1] == 0) n--;
    return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }

  private byte[] readBytes(MemorySegment prog, MethodHandle size, MethodHandle get, String call, Arena a) throws Throwable {
    MemorySegment n = a.allocate(JAVA_LONG);
    check(call + "Size", (int) size.invokeExact(prog, n));
    long len = n.get(JAVA_LONG, 0);
    MemorySegment buf = a.allocate(Math.max(1, len));
    check(call, (int) get.invokeExact(prog, buf));
    return buf.asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
  }

  private void check(String call, int rc) {
    if (rc != 0) throw new CudaException(call, rc, call + " failed: " + rc + " " + errorString(rc));
  }

  public String errorString(int rc) {
    try {
      return Symbols.cString((MemorySegment) getErrorString.invokeExact(rc), "unknown nvrtcResult");
    } catch (Throwable t) {
      return "unknown nvrtcResult";
    }
  }

  public String soname() { return soname; }
}
