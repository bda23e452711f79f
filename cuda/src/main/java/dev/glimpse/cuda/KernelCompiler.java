package dev.glimpse.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Compiles CUDA C sources with NVRTC for the GPU at hand and loads them, keeping each compiled image in a disk cache
 * keyed by the source and options (SHA-256), the architecture, the driver's CUDA version and NVRTC's version, so a
 * later start loads the CUBIN without compiling. A CUBIN for the real architecture ({@code sm_XY}) is preferred; if
 * NVRTC cannot make one (an NVRTC older than the GPU), PTX for {@code compute_XY} is tried and JIT-compiled by the
 * driver. A cached image the driver rejects is dropped and recompiled.
 */
public final class KernelCompiler {
  private final Cuda cuda;
  private final Path cacheDir;
  private final System.Logger log;

  /** {@code cacheDir} may be null: compile every time. */
  public KernelCompiler(Cuda cuda, Path cacheDir, System.Logger log) {
    this.cuda = cuda;
    this.cacheDir = cacheDir;
    this.log = log;
  }

  /** Compiles (or takes from the cache) and loads {@code source}; {@code name} names it in logs and file names. */
  public KernelModule load(String name, String source) {
    String arch = cuda.device().arch();
    int[] nv = cuda.nvrtc().version();
    List<String> options = List.of("--gpu-architecture=" + arch, "-std=c++17");
    String key = name + "-" + arch + "-drv" + cuda.driverVersion() + "-nvrtc" + nv[0] + "." + nv[1] + "-"
        + sha256(source + "\0" + String.join(" ", options)).substring(0, 16);
    Path cached = cacheDir == null ? null : cacheDir.resolve(key + ".cubin");
    if (cached != null && Files.isRegularFile(cached)) {
      try {
        byte[] image = Files.readAllBytes(cached);
        return new KernelModule(cuda.driver(), loadImage(image), name + " (cached " + cached + ")");
      } catch (IOException | CudaException e) {
        log.log(System.Logger.Level.WARNING, "cached kernels " + cached + " not usable (" + e.getMessage() + "); recompiling");
      }
    }
    List<String> failures = new ArrayList<>();
    long t0 = System.nanoTime();
    try {
      Nvrtc.Output out = cuda.nvrtc().compile(source, name + ".cu", options, true);
      MemorySegment module = loadImage(out.image());
      store(cached, out.image());
      return new KernelModule(cuda.driver(), module, String.format("%s (NVRTC → %s CUBIN in %.1f s%s)", name, arch,
          (System.nanoTime() - t0) / 1e9, cached == null ? "" : ", cached as " + cached));
    } catch (CudaException e) {
      failures.add(e.getMessage());
    }
    String virtual = "compute_" + arch.substring(3);
    try {
      Nvrtc.Output out = cuda.nvrtc().compile(source, name + ".cu", List.of("--gpu-architecture=" + virtual, "-std=c++17"),
          false);
      return new KernelModule(cuda.driver(), loadImage(out.image()), name + " (NVRTC → " + virtual + " PTX, driver JIT)");
    } catch (CudaException e) {
      failures.add(e.getMessage());
    }
    throw new CudaException("cannot build the " + name + " kernels for " + cuda.device().name() + " (" + arch + "):\n  "
        + String.join("\n  ", failures));
  }

  private MemorySegment loadImage(byte[] image) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment seg = a.allocate(image.length + 1L, 16);
      MemorySegment.copy(image, 0, seg, ValueLayout.JAVA_BYTE, 0, image.length);
      return cuda.driver().moduleLoad(seg);
    }
  }

  private void store(Path file, byte[] image) {
    if (file == null) return;
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.write(tmp, image);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.log(System.Logger.Level.WARNING, "cannot cache kernels in " + file + ": " + e.getMessage());
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
