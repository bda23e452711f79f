package dev.glimpse.agent.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ONNX Runtime peer of {@code glimpse bench engine}: the graphs that {@code python3 -m training.export_onnx}
 * wrote to a directory (its {@code manifest.json}), run by ONNX Runtime on the CPU with the bench's thread count.
 * Sessions are configured as the peer of a multi-threaded kernel: {@code threads} intra-op threads, one inter-op
 * thread, sequential execution, every graph optimisation. A graph exported without its weights
 * ({@code --no-weights}) takes them as inputs named as in the checkpoint: they are read from the model
 * directory's {@code model.safetensors}, converted to f32 as the Java engine loads them.
 */
public final class OnnxPeer implements AutoCloseable {
  /** What the manifest says about one graph. {@code sequence} holds a prefill graph's token inputs (else empty). */
  public record Graph(String name, String kind, int gridW, int gridH, Path file, Map<String, long[]> sequence) {
    public Graph {
      sequence = Map.copyOf(sequence);
    }
  }

  /** Inputs that carry data; any other graph input is a weight of the checkpoint. */
  public static final Set<String> DATA_INPUTS = Set.of("pixel_values", "input_ids", "image_index", "span", "rows");

  private final OrtEnvironment env;
  private final int threads;
  private final Path dir, checkpoint;
  private final List<Graph> graphs;
  private final Optional<Path> reference;
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  private OnnxPeer(OrtEnvironment env, int threads, Path dir, Path checkpoint, List<Graph> graphs, Optional<Path> reference) {
    this.env = env;
    this.threads = threads;
    this.dir = dir;
    this.checkpoint = checkpoint;
    this.graphs = List.copyOf(graphs);
    this.reference = reference;
  }

  /**
   * Reads {@code dir/manifest.json}; sessions are created on first use. {@code modelDir} is the model directory
   * the graphs were exported from (weights of graphs without them). Every problem is reported at once.
   */
  public static OnnxPeer open(Path dir, int threads, Path modelDir) throws IOException {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    Path manifest = dir.resolve("manifest.json");
    String hint = " (write it with: python3 -m training.export_onnx --model models/glimpse-tiny --out " + dir + ")";
    if (!Files.isRegularFile(manifest)) throw new IOException(manifest + " is missing" + hint);
    JsonNode root = new ObjectMapper().readTree(manifest.toFile());
    List<String> problems = new ArrayList<>();
    if (!"glimpse-onnx-1".equals(root.path("format").asText())) problems.add("format is not glimpse-onnx-1");
    if (!"float32".equals(root.path("dtype").asText())) problems.add("dtype is not float32");
    List<Graph> graphs = new ArrayList<>();
    for (JsonNode g : root.path("graphs")) {
      Path file = dir.resolve(g.path("file").asText());
      if (!Files.isRegularFile(file)) problems.add(file + " is missing");
      Map<String, long[]> seq = new HashMap<>();
      for (String k : List.of("input_ids", "image_index", "span")) {
        if (g.path("sequence").has(k)) {
          JsonNode a = g.path("sequence").get(k);
          long[] v = new long[a.size()];
          for (int i = 0; i < v.length; i++) v[i] = a.get(i).asLong();
          seq.put(k, v);
        }
      }
      String kind = g.path("kind").asText();
      if (kind.equals("prefill") && seq.size() != 3) problems.add(g.path("name").asText() + ": no token sequence");
      graphs.add(new Graph(g.path("name").asText(), kind, g.path("grid").path(0).asInt(), g.path("grid").path(1).asInt(),
          file, seq));
    }
    if (graphs.isEmpty()) problems.add("no graphs listed");
    Optional<Path> ref = root.has("reference") ? Optional.of(dir.resolve(root.get("reference").asText())) : Optional.empty();
    if (ref.isPresent() && !Files.isRegularFile(ref.get())) problems.add(ref.get() + " is missing");
    if (!problems.isEmpty()) throw new IOException(manifest + ": " + String.join("; ", problems) + hint);
    return new OnnxPeer(OrtEnvironment.getEnvironment(), threads, dir, modelDir.resolve("model.safetensors"), graphs, ref);
  }

  /** The ONNX Runtime version (of the native library in use). */
  public String version() { return env.getVersion(); }

  public Path dir() { return dir; }

  public List<Graph> graphs() { return graphs; }

  /** The exporter's PyTorch inputs and outputs (reference.safetensors), if it wrote them. */
  public Optional<Path> reference() { return reference; }

  /** The encoder graph for a grid of gridW × gridH pixels. */
  public Optional<Graph> encoder(int gridW, int gridH) {
    return graphs.stream().filter(g -> g.kind().equals("encoder") && g.gridW() == gridW && g.gridH() == gridH).findFirst();
  }

  /** The one-frame prefill graph, if exported. */
  public Optional<Graph> prefill() { return graphs.stream().filter(g -> g.kind().equals("prefill")).findFirst(); }

  /** The session of {@code g}, created (and its graph optimised) on first use; closed with this peer. */
  public Session session(Graph g) throws OrtException, IOException {
    Session s = sessions.get(g.name());
    if (s != null) return s;
    try (SessionOptions o = new SessionOptions()) {
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      o.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      OrtSession os = env.createSession(g.file().toString(), o);
      try {
        s = new Session(env, os, weights(g, os.getInputNames()));
      } catch (IOException | OrtException | RuntimeException e) {
        os.close();
        throw e;
      }
      sessions.put(g.name(), s);
      return s;
    }
  }

  /** The checkpoint tensors that graph g takes as inputs (none for graphs exported with their weights). */
  private Map<String, float[]> weights(Graph g, Set<String> inputs) throws IOException {
    Map<String, float[]> w = new HashMap<>();
    List<String> names = inputs.stream().filter(n -> !DATA_INPUTS.contains(n)).sorted().toList();
    if (names.isEmpty()) return w;
    try (Arena arena = Arena.ofConfined()) {
      Map<String, Tensor> t = Safetensors.open(checkpoint, arena).tensors();
      List<String> missing = names.stream().filter(n -> !t.containsKey(n)).toList();
      if (!missing.isEmpty()) {
        throw new IOException(g.file() + " takes weights that " + checkpoint + " lacks: " + missing
            + " (export the graphs from this model directory)");
      }
      for (String n : names) w.put(n, t.get(n).toFloats());
    }
    return w;
  }

  @Override
  public void close() throws OrtException {
    for (Session s : sessions.values()) s.close();
    sessions.clear();
  }

  /** One loaded graph. Inputs are flat row-major arrays; their shapes are the graph's own (fixed) input shapes. */
  public static final class Session implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> weights = new HashMap<>();   // made once: not part of any timed run

    Session(OrtEnvironment env, OrtSession session, Map<String, float[]> weights) throws OrtException {
      this.env = env;
      this.session = session;
      for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
        if (!(e.getValue().getInfo() instanceof TensorInfo t)) throw new IllegalStateException(e.getKey() + " is not a tensor");
        shapes.put(e.getKey(), t.getShape());
      }
      try {
        for (Map.Entry<String, float[]> w : weights.entrySet()) {
          long[] shape = shapes.get(w.getKey());
          if (shape == null) throw new IllegalArgumentException("graph inputs: unknown [" + w.getKey() + "]");
          this.weights.put(w.getKey(), tensor(w.getKey(), shape, w.getValue()));
        }
      } catch (OrtException | RuntimeException e) {
        closeWeights();
        throw e;
      }
    }

    /** Data input names and shapes (the weights it takes as inputs left out). */
    public Map<String, long[]> inputs() {
      Map<String, long[]> m = new LinkedHashMap<>(shapes);
      m.keySet().removeAll(weights.keySet());
      return m;
    }

    /**
     * Runs the graph on {@code data} (name → float[] or long[]) and returns its first output, flattened. Every
     * data input must be given with exactly its element count; extra names are errors.
     */
    public float[] run(Map<String, ?> data) throws OrtException {
      TreeSet<String> given = new TreeSet<>(weights.keySet());
      given.addAll(data.keySet());
      TreeSet<String> missing = new TreeSet<>(shapes.keySet()), extra = new TreeSet<>(given);
      missing.removeAll(given);
      extra.removeAll(shapes.keySet());
      if (!missing.isEmpty() || !extra.isEmpty()) {
        throw new IllegalArgumentException("graph inputs: missing " + missing + ", unknown " + extra);
      }
      Map<String, OnnxTensor> made = new HashMap<>();
      try {
        for (Map.Entry<String, ?> e : data.entrySet()) made.put(e.getKey(), tensor(e.getKey(), shapes.get(e.getKey()), e.getValue()));
        Map<String, OnnxTensor> feed = new HashMap<>(weights);
        feed.putAll(made);
        try (OrtSession.Result r = session.run(feed)) {
          FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
          float[] v = new float[out.remaining()];
          out.get(v);
          return v;
        }
      } finally {
        for (OnnxTensor t : made.values()) t.close();
      }
    }

    private OnnxTensor tensor(String name, long[] shape, Object value) throws OrtException {
      long n = 1;
      for (long s : shape) n *= s;
      int len = value instanceof float[] f ? f.length : value instanceof long[] l ? l.length : -1;
      if (len < 0) throw new IllegalArgumentException(name + ": expected float[] or long[]");
      if (len != n) throw new IllegalArgumentException(name + ": " + len + " elements, the graph wants " + n + " " + Arrays.toString(shape));
      return value instanceof float[] f ? OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape)
          : OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) value), shape);
    }

    private void closeWeights() {
      for (OnnxTensor t : weights.values()) t.close();
      weights.clear();
    }

    @Override
    public void close() throws OrtException {
      closeWeights();
      session.close();
    }
  }
}
