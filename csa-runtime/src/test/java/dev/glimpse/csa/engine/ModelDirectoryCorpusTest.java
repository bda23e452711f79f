package dev.glimpse.csa.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.tensor.Kernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded corpus of damaged copies of the small random-weight model directory ({@code config.json},
 * {@code tokenizer.json}, {@code model.safetensors}), loaded with {@link GlimpseModel#load}. Every copy must fail
 * with one IOException that lists every injected problem, each naming the file it is in; never another exception,
 * never a model. Copies with faults in several files must list all of them in the same error.
 */
class ModelDirectoryCorpusTest {
  static final Path SMOKE = Path.of("src/test/resources/smoke").toAbsolutePath();
  private static final long SEED = 0x6D6F_6465L;
  private static final int COMBINED = 12;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FILES = List.of("config.json", "tokenizer.json", "model.safetensors");
  /** Config faults whose problems only show against a readable tokenizer and checkpoint: tried alone. */
  private static final Set<String> ALONE = Set.of("vocab_size below the tokenizer's", "hidden_size doubled");
  private static Kernels kernels;

  @TempDir Path tmp;

  @BeforeAll
  static void kernels() { kernels = Kernels.create("reference", 1); }

  @AfterAll
  static void close() { kernels.close(); }

  /** The two halves of the model, each checked against its part of config.json. */
  enum Part { VISION, LM }

  /**
   * One fault in one file of the directory, and text the error must contain (besides that file's name). A config
   * fault may {@code break} a part's config, after which that part's tensors cannot be checked; a checkpoint fault
   * {@code needs} its part's config to be seen. Mixtures only combine faults that leave each other visible.
   */
  record Fault(String name, String file, UnaryOperator<byte[]> edit, List<String> says, Set<Part> breaks, Set<Part> needs) {
    Fault breaking(Part... parts) { return new Fault(name, file, edit, says, Set.of(parts), needs); }

    Fault needing(Part... parts) { return new Fault(name, file, edit, says, breaks, Set.of(parts)); }
  }

  static Fault config(String name, Consumer<ObjectNode> edit, String... says) {
    return new Fault(name, "config.json", json(edit), List.of(says), Set.of(), Set.of());
  }

  static Fault tokenizer(String name, Consumer<ObjectNode> edit, String... says) {
    return new Fault(name, "tokenizer.json", json(edit), List.of(says), Set.of(), Set.of());
  }

  static Fault weights(String name, BiConsumer<ObjectNode, Long> header, String... says) {
    return new Fault(name, "model.safetensors", b -> withHeader(b, header), List.of(says), Set.of(), Set.of());
  }

  static Fault bytes(String name, String file, UnaryOperator<byte[]> edit, String... says) {
    return new Fault(name, file, edit, List.of(says), Set.of(), Set.of());
  }

  static List<Fault> faults() {
    return List.of(
        // config.json
        bytes("config not JSON", "config.json", b -> "{\"vision\": ".getBytes(StandardCharsets.UTF_8), "config.json", "not valid JSON")
            .breaking(Part.VISION, Part.LM),
        bytes("config empty", "config.json", b -> new byte[0], "config.json").breaking(Part.VISION, Part.LM),
        bytes("config not UTF-8", "config.json", b -> replace(b, "\"smoke-random\"", "\"smoke-\u00ff\""
            .getBytes(StandardCharsets.ISO_8859_1)), "config.json").breaking(Part.VISION, Part.LM),
        config("config is an array", c -> c.removeAll().putArray("x"), "lm.hidden_size is missing", "vision.width")
            .breaking(Part.VISION, Part.LM),
        config("lm section missing", c -> c.remove("lm"), "lm.hidden_size is missing").breaking(Part.VISION, Part.LM),
        config("vision width changed", c -> vision(c).put("width", 96), "must equal width 96").breaking(Part.VISION),
        config("intermediate_size renamed", c -> lm(c).set("intermediate_sizes", lm(c).remove("intermediate_size")),
            "lm.intermediate_size is missing").breaking(Part.LM),
        config("unknown layer type", c -> ((ArrayNode) lm(c).get("layer_types")).set(1, "dense_attention"),
            "unknown layer type 'dense_attention'").breaking(Part.LM),
        config("one layer type too few", c -> ((ArrayNode) lm(c).get("layer_types")).remove(2),
            "lm.layer_types has 2 entries, num_hidden_layers is 3").breaking(Part.LM),
        config("head_dim is text", c -> lm(c).put("head_dim", "thirty-two"), "invalid attention config").breaking(Part.LM),
        config("negative patch size", c -> vision(c).put("patch_size", -14), "sizes must be positive").breaking(Part.VISION),
        config("classes missing", c -> c.remove("classes"), "'classes' and 'colors' lists are missing"),
        config("vocab_size below the tokenizer's", c -> lm(c).put("vocab_size", 1000),
            "tokenizer.json has 1088 tokens, the model's vocab_size is 1000", "'lm.embed_tokens.weight' is BF16 [1088, 64]"),
        config("hidden_size doubled", c -> lm(c).put("hidden_size", 128), "'lm.norm.weight' is F32 [64], expected float [128]"),
        // tokenizer.json
        bytes("tokenizer not JSON", "tokenizer.json", b -> Arrays.copyOf(b, b.length / 2), "tokenizer.json", "not valid JSON"),
        bytes("tokenizer empty", "tokenizer.json", b -> new byte[0], "tokenizer.json"),
        tokenizer("not WordLevel", t -> model(t).put("type", "BPE"), "expected a WordLevel model"),
        tokenizer("vocab is a list", t -> model(t).putArray("vocab"), "expected a WordLevel model"),
        tokenizer("a special token missing", t -> vocab(t).remove("<|eos|>"), "lacks [<|eos|>]"),
        tokenizer("a number token missing", t -> vocab(t).remove("7"), "lacks [7]"),
        tokenizer("negative id", t -> vocab(t).put("person", -5), "'person' has id -5"),
        tokenizer("id past the vocabulary", t -> vocab(t).put("person", 2_000_000_000), "'person' has id 2000000000"),
        tokenizer("id is text", t -> vocab(t).put("person", "x"), "'person' has id \"x\""),
        tokenizer("id is fractional", t -> vocab(t).put("person", 3.5), "'person' has id 3.5"),
        tokenizer("two tokens, one id", t -> vocab(t).put("person", vocab(t).get("box").asInt()), "'box' and 'person' both have id 1021"),
        // model.safetensors
        weights("an LM tensor renamed", (h, n) -> h.set("lm.norm.weights", h.remove("lm.norm.weight")),
            "missing 'lm.norm.weight'", "unused 'lm.norm.weights'").needing(Part.LM),
        weights("a vision tensor's entry left out", (h, n) -> h.remove("vision.norm.weight"), "belong to no tensor"),
        weights("an aligner matrix transposed", (h, n) -> entry(h, "aligner.fc1.weight").putArray("shape").add(576).add(128),
            "'aligner.fc1.weight' is BF16 [576, 128], expected float [128, 576]").needing(Part.VISION),
        weights("a norm relabelled I32", (h, n) -> entry(h, "lm.norm.weight").put("dtype", "I32"),
            "'lm.norm.weight' is I32 [64], expected float [64]").needing(Part.LM),
        weights("a stray vision tensor", (h, n) -> h.putObject("vision.blocks.9.norm1.weight").put("dtype", "F32")
            .<ObjectNode>set("shape", JSON.createArrayNode().add(64)).putArray("data_offsets").add(n).add(n + 256),
            "unused 'vision.blocks.9.norm1.weight'").needing(Part.VISION),
        weights("a header field of the wrong type", (h, n) -> entry(h, "lm.norm.weight").put("shape", "64"),
            "tensor 'lm.norm.weight': shape must be an array"),
        bytes("weights cut short", "model.safetensors", b -> Arrays.copyOf(b, b.length - 100), "file truncated?"),
        bytes("weights length field garbage", "model.safetensors", b -> ByteBuffer.wrap(b.clone()).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(0, -1).array(), "header length 18446744073709551615 is impossible"),
        bytes("weights empty", "model.safetensors", b -> new byte[0], "file is 0 bytes"));
  }

  // ---- editing the files

  static ObjectNode vision(ObjectNode c) { return (ObjectNode) c.get("vision"); }

  static ObjectNode lm(ObjectNode c) { return (ObjectNode) c.get("lm"); }

  static ObjectNode model(ObjectNode t) { return (ObjectNode) t.get("model"); }

  static ObjectNode vocab(ObjectNode t) { return (ObjectNode) model(t).get("vocab"); }

  static UnaryOperator<byte[]> json(Consumer<ObjectNode> edit) {
    return b -> {
      try {
        ObjectNode root = (ObjectNode) JSON.readTree(b);
        edit.accept(root);
        return JSON.writeValueAsBytes(root);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  static byte[] replace(byte[] b, String target, byte[] with) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    int i = s.indexOf(target);
    if (i < 0) throw new IllegalStateException("no '" + target + "'");
    byte[] t = target.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[b.length - t.length + with.length];
    System.arraycopy(b, 0, out, 0, i);
    System.arraycopy(with, 0, out, i, with.length);
    System.arraycopy(b, i + t.length, out, i + with.length, b.length - i - t.length);
    return out;
  }

  static ObjectNode entry(ObjectNode header, String tensor) { return (ObjectNode) header.get(tensor); }

  /**
   * The checkpoint with its header edited (given the data section's length, to place new tensors after it) and its
   * data kept, extended with zeros up to the furthest tensor end.
   */
  static byte[] withHeader(byte[] file, BiConsumer<ObjectNode, Long> edit) {
    int n = (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    byte[] data = Arrays.copyOfRange(file, 8 + n, file.length);
    try {
      ObjectNode h = (ObjectNode) JSON.readTree(new String(file, 8, n, StandardCharsets.UTF_8));
      edit.accept(h, (long) data.length);
      long end = data.length;
      for (JsonNode t : h) if (t.path("data_offsets").path(1).isIntegralNumber()) end = Math.max(end, t.path("data_offsets").path(1).asLong());
      data = Arrays.copyOf(data, (int) end);
      byte[] header = JSON.writeValueAsBytes(h);
      byte[] padded = Arrays.copyOf(header, header.length + (8 - header.length % 8) % 8);
      Arrays.fill(padded, header.length, padded.length, (byte) ' ');
      return ByteBuffer.allocate(8 + padded.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
          .putLong(padded.length).put(padded).put(data).array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the corpus

  /** A damaged directory: which faults went into it. */
  record Variant(String name, List<Fault> faults) {}

  /**
   * Every fault alone, then {@value #COMBINED} seeded mixtures of one fault in each of two or three files, where no
   * fault hides another (a config fault that breaks a part's config hides that part's checkpoint faults).
   */
  static List<Variant> corpus() {
    List<Fault> faults = faults();
    List<Variant> out = new ArrayList<>();
    for (Fault f : faults) out.add(new Variant(f.name(), List.of(f)));
    SplittableRandom rng = new SplittableRandom(SEED);
    while (out.size() < faults.size() + COMBINED) {
      List<String> files = new ArrayList<>(FILES);
      if (rng.nextBoolean()) files.remove(rng.nextInt(files.size()));
      List<Fault> mix = new ArrayList<>();
      for (String file : files) {
        List<Fault> in = faults.stream().filter(f -> f.file().equals(file) && f.breaks().size() < 2).toList();
        mix.add(in.get(rng.nextInt(in.size())));
      }
      boolean hidden = mix.stream().anyMatch(a -> mix.stream().anyMatch(b -> b.needs().stream().anyMatch(a.breaks()::contains)));
      if (!hidden && mix.stream().map(Fault::name).noneMatch(ALONE::contains)) {
        out.add(new Variant("mix " + (out.size() - faults.size()) + ": " + String.join(" + ", mix.stream().map(Fault::name).toList()), mix));
      }
    }
    return out;
  }

  /** The undamaged directory's files by name. */
  static Map<String, byte[]> undamaged() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String f : FILES) files.put(f, Files.readAllBytes(SMOKE.resolve(f)));
    return files;
  }

  /** {@code undamaged} with {@code v}'s faults applied. */
  static Map<String, byte[]> files(Map<String, byte[]> undamaged, Variant v) {
    Map<String, byte[]> files = new LinkedHashMap<>(undamaged);
    for (Fault f : v.faults()) files.put(f.file(), f.edit().apply(files.get(f.file())));
    return files;
  }

  @Test
  void everyDamagedDirectoryIsOneErrorListingEveryProblem() throws IOException {
    List<Variant> corpus = corpus();
    assertTrue(corpus.size() >= 40, "corpus size " + corpus.size());
    Map<String, byte[]> undamaged = undamaged();
    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (Variant v : corpus) {
      Path dir = Files.createDirectories(tmp.resolve("v" + outcomes.values().stream().mapToInt(Integer::intValue).sum()));
      for (Map.Entry<String, byte[]> e : files(undamaged, v).entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
      String failure = check(v, dir);
      outcomes.merge(failure == null ? "one error listing every problem" : "failed", 1, Integer::sum);
      if (failure != null) failures.add(v.name() + ": " + failure);
    }
    System.out.println("model directory corpus: " + corpus.size() + " directories: " + outcomes);
    assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n\n", failures));
  }

  /** Null when loading {@code dir} fails as it must. */
  private static String check(Variant v, Path dir) {
    String m;
    try (GlimpseModel model = GlimpseModel.load(dir, kernels)) {
      return "loaded a damaged model: " + model.name();
    } catch (IOException e) {
      m = e.getMessage();
    } catch (Throwable t) {
      return "expected an IOException, got " + t;
    }
    if (!m.startsWith("cannot load the model in " + dir + ":\n  - ")) return "not the model loader's error:\n" + m;
    String[] problems = m.substring(m.indexOf("\n  - ") + 5).split("\n  - ");
    for (String p : problems) {
      if (FILES.stream().noneMatch(p::contains)) return "a problem that names no file: " + p + "\nin:\n" + m;
    }
    if (Arrays.stream(problems).distinct().count() != problems.length) return "a problem listed twice:\n" + m;
    for (Fault f : v.faults()) {
      if (Arrays.stream(problems).noneMatch(p -> p.contains(f.file()))) return "nothing about " + f.file() + ":\n" + m;
      for (String s : f.says()) if (!m.contains(s)) return "does not say '" + s + "':\n" + m;
    }
    return m.length() < 20_000 ? null : "a message of " + m.length() + " characters";
  }

  @Test
  void corpusIsReproducible() throws IOException {
    Map<String, byte[]> undamaged = undamaged();
    List<String> a = new ArrayList<>(), b = new ArrayList<>();
    for (Variant v : corpus()) a.add(v.name() + " " + files(undamaged, v).values().stream().mapToInt(Arrays::hashCode).boxed().toList());
    for (Variant v : corpus()) b.add(v.name() + " " + files(undamaged, v).values().stream().mapToInt(Arrays::hashCode).boxed().toList());
    assertEquals(a, b);
  }

  /** The undamaged copy loads, so that the corpus tests damage, not the copying. */
  @Test
  void theUndamagedCopyLoads() throws IOException {
    for (String f : FILES) Files.copy(SMOKE.resolve(f), tmp.resolve(f));
    try (GlimpseModel m = GlimpseModel.load(tmp, kernels)) {
      assertEquals("smoke-random", m.name());
      JsonNode cfg = JSON.readTree(tmp.resolve("config.json").toFile());
      assertEquals(cfg.path("classes").size(), m.classes().size());
    }
  }
}
