package dev.glimpse.agent.cli;

import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.tensor.Kernels;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that runs the model: which model, which CPU kernels, how many threads. */
public final class EngineOptions {
  @Option(names = "--model", paramLabel = "DIR",
      description = "model directory (config.json, model.safetensors, tokenizer.json); default: the shipped models/glimpse-tiny")
  Path model;

  @Option(names = "--kernels", defaultValue = "auto", paramLabel = "auto|vector|reference",
      description = "CPU kernels: vector (Vector API, multi-threaded), reference (scalar spec); auto = vector. Default: ${DEFAULT-VALUE}")
  String kernels;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "kernel threads (0 = one per core)")
  int threads;

  /** The model directory: --model, else models/glimpse-tiny under the installation (glimpse.home) or here. */
  public Path modelDir() {
    if (model != null) return model;
    return Path.of(System.getProperty("glimpse.home", ".")).resolve("models/glimpse-tiny");
  }

  public int threadCount() { return threads > 0 ? threads : Runtime.getRuntime().availableProcessors(); }

  public Kernels createKernels() { return Kernels.create(kernels, threadCount()); }

  /** Loads the model with new kernels; the caller closes both (kernels after the model). */
  public GlimpseModel load(Kernels k) throws IOException { return GlimpseModel.load(modelDir(), k); }
}
