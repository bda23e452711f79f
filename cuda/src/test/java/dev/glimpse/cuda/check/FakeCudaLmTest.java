package dev.glimpse.cuda.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.csa.LanguageModel;
import dev.glimpse.csa.LmConfig;
import dev.glimpse.csa.LmWeights;
import dev.glimpse.csa.engine.LmSession;
import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaException;
import dev.glimpse.cuda.CudaLibraries;
import dev.glimpse.cuda.lm.CudaLanguageModel;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.SafetensorsWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CUDA language model (CudaLmSession, lm.cu) against the CPU language model, on the CPU stand-in for the NVIDIA
 * libraries: a random model small enough for it (d 96, 2 heads of 64, window 16, CSA m 4 with top-k 8, HCA m 8) fed
 * frame-like chunks through top-k selection, eviction, a re-base and a greedy decode (LmChecks.compareSessions, the
 * check the GPU run makes on the shipped model). The stand-in runs the real lm.cu; it cannot tell how a GPU rounds,
 * so the tolerance is the GPU check's.
 */
class FakeCudaLmTest {
  private static Path dir;
  private static Cuda cuda;

  @BeforeAll
  static void build() throws Exception {
    dir = FakeCuda.libraryDir();
    cuda = Cuda.open(CudaLibraries.Search.in(List.of(dir)), 0);
  }

  @AfterAll
  static void close() {
    if (cuda != null) cuda.close();
  }

  /** lm config of the random model: every layer type, top-k well below the entries a few frames make. */
  static final String CONFIG = """
      {"lm": {"hidden_size": 96, "num_hidden_layers": 4, "layer_types": ["sliding_attention",
        "compressed_sparse_attention", "heavily_compressed_attention", "compressed_sparse_attention"],
        "num_attention_heads": 2, "head_dim": 64, "partial_rotary_factor": 0.25, "q_lora_rank": 48, "o_groups": 2,
        "o_lora_rank": 32, "sliding_window": 16, "compress_rate_csa": 4, "compress_rate_hca": 8, "index_n_heads": 2,
        "index_head_dim": 32, "index_topk": 8, "rope_theta": 10000.0, "compress_rope_theta": 160000.0,
        "intermediate_size": 80, "vocab_size": 1088, "rms_norm_eps": 1e-06}}
      """;

  /** Writes random weights for {@code cfg} under the names LmWeights loads (docs/model.md §10.2). */
  static Path writeRandom(Path file, LmConfig cfg, long seed) throws Exception {
    Random rnd = new Random(seed);
    var a = cfg.attention();
    int d = cfg.hiddenSize(), v = cfg.vocabSize(), f = cfg.intermediateSize(), hd = a.heads() * a.headDim();
    int dq = a.qLoraRank(), g = a.oGroups(), dg = a.oLoraRank();
    SafetensorsWriter w = new SafetensorsWriter();
    w.put("lm.embed_tokens.weight", RandomModel.randn(rnd, v * d, 1), v, d);
    for (String s : List.of("lm.image_start", "lm.image_pad", "lm.image_newline", "lm.image_end")) w.put(s, RandomModel.randn(rnd, d, 1), d);
    for (int i = 0; i < cfg.layers(); i++) {
      String p = "lm.layers." + i + ".", at = p + "self_attn.";
      w.put(p + "input_layernorm.weight", RandomModel.around1(rnd, d), d);
      w.put(at + "q_a_proj.weight", RandomModel.randn(rnd, dq * d, 1 / Math.sqrt(d)), dq, d);
      w.put(at + "q_a_norm.weight", RandomModel.around1(rnd, dq), dq);
      w.put(at + "q_b_proj.weight", RandomModel.randn(rnd, hd * dq, 1 / Math.sqrt(dq)), hd, dq);
      w.put(at + "kv_proj.weight", RandomModel.randn(rnd, a.headDim() * d, 1 / Math.sqrt(d)), a.headDim(), d);
      w.put(at + "kv_norm.weight", RandomModel.around1(rnd, a.headDim()), a.headDim());
      w.put(at + "o_a_proj.weight", RandomModel.randn(rnd, g * dg * (hd / g), 1 / Math.sqrt(hd / g)), g * dg, hd / g);
      w.put(at + "o_b_proj.weight", RandomModel.randn(rnd, d * g * dg, 1 / Math.sqrt(g * dg)), d, g * dg);
      w.put(at + "sinks", RandomModel.randn(rnd, a.heads(), 1), a.heads());
      var type = cfg.layerTypes().get(i);
      if (type != dev.glimpse.csa.LayerType.SLIDING) {
        boolean csa = type == dev.glimpse.csa.LayerType.CSA;
        compressor(w, rnd, at + "compressor.", d, a.compressRate(type), a.headDim(), csa);
        if (csa) {
          String ix = at + "compressor.indexer.";
          compressor(w, rnd, ix, d, a.compressRateCsa(), a.indexHeadDim(), true);
          w.put(ix + "q_b_proj.weight", RandomModel.randn(rnd, a.indexHeads() * a.indexHeadDim() * dq, 1 / Math.sqrt(dq)),
              a.indexHeads() * a.indexHeadDim(), dq);
          w.put(ix + "scorer.weights_proj.weight", RandomModel.randn(rnd, a.indexHeads() * d, 1 / Math.sqrt(d)), a.indexHeads(), d);
        }
      }
      w.put(p + "post_attention_layernorm.weight", RandomModel.around1(rnd, d), d);
      w.put(p + "mlp.gate_proj.weight", RandomModel.randn(rnd, f * d, 1 / Math.sqrt(d)), f, d);
      w.put(p + "mlp.up_proj.weight", RandomModel.randn(rnd, f * d, 1 / Math.sqrt(d)), f, d);
      w.put(p + "mlp.down_proj.weight", RandomModel.randn(rnd, d * f, 1 / Math.sqrt(f)), d, f);
    }
    w.put("lm.norm.weight", RandomModel.around1(rnd, d), d);
    w.put("lm.lm_head.weight", RandomModel.randn(rnd, v * d, 1 / Math.sqrt(d)), v, d);
    w.write(file);
    return file;
  }

  private static void compressor(SafetensorsWriter w, Random rnd, String p, int d, int m, int dim, boolean overlap) {
    int cw = (overlap ? 2 : 1) * dim;
    w.put(p + "kv_proj.weight", RandomModel.randn(rnd, cw * d, 1 / Math.sqrt(d)), cw, d);
    w.put(p + "gate_proj.weight", RandomModel.randn(rnd, cw * d, 1 / Math.sqrt(d)), cw, d);
    w.put(p + "position_bias", RandomModel.randn(rnd, m * cw, 0.5), m, cw);
    w.put(p + "kv_norm.weight", RandomModel.around1(rnd, dim), dim);
  }

  @Test
  void theCudaSessionComputesWhatTheCpuSessionComputes() throws Exception {
    Path cfgFile = Files.writeString(dir.resolve("random-lm-config.json"), CONFIG);
    LmConfig cfg = LmConfig.of(cfgFile, new ObjectMapper().readTree(CONFIG));
    Path file = writeRandom(dir.resolve("random-lm.safetensors"), cfg, 21);
    try (Arena mapping = Arena.ofConfined(); Kernels ref = Kernels.create("reference", 1);
        LmWeights w = LmWeights.load(Safetensors.open(file, mapping), cfg);
        CudaLanguageModel gpuLm = new CudaLanguageModel(cuda, dir.resolve("cache"), true, System.getLogger("cuda"))) {
      LanguageModel lm = new LanguageModel(cfg, w, ref);
      try (LmSession cpu = new LmSession.Cpu(lm); LmSession gpu = gpuLm.open(lm)) {
        assertTrue(gpu.describe().startsWith("cuda"), gpu.describe());
        // 5 frames of 11 or 14 image rows: 17-21 tokens each, so the CSA layers hold more than k = 8 entries after
        // the second frame, and a chunk is longer than the 16-token window (the span reaches outside it); an
        // eviction after the fourth frame, a re-base after the fifth, then 12 decode steps.
        long t0 = System.nanoTime();
        CheckReport.Measured m = LmChecks.compareSessions(cpu, gpu, cfg, 5, 11, 14, 12, new Random(5));
        System.out.printf("fake CUDA language model: %s in %.1f s%n", m, (System.nanoTime() - t0) / 1e9);
        assertTrue(m.error() <= LmChecks.LOGITS, m.toString());
        assertEquals(cpu.position(), gpu.position());
        assertTrue(cpu.entries(1) > cfg.attention().indexTopk(), "top-k selected among " + cpu.entries(1) + " entries");
        assertEquals(12, ((dev.glimpse.cuda.lm.CudaLmSession) gpu).decodeReplays(), "every decode step replayed the graph");
      }
      try (LmSession cpu = new LmSession.Cpu(lm); LmSession eager = gpuLm.decodeGraphs(false).open(lm)) {
        CheckReport.Measured m = LmChecks.compareSessions(cpu, eager, cfg, 5, 11, 14, 4, new Random(6));
        assertTrue(m.error() <= LmChecks.LOGITS, "decode steps launched one by one: " + m);
        assertEquals(0, ((dev.glimpse.cuda.lm.CudaLmSession) eager).decodeReplays());
      }
    }
  }

  @Test
  void aModelTheKernelsCannotServeFailsAtTheFirstSessionNamingWhy() throws Exception {
    String narrow = CONFIG.replace("\"head_dim\": 64", "\"head_dim\": 32").replace("\"index_head_dim\": 32", "\"index_head_dim\": 16");
    LmConfig cfg = LmConfig.of(dir.resolve("narrow.json"), new ObjectMapper().readTree(narrow));
    Path file = writeRandom(dir.resolve("narrow-lm.safetensors"), cfg, 22);
    try (Arena mapping = Arena.ofConfined(); Kernels ref = Kernels.create("reference", 1);
        LmWeights w = LmWeights.load(Safetensors.open(file, mapping), cfg)) {
      LanguageModel lm = new LanguageModel(cfg, w, ref);
      try (CudaLanguageModel required = new CudaLanguageModel(cuda, null, true, System.getLogger("cuda"))) {
        CudaException e = assertThrows(CudaException.class, () -> required.open(lm));
        assertTrue(e.getMessage().contains("head_dim 64"), e.getMessage());
      }
      try (CudaLanguageModel auto = new CudaLanguageModel(cuda, null, false, System.getLogger("cuda"));
          LmSession s = auto.open(lm)) {
        assertEquals("cpu", s.describe(), "auto falls back to a CPU session");
      }
    }
  }
}
