package dev.glimpse.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the NVIDIA libraries the CUDA backend binds to through FFM, by their sonames: the driver API (shipped with
 * the NVIDIA driver), NVRTC, cuBLASLt and cuBLAS (shipped with a CUDA toolkit, a JetPack, or pip's nvidia wheels).
 * Each is tried in the given directories first, then by soname through the dynamic loader (LD_LIBRARY_PATH, the
 * ldconfig cache). Whatever cannot be loaded is reported with every attempt and the loader's reason, all at once.
 * The libraries stay loaded until {@link #close}.
 */
public final class CudaLibraries implements AutoCloseable {
  /** The libraries, each with its sonames in the order tried (newest CUDA first). */
  public enum Library {
    DRIVER("CUDA driver API (installed with the NVIDIA driver)", "libcuda.so.1"),
    NVRTC("NVRTC runtime compiler", "libnvrtc.so.13", "libnvrtc.so.12"),
    CUBLAS_LT("cuBLASLt", "libcublasLt.so.13", "libcublasLt.so.12"),
    CUBLAS("cuBLAS", "libcublas.so.13", "libcublas.so.12");

    private final String what;
    private final List<String> sonames;

    Library(String what, String... sonames) {
      this.what = what;
      this.sonames = List.of(sonames);
    }

    public String what() { return what; }

    public List<String> defaultSonames() { return sonames; }
  }

  /**
   * Where and what to look for.
   *
   * @param dirs    directories tried before the loader's own search (e.g. a pip wheel's nvidia/cu13/lib)
   * @param sonames per library, the sonames to try in order; libraries not in the map use their defaults
   */
  public record Search(List<Path> dirs, Map<Library, List<String>> sonames) {
    public Search {
      dirs = List.copyOf(dirs);
      sonames = Map.copyOf(sonames);
    }

    /** The default sonames, in {@code dirs} and then wherever the loader looks. */
    public static Search in(List<Path> dirs) { return new Search(dirs, Map.of()); }

    /** This search with other sonames for one library (tests, other CUDA versions). */
    public Search withSonames(Library lib, String... names) {
      Map<Library, List<String>> m = new EnumMap<>(Library.class);
      m.putAll(sonames);
      m.put(lib, List.of(names));
      return new Search(dirs, m);
    }

    List<String> sonamesOf(Library lib) { return sonames.getOrDefault(lib, lib.defaultSonames()); }
  }

  /** A loaded library: the soname that worked and where it was loaded from. */
  public record Found(Library library, String soname, String from, SymbolLookup symbols) {}

  /** A library that no soname or directory gave, with each attempt and the loader's reason. */
  public record Missing(Library library, List<String> attempts) {
    public String describe() {
      return library.defaultSonames().getFirst() + " (" + library.what() + "): " + String.join("; ", attempts);
    }
  }

  private final Arena arena;
  private final Map<Library, Found> found;
  private final List<Missing> missing;

  private CudaLibraries(Arena arena, Map<Library, Found> found, List<Missing> missing) {
    this.arena = arena;
    this.found = found;
    this.missing = List.copyOf(missing);
  }

  /** Loads every library it can (cuBLASLt before cuBLAS, which links against it); never throws for a missing one. */
  public static CudaLibraries resolve(Search search) {
    Arena arena = Arena.ofShared();
    Map<Library, Found> found = new EnumMap<>(Library.class);
    List<Missing> missing = new ArrayList<>();
    for (Library lib : Library.values()) {
      List<String> attempts = new ArrayList<>();
      Found f = null;
      for (String soname : search.sonamesOf(lib)) {
        for (Path dir : search.dirs()) {
          Path file = dir.resolve(soname);
          if (!Files.exists(file)) continue;
          f = tryLoad(lib, soname, file.toString(), file.toString(), arena, attempts);
          if (f != null) break;
        }
        if (f == null) f = tryLoad(lib, soname, soname, "the dynamic loader's search path", arena, attempts);
        if (f != null) break;
      }
      if (f != null) found.put(lib, f);
      else missing.add(new Missing(lib, attempts));
      if (f != null && lib == Library.NVRTC) preloadBuiltins(f, arena);
    }
    return new CudaLibraries(arena, found, missing);
  }

  /**
   * NVRTC dlopens its builtins library (libnvrtc-builtins.so.X.Y) by soname when it compiles. When NVRTC came from
   * an explicit directory that the loader does not search, load the builtins from there first: the loader then
   * matches NVRTC's request by soname to the library already in the process.
   */
  private static void preloadBuiltins(Found nvrtc, Arena arena) {
    Path file = Path.of(nvrtc.from());
    if (!file.isAbsolute() || file.getParent() == null) return;
    try (var files = Files.list(file.getParent())) {
      for (Path p : files.filter(x -> x.getFileName().toString().startsWith("libnvrtc-builtins.so")).sorted().toList()) {
        try {
          SymbolLookup.libraryLookup(p, arena);
        } catch (IllegalArgumentException ignored) {
          // a stale or foreign file: NVRTC reports what it could not open when it compiles
        }
      }
    } catch (java.io.IOException ignored) {
      // unreadable directory: as above
    }
  }

  private static Found tryLoad(Library lib, String soname, String name, String from, Arena arena, List<String> attempts) {
    try {
      return new Found(lib, soname, from, SymbolLookup.libraryLookup(name, arena));
    } catch (IllegalArgumentException | IllegalCallerException e) {
      attempts.add(name + ": " + Dl.whyNot(name, e));
      return null;
    }
  }

  /** Whether every library loaded. */
  public boolean complete() { return missing.isEmpty(); }

  public List<Missing> missing() { return missing; }

  /** The library, or an exception that says what was tried. */
  public Found require(Library lib) {
    Found f = found.get(lib);
    if (f != null) return f;
    for (Missing m : missing) if (m.library() == lib) throw new CudaException("missing " + m.describe());
    throw new CudaException("missing " + lib);
  }

  /** One line per library: where it was found, or every attempt. */
  public String report() {
    StringBuilder sb = new StringBuilder();
    for (Library lib : Library.values()) {
      Found f = found.get(lib);
      if (f != null) sb.append(String.format("  %-10s %s (from %s)%n", lib, f.soname(), f.from()));
    }
    for (Missing m : missing) sb.append(String.format("  %-10s MISSING %s%n", m.library(), m.describe()));
    return sb.toString();
  }

  /** A one-line summary of what is missing ("" when nothing is). */
  public String missingSummary() {
    List<String> parts = new ArrayList<>();
    for (Missing m : missing) parts.add(m.describe());
    return String.join(" | ", parts);
  }

  /** Unloads the libraries; nothing bound to them may be used afterwards. */
  @Override
  public void close() { arena.close(); }

  /** dlopen's own reason for a library that does not load (the JDK's exception only says "cannot open"). */
  static final class Dl {
    private Dl() {}

    static String whyNot(String name, RuntimeException jdk) {
      try {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        var open = libc.find("dlopen");
        var error = libc.find("dlerror");
        var close = libc.find("dlclose");
        if (open.isEmpty() || error.isEmpty() || close.isEmpty()) return jdk.getMessage();
        MethodHandle dlopen = linker.downcallHandle(open.get(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle dlerror = linker.downcallHandle(error.get(), FunctionDescriptor.of(ValueLayout.ADDRESS));
        MethodHandle dlclose = linker.downcallHandle(close.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena a = Arena.ofConfined()) {
          MemorySegment h = (MemorySegment) dlopen.invokeExact(a.allocateFrom(name), 1 /* RTLD_LAZY */);
          if (!h.equals(MemorySegment.NULL)) {
            int ignored = (int) dlclose.invokeExact(h);
            return jdk.getMessage() + " (dlopen itself succeeds)";
          }
          MemorySegment msg = (MemorySegment) dlerror.invokeExact();
          return msg.equals(MemorySegment.NULL) ? jdk.getMessage() : msg.reinterpret(4096).getString(0);
        }
      } catch (Throwable t) {
        return jdk.getMessage();
      }
    }
  }
}
