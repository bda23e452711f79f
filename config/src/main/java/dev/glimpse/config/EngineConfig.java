package dev.glimpse.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The vision-language engine: which model, on which backend, with how much memory of the past.
 *
 * @param modelDir folder of the model (weights and tokenizer), relative to the working directory. Default
 *     {@code models/glimpse-tiny}.
 * @param backend where frames are encoded and the language model runs, chosen once at start-up and logged:
 *     {@code cuda} (the GPU; start-up fails naming what is missing without one), {@code cpu}, or {@code auto} (the GPU
 *     when it opens, else the CPU) (cuda/README.md).
 * @param threads CPU threads for the engine, 0 = one per core. Raising it speeds CPU encoding up to the core count
 *     but competes with decoding and the event loop; on a small robot computer leave a core for ingest.
 * @param contextFrames frames kept in each stream's multi-frame context (the KV cache), 1..100000. Raising it lets
 *     queries see further back (300 = 10 s at 30 fps) but grows KV memory linearly (up to 100 rows per layer per
 *     frame) and attention time with it.
 * @param maxBatch frames encoded together, across streams, 1..256. Raising it improves GPU throughput with many
 *     streams but adds latency (a batch waits for its last frame) and activation memory.
 * @param dtype weight precision at run time. {@code bf16} halves weight memory and bandwidth for about three
 *     significant digits (on the GPU: bf16 GEMMs, aligner rows within 2e-2 of f32); {@code q8} quarters it with a
 *     small accuracy loss (no GPU kernels yet: f32 there); {@code f32} is the reference. The CPU computes in f32.
 */
public record EngineConfig(Path modelDir, Backend backend, int threads, int contextFrames, int maxBatch, DType dtype) {
  public static final Path DEFAULT_MODEL_DIR = Path.of("models/glimpse-tiny");
  public static final Backend DEFAULT_BACKEND = Backend.AUTO;
  /** 0 = one thread per available core. */
  public static final int DEFAULT_THREADS = 0;
  public static final int DEFAULT_CONTEXT_FRAMES = 300;
  public static final int DEFAULT_MAX_BATCH = 4;
  public static final DType DEFAULT_DTYPE = DType.F32;

  /** Kernel backends. */
  public enum Backend { AUTO, CPU, CUDA }

  /** Weight precisions we ship kernels for (activations are always f32). */
  public enum DType { F32, BF16, Q8 }

  public EngineConfig {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(dtype, "dtype");
    Checks c = new Checks();
    c.notBlank("model_dir", modelDir.toString());
    c.inRange("threads", threads, 0, 1024);
    c.inRange("context_frames", contextFrames, 1, 100_000);
    c.inRange("max_batch", maxBatch, 1, 256);
    c.throwIfAny("EngineConfig");
  }

  public static EngineConfig defaults() {
    return new EngineConfig(DEFAULT_MODEL_DIR, DEFAULT_BACKEND, DEFAULT_THREADS, DEFAULT_CONTEXT_FRAMES,
        DEFAULT_MAX_BATCH, DEFAULT_DTYPE);
  }
}
