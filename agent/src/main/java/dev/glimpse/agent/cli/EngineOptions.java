package dev.glimpse.agent.cli;

import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.cuda.Precision;
import dev.glimpse.cuda.backend.EncoderBackend;
import dev.glimpse.tensor.Kernels;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Options shared by every command that runs the model: which model, where frames are encoded (--backend), which
 * CPU kernels and how many threads. The backend is chosen once, at start-up, and its line printed.
 */
public final class EngineOptions {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

  @Option(names = "--model", paramLabel = "DIR",
      description = "model directory (config.json, model.safetensors, tokenizer.json); default: the shipped models/glimpse-tiny")
  Path model;

  @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|cpu|cuda", description = {
      "where frames are encoded and the language model runs: cuda (the GPU; fails at start-up without one), cpu, or",
      "auto (the GPU when one is usable, else the CPU, with the reason printed). Default: ${DEFAULT-VALUE}"})
  String backend;

  @Option(names = "--precision", defaultValue = "f32", paramLabel = "f32|tf32|bf16", description = {
      "GEMM precision of the CUDA encoder: f32 (the reference), tf32 (tensor cores, ~1e-3) or bf16 (bf16 weights and",
      "inputs, f32 accumulation, ~1e-2; cuda/README.md). Default: ${DEFAULT-VALUE}"})
  String precision;

  @Option(names = "--kernels", defaultValue = "auto", paramLabel = "auto|vector|reference",
      description = "CPU kernels: vector (Vector API, multi-threaded), reference (scalar spec); auto = vector. Default: ${DEFAULT-VALUE}")
  String kernels;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "kernel threads (0 = one per core)")
  int threads;

  private EncoderBackend.Selection selection;

  /** The model directory: --model, else models/glimpse-tiny under the installation (glimpse.home) or here. */
  public Path modelDir() {
    if (model != null) return model;
    return Path.of(System.getProperty("glimpse.home", ".")).resolve("models/glimpse-tiny");
  }

  public int threadCount() { return threads > 0 ? threads : Runtime.getRuntime().availableProcessors(); }

  public Kernels createKernels() { return Kernels.create(kernels, threadCount()); }

  /**
   * Chooses where frames are encoded, once (the GPU is opened here for auto and cuda). A bad value, or cuda without
   * a usable GPU, is an {@link IllegalArgumentException} / {@link IllegalStateException} whose message says why.
   */
  public EncoderBackend.Selection selectBackend() {
    if (selection == null) {
      EncoderBackend.Choice choice = EncoderBackend.Choice.parse(backend);
      selection = EncoderBackend.select(choice, Precision.parse(precision));
    }
    return selection;
  }

  /**
   * Loads the model with new kernels and the selected frame backend, printing the choice; the caller closes both
   * (kernels after the model). --backend cuda without a GPU is a usage error naming what is missing.
   */
  public GlimpseModel load(Kernels k) throws IOException {
    EncoderBackend.Selection sel;
    try {
      sel = selectBackend();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
    }
    GlimpseModel m = GlimpseModel.load(modelDir(), k, sel.factory(), sel.lm());
    mixee.commandLine().getErr().println("glimpse " + mixee.name() + ": " + sel.summary() + "; frames on "
        + m.frameEncoder().describe() + "; the language model on " + sel.lm().describe() + " (CPU: " + k.name()
        + " kernels, " + threadCount() + " threads)");
    return m;
  }
}
