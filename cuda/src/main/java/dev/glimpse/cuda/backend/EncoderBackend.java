package dev.glimpse.cuda.backend;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaLibraries;
import dev.glimpse.cuda.Precision;
import dev.glimpse.csa.engine.LmSession;
import dev.glimpse.cuda.encoder.CudaVisionEncoder;
import dev.glimpse.cuda.lm.CudaLanguageModel;
import dev.glimpse.encoder.FrameEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Chooses, once at start-up, where frames are encoded: {@code cpu} (the model's own encoder, nothing probed),
 * {@code cuda} (the GPU; start-up fails with what is missing when there is none) or {@code auto} (the GPU when it
 * opens, else the CPU, with the reason logged). The language model stays on the CPU in every case for now.
 * Nothing here touches a native library until {@link #select} is called with auto or cuda.
 */
public final class EncoderBackend {
  private EncoderBackend() {}

  /** The configured choice. */
  public enum Choice {
    AUTO, CPU, CUDA;

    public static Choice parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown backend '" + s + "' (expected auto, cpu or cuda)");
      }
    }
  }

  /**
   * How to reach the GPU.
   *
   * @param search  where the NVIDIA libraries are looked for
   * @param device  CUDA device ordinal
   * @param encoder the CUDA encoder's options
   */
  public record CudaSettings(CudaLibraries.Search search, int device, CudaVisionEncoder.Options encoder) {
    /**
     * Defaults from the environment: library directories from {@code GLIMPSE_CUDA_LIB_DIRS} (colon-separated),
     * kernel cache in {@code $XDG_CACHE_HOME/glimpse/cuda} (else {@code ~/.cache/glimpse/cuda}).
     */
    public static CudaSettings fromEnvironment(Map<String, String> env, String userHome) {
      List<Path> dirs = Arrays.stream(env.getOrDefault("GLIMPSE_CUDA_LIB_DIRS", "").split(":"))
          .filter(s -> !s.isBlank()).map(Path::of).toList();
      String cacheRoot = env.getOrDefault("XDG_CACHE_HOME", userHome + "/.cache");
      CudaVisionEncoder.Options d = CudaVisionEncoder.Options.defaults();
      return new CudaSettings(CudaLibraries.Search.in(dirs), 0,
          new CudaVisionEncoder.Options(d.precision(), d.graphs(), d.lanes(), Path.of(cacheRoot, "glimpse", "cuda")));
    }

    public CudaSettings withEncoder(CudaVisionEncoder.Options o) { return new CudaSettings(search, device, o); }

    /** The same settings with the encoder computing in {@code p}. */
    public CudaSettings withPrecision(Precision p) {
      return withEncoder(new CudaVisionEncoder.Options(p, encoder.graphs(), encoder.lanes(), encoder.kernelCache()));
    }
  }

  /**
   * What was chosen.
   *
   * @param requested the configured choice
   * @param onGpu     whether frames go to the GPU
   * @param factory   makes the model's frame encoder (pass it to the model loader)
   * @param lm        makes each context's language-model session (pass it to the model loader too)
   * @param summary   the line to log: the choice, the device or the reason for the CPU
   */
  public record Selection(Choice requested, boolean onGpu, FrameEncoder.Factory factory, LmSession.Factory lm,
      String summary) {}

  /**
   * Selects from the environment's settings ({@link CudaSettings#fromEnvironment}) with the encoder in {@code p},
   * opening the real GPU: what every command and the agent call.
   */
  public static Selection select(Choice choice, Precision p) {
    CudaSettings s = CudaSettings.fromEnvironment(System.getenv(), System.getProperty("user.home")).withPrecision(p);
    return select(choice, s, System.getLogger("dev.glimpse.cuda"));
  }

  /** Selects with the real GPU opener ({@link Cuda#open}). */
  public static Selection select(Choice choice, CudaSettings settings, System.Logger log) {
    return select(choice, settings, s -> Cuda.open(s.search(), s.device()), log);
  }

  /**
   * Selects with {@code opener}. cpu: the CPU factory. cuda: opens the GPU now and throws
   * {@link IllegalStateException} naming what is missing when it cannot. auto: the GPU when it opens, else the CPU.
   * A GPU encoder that then fails to build (kernels, memory) fails the model load under cuda and falls back to the
   * CPU, logged, under auto.
   */
  public static Selection select(Choice choice, CudaSettings settings, Function<CudaSettings, Cuda> opener,
      System.Logger log) {
    if (choice == Choice.CPU) {
      return new Selection(choice, false, FrameEncoder.Factory.CPU, LmSession.Factory.CPU,
          "backend cpu: frames encoded and the language model run on the CPU");
    }
    Cuda cuda;
    try {
      cuda = opener.apply(settings);
    } catch (RuntimeException e) {
      if (choice == Choice.CUDA) {
        throw new IllegalStateException("backend cuda: no usable GPU: " + e.getMessage()
            + " (use --backend cpu or auto to run on the CPU; GLIMPSE_CUDA_LIB_DIRS adds library directories)", e);
      }
      String why = "backend auto → cpu: no usable GPU (" + e.getMessage() + ")";
      log.log(DEBUG, why);                            // callers report the selection's summary once
      return new Selection(choice, false, FrameEncoder.Factory.CPU, LmSession.Factory.CPU, why);
    }
    String where = cuda.describe();
    FrameEncoder.Factory factory = (cfg, weights, cpu) -> {
      try {
        return CudaVisionEncoder.create(cuda, true, cfg, weights, settings.encoder(), log);
      } catch (RuntimeException e) {
        if (choice == Choice.CUDA) throw new IOException("backend cuda: the CUDA encoder cannot start: " + e.getMessage(), e);
        log.log(WARNING, "backend auto → cpu: the CUDA encoder cannot start: " + e.getMessage());
        return cpu;
      }
    };
    LmSession.Factory lm = new CudaLanguageModel(cuda, settings.encoder().kernelCache(), choice == Choice.CUDA, log);
    return new Selection(choice, true, factory, lm, "backend " + choice.name().toLowerCase(Locale.ROOT)
        + " → cuda: frames encoded (" + settings.encoder().precision() + " GEMMs) and the language model run (f32) on "
        + where);
  }
}
