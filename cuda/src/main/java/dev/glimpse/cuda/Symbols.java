package dev.glimpse.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Downcall handles into one loaded library. An entry point may have several exported names (the versioned
 * {@code _v2} names that the C headers map the plain names to, then the plain ones), tried in order.
 */
final class Symbols {
  private final Linker linker = Linker.nativeLinker();
  private final CudaLibraries.Found lib;

  Symbols(CudaLibraries.Found lib) { this.lib = lib; }

  /** The first of {@code names} the library exports, or an exception naming the library and every name tried. */
  MethodHandle require(FunctionDescriptor fd, String... names) {
    return optional(fd, names).orElseThrow(() -> new CudaException(lib.soname() + " (from " + lib.from()
        + ") exports none of " + String.join(", ", names) + ": the library is older than this backend needs"));
  }

  Optional<MethodHandle> optional(FunctionDescriptor fd, String... names) {
    for (String n : names) {
      Optional<MemorySegment> s = lib.symbols().find(n);
      if (s.isPresent()) return Optional.of(linker.downcallHandle(s.get(), fd));
    }
    return Optional.empty();
  }

  String soname() { return lib.soname(); }

  /** A NUL-terminated C string at {@code p}, or {@code fallback} for NULL. */
  static String cString(MemorySegment p, String fallback) {
    return p.equals(MemorySegment.NULL) ? fallback : p.reinterpret(Long.MAX_VALUE).getString(0);
  }

  /** Rethrows what a downcall threw (it cannot throw checked exceptions; anything else is a binding bug). */
  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) return r;
    if (t instanceof Error e) throw e;
    return new CudaException("native call failed: " + t, t);
  }
}
