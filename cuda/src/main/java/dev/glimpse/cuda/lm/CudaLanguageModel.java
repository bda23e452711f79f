package dev.glimpse.cuda.lm;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.glimpse.csa.LanguageModel;
import dev.glimpse.csa.LmConfig;
import dev.glimpse.csa.engine.LmSession;
import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaException;
import dev.glimpse.cuda.CudaStream;
import dev.glimpse.cuda.KernelCompiler;
import dev.glimpse.cuda.KernelModule;
import dev.glimpse.cuda.encoder.EncoderKernels;
import java.nio.file.Path;

/**
 * The language model of docs/model.md §6 on an NVIDIA GPU, as a {@link LmSession.Factory}: each context gets a
 * {@link CudaLmSession} whose raw windows, compressed entries and indexer keys stay resident in device memory. The
 * weights are uploaded (f32) once, at the first session, from the model's own loaded {@link LanguageModel}; the
 * kernels (lm.cu, and encoder.cu for the shared ones) are compiled by NVRTC or taken from the kernel cache.
 * When {@code required} is false a GPU that fails at that point gives CPU sessions, logged once; else the failure
 * is thrown. Does not own the {@link Cuda} it is given.
 */
public final class CudaLanguageModel implements LmSession.Factory {
  private final Cuda cuda;
  private final Path kernelCache;
  private final boolean required;
  private final System.Logger log;
  private LanguageModel loadedFor;
  private DeviceLmWeights weights;
  private KernelModule lmModule, encoderModule;
  private LmKernels kernels;
  private String failure;
  private boolean closed;
  private volatile boolean decodeGraphs = true;

  public CudaLanguageModel(Cuda cuda, Path kernelCache, boolean required, System.Logger log) {
    this.cuda = cuda;
    this.kernelCache = kernelCache;
    this.required = required;
    this.log = log;
  }

  @Override
  public synchronized LmSession open(LanguageModel lm) {
    if (closed) throw new IllegalStateException("the CUDA language model is closed");
    if (failure == null && loadedFor == null) load(lm);
    if (failure != null) return new LmSession.Cpu(lm);
    if (loadedFor != lm) throw new IllegalArgumentException("this CUDA language model serves one loaded model");
    return new CudaLmSession(cuda, kernels, weights, lm.config(), decodeGraphs);
  }

  private void load(LanguageModel lm) {
    cuda.makeCurrent();
    LmConfig cfg = lm.config();
    try {
      if (cfg.attention().headDim() != 64) {
        throw new CudaException("the CUDA language model needs head_dim 64, the model has " + cfg.attention().headDim());
      }
      KernelCompiler compiler = new KernelCompiler(cuda, kernelCache, log);
      encoderModule = compiler.load("encoder", EncoderKernels.source());
      lmModule = compiler.load("lm", LmKernels.source());
      kernels = new LmKernels(lmModule, encoderModule);
      try (CudaStream s = new CudaStream(cuda.driver())) {
        weights = new DeviceLmWeights(cuda.driver(), s.handle(), cfg, lm.weights());
      }
      loadedFor = lm;
      log.log(INFO, String.format("CUDA language model on %s: f32, weights %.1f MiB on the device, kernels %s",
          cuda.describe(), weights.bytes / (double) (1 << 20), lmModule.description()));
    } catch (RuntimeException e) {
      release();
      if (required) throw new CudaException("backend cuda: the CUDA language model cannot start: " + e.getMessage(), e);
      failure = e.getMessage();
      log.log(WARNING, "backend auto → cpu for the language model: the CUDA language model cannot start: " + failure);
    }
  }

  @Override
  public synchronized String describe() {
    return failure != null ? "cpu (the CUDA language model could not start: " + failure + ")"
        : "cuda (" + cuda.device().name() + ", f32, the KV context in device memory)";
  }

  /**
   * Whether sessions opened from now on replay each decoded token from a captured CUDA graph (default; one launch
   * instead of ~170) or launch its kernels one by one (for comparison).
   */
  public CudaLanguageModel decodeGraphs(boolean on) {
    decodeGraphs = on;
    return this;
  }

  private void release() {
    if (weights != null) weights.close();
    if (lmModule != null) lmModule.close();
    if (encoderModule != null) encoderModule.close();
    weights = null;
    lmModule = encoderModule = null;
  }

  /** Frees the weights and kernels; close every session first. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    cuda.makeCurrent();
    release();
  }
}
