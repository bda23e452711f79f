package dev.glimpse.csa.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.csa.LanguageModel;
import dev.glimpse.csa.LmConfig;
import dev.glimpse.csa.LmWeights;
import dev.glimpse.encoder.EncoderConfig;
import dev.glimpse.encoder.EncoderWeights;
import dev.glimpse.encoder.FrameEncoder;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Safetensors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded model directory (docs/model.md §10: {@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json}): the vision encoder, the language model and the vocabulary. Immutable and shareable by
 * many {@link FrameContext}s (one per stream). Loading reports every problem of every file in one error.
 */
public final class GlimpseModel implements AutoCloseable {
  private final Path dir;
  private final String name;
  private final VisionEncoder encoder;
  private final FrameEncoder frames;
  private final LanguageModel lm;
  private final LmWeights lmWeights;
  private final Vocabulary vocab;
  private final List<String> classes, colors;
  private final LmSession.Factory sessions;

  private GlimpseModel(Path dir, String name, VisionEncoder encoder, FrameEncoder frames, LanguageModel lm,
      LmWeights lmWeights, Vocabulary vocab, List<String> classes, List<String> colors, LmSession.Factory sessions) {
    this.dir = dir;
    this.name = name;
    this.encoder = encoder;
    this.frames = frames;
    this.lm = lm;
    this.lmWeights = lmWeights;
    this.vocab = vocab;
    this.classes = List.copyOf(classes);
    this.colors = List.copyOf(colors);
    this.sessions = sessions;
  }

  /** Loads {@code dir}; the kernels run every matmul and norm (choose them with {@link Kernels#create}). */
  public static GlimpseModel load(Path dir, Kernels kernels) throws IOException {
    return load(dir, kernels, FrameEncoder.Factory.CPU);
  }

  /**
   * Loads {@code dir} with frames encoded by what {@code frames} makes from the loaded vision weights (the CPU
   * encoder itself, or e.g. the CUDA encoder); the language model runs on {@code kernels}.
   */
  public static GlimpseModel load(Path dir, Kernels kernels, FrameEncoder.Factory frames) throws IOException {
    return load(dir, kernels, frames, LmSession.Factory.CPU);
  }

  /**
   * Loads {@code dir} with frames encoded by what {@code frames} makes and each context's language model run by a
   * session from {@code sessions} (the CPU's, or e.g. the GPU's).
   */
  public static GlimpseModel load(Path dir, Kernels kernels, FrameEncoder.Factory frames, LmSession.Factory sessions)
      throws IOException {
    List<String> problems = new ArrayList<>();
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      if (!Files.isRegularFile(dir.resolve(f))) problems.add(dir.resolve(f) + " is missing");
    }
    if (!problems.isEmpty()) {
      throw new IOException("not a model directory: " + String.join("; ", problems)
          + " (export one with python3 -m training.export, or use models/glimpse-tiny)");
    }
    EncoderConfig ec = null;
    LmConfig lc = null;
    Vocabulary vocab = null;
    List<String> classes = List.of(), colors = List.of();
    String name = dir.getFileName().toString();
    Path configJson = dir.resolve("config.json");
    JsonNode root = null;
    try {
      root = new ObjectMapper().readTree(configJson.toFile());
      if (root == null || !root.isObject()) {
        problems.add(configJson + ": expected a JSON object (export one with python3 -m training.export)");
        root = null;
      }
    } catch (IOException e) {
      problems.add(configJson + ": " + (e instanceof JsonProcessingException j ? "not valid JSON: " + j.getOriginalMessage()
          : e.getMessage()));
    }
    if (root != null) { // an unreadable config.json is one problem, not one per reader
      try {
        ec = EncoderConfig.of(configJson, root);
      } catch (IOException | IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
      try {
        lc = LmConfig.of(configJson, root);
      } catch (IOException e) {
        problems.add(e.getMessage());
      }
      classes = strings(root.path("classes"));
      colors = strings(root.path("colors"));
      name = root.path("name").asText(name);
      if (classes.isEmpty() || colors.isEmpty()) problems.add(configJson + ": 'classes' and 'colors' lists are missing");
    }
    try {
      vocab = Vocabulary.load(dir.resolve("tokenizer.json"));
    } catch (IOException e) {
      problems.add(e.getMessage());
    }
    EncoderWeights ew = null;
    LmWeights lw = null;
    if (ec != null || lc != null) {
      try (Arena mapping = Arena.ofConfined()) {                 // one open for both halves: one report per file problem
        Safetensors st = Safetensors.open(dir.resolve("model.safetensors"), mapping);
        if (ec != null) {
          try {
            ew = EncoderWeights.load(st, ec);
          } catch (IOException e) {
            problems.add(e.getMessage());
          }
        }
        if (lc != null) {
          try {
            lw = LmWeights.load(st, lc);
          } catch (IOException e) {
            problems.add(e.getMessage());
          }
        }
      } catch (IOException e) {
        problems.add(e.getMessage());
      }
    }
    if (lc != null && vocab != null && vocab.size() > lc.vocabSize()) {
      problems.add("tokenizer.json has " + vocab.size() + " tokens, the model's vocab_size is " + lc.vocabSize());
    }
    if (!problems.isEmpty()) {
      if (ew != null) ew.close();
      if (lw != null) lw.close();
      throw new IOException("cannot load the model in " + dir + ":\n  - " + String.join("\n  - ", problems));
    }
    VisionEncoder cpu = new VisionEncoder(kernels, ec, ew);
    FrameEncoder fe;
    try {
      fe = frames.create(ec, ew, cpu);
    } catch (IOException | RuntimeException e) {
      ew.close();
      lw.close();
      throw e;
    }
    return new GlimpseModel(dir, name, cpu, fe, new LanguageModel(lc, lw, kernels), lw, vocab, classes, colors,
        sessions);
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : arr) out.add(n.asText());
    return out;
  }

  public Path dir() { return dir; }

  public String name() { return name; }

  /** The CPU vision encoder (probes, fixtures); frames of a context go through {@link #frameEncoder}. */
  public VisionEncoder encoder() { return encoder; }

  /** What encodes appended frames: the CPU encoder, or another backend chosen at load. */
  public FrameEncoder frameEncoder() { return frames; }

  public LanguageModel lm() { return lm; }

  public Vocabulary vocabulary() { return vocab; }

  /** What makes each context's language-model session. */
  public LmSession.Factory lmSessions() { return sessions; }

  public List<String> classes() { return classes; }

  public List<String> colors() { return colors; }

  /** A new empty context holding at most {@code capacityFrames} frames (1..999); close it when the stream ends. */
  public FrameContext newContext(int capacityFrames) { return new FrameContext(this, capacityFrames); }

  @Override
  public void close() {
    sessions.close();                    // before the frame encoder, which may own the GPU the sessions use
    if (frames != encoder) frames.close();
    encoder.close();
    lmWeights.close();
  }
}
