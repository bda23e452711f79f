package dev.glimpse.cuda.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glimpse.csa.LanguageModel;
import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.FrameContext;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.csa.engine.LmSession;
import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.Precision;
import dev.glimpse.cuda.check.CheckReport.Measured;
import dev.glimpse.cuda.encoder.CudaVisionEncoder;
import dev.glimpse.cuda.lm.CudaLanguageModel;
import dev.glimpse.encoder.FrameEncoder;
import dev.glimpse.tensor.Kernels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The CUDA language model against the CPU one on the shipped model:
 * <ol>
 *   <li>sessions driven directly with frame chunks of random aligner rows: the logits of a probe after every frame
 *       (asked on a mark and rewound), through top-k selection (more than k entries), eviction, a re-base and a greedy
 *       decode; entry counts equal;</li>
 *   <li>held-out simulator scenes (raw streams): the CPU engine (CPU encoder and LM) and the CUDA engine (CUDA encoder
 *       f32 and LM) answer box / point / count on a present class and box on an absent one: texts identical;</li>
 *   <li>one long sequence in a context smaller than it (eviction, top-k on real frames): answers identical.</li>
 * </ol>
 * Tolerance of logits: max|a − b| / max|b| ≤ {@value #LOGITS}.
 */
final class LmChecks {
  static final double LOGITS = 1e-3;

  private final Cuda cuda;
  private final Path modelDir, cache;
  private final int threads;
  private final System.Logger log;
  private final Random rnd;

  LmChecks(Cuda cuda, Path modelDir, Path cache, int threads, System.Logger log, Random rnd) {
    this.cuda = cuda;
    this.modelDir = modelDir;
    this.cache = cache;
    this.threads = threads;
    this.log = log;
    this.rnd = rnd;
  }

  /** The GPU engine: CUDA encoder (f32) and CUDA language model. */
  static GlimpseModel gpuModel(Cuda cuda, Path modelDir, Kernels k, Path cache, System.Logger log) throws IOException {
    return gpuModel(cuda, modelDir, k, cache, log, true);
  }

  /** The GPU engine with decode steps replayed from a CUDA graph ({@code decodeGraphs}) or launched one by one. */
  static GlimpseModel gpuModel(Cuda cuda, Path modelDir, Kernels k, Path cache, System.Logger log, boolean decodeGraphs)
      throws IOException {
    FrameEncoder.Factory enc = (cfg, w, cpu) -> CudaVisionEncoder.create(cuda, false, cfg, w,
        new CudaVisionEncoder.Options(Precision.F32, true, 1, cache), log);
    return GlimpseModel.load(modelDir, k, enc, new CudaLanguageModel(cuda, cache, true, log).decodeGraphs(decodeGraphs));
  }

  void runAll(CheckReport report, List<Path> sceneFiles, Path sequenceFile) throws Exception {
    try (Kernels k = Kernels.create("vector", threads); GlimpseModel cpu = GlimpseModel.load(modelDir, k);
        GlimpseModel gpu = gpuModel(cuda, modelDir, k, cache, log)) {
      report.run("lm sessions: logits after each frame, top-k, eviction, re-base, decode (CPU vs CUDA)", LOGITS,
          () -> sessions(cpu, gpu));
      List<RawFrames.Frame> scenes = new ArrayList<>();
      List<int[]> sizes = new ArrayList<>();
      for (Path f : sceneFiles) {
        RawFrames r = RawFrames.read(f);
        for (RawFrames.Frame fr : r.frames()) {
          scenes.add(fr);
          sizes.add(new int[] {r.width(), r.height()});
        }
      }
      if (!scenes.isEmpty()) {
        report.run("lm answers on " + scenes.size() + " held-out scenes: CUDA engine = CPU engine (texts)", 0,
            () -> scenes(cpu, gpu, scenes, sizes));
      }
      if (sequenceFile != null) {
        RawFrames seq = RawFrames.read(sequenceFile);
        report.run("lm answers along a " + seq.frames().size() + "-frame sequence in a 16-frame context (texts)", 0,
            () -> sequence(cpu, gpu, seq));
      }
    }
  }

  private Measured sessions(GlimpseModel cpuModel, GlimpseModel gpuModel) {
    LanguageModel lm = gpuModel.lm();
    try (LmSession cpu = new LmSession.Cpu(cpuModel.lm()); LmSession gpu = gpuModel.lmSessions().open(lm)) {
      return compareSessions(cpu, gpu, lm.config(), 6, 81, 108, 30, rnd);
    }
  }

  /**
   * Feeds {@code cpu} and {@code gpu} the same {@code frames} frame-like chunks ({@link #syntheticFrame}: alternately
   * {@code small} and {@code large} image rows, random aligner rows), evicting all but the last two frames after
   * the fourth and re-basing by 64 after the fifth; after every frame a 6-token probe asked on a mark (then rewound)
   * must give the same logits (relative error ≤ {@value #LOGITS}) and both must hold the same entries and keys; then
   * {@code steps} greedy decode steps must pick the same tokens. Returns the largest logits error.
   */
  static Measured compareSessions(LmSession cpu, LmSession gpu, dev.glimpse.csa.LmConfig cfg, int frames, int small,
      int large, int steps, Random rnd) {
    int d = cfg.hiddenSize();
    double worst = 0;
    List<Long> starts = new ArrayList<>();
    int[] probe = {1007, 1009, 3, 17, 1010, 1008};
    for (int f = 0; f < frames; f++) {
      int n = f % 2 == 0 ? small : large;
      FrameContext.Chunk c = syntheticFrame(cfg.vocabSize(), f, n, f == 0);
      float[] rows = new float[n * d];
      for (int i = 0; i < rows.length; i++) rows[i] = (float) rnd.nextGaussian();
      starts.add(cpu.position());
      cpu.feed(c.ids(), c.imageRow(), rows, c.spanFrom(), c.spanTo(), false);
      gpu.feed(c.ids(), c.imageRow(), rows, c.spanFrom(), c.spanTo(), false);
      if (f == 3) {                                                                  // keep the last two frames
        cpu.evictBefore(starts.get(2));
        gpu.evictBefore(starts.get(2));
      }
      if (f == 4) {
        cpu.rebase(64);
        gpu.rebase(64);
      }
      worst = Math.max(worst, probe(cpu, gpu, probe, "frame " + f));
      for (int i = 0; i < cfg.layers(); i++) {
        if (cpu.entries(i) != gpu.entries(i) || cpu.indexerKeyRows(i) != gpu.indexerKeyRows(i)) {
          throw new AssertionError("frame " + f + " layer " + i + ": entries " + gpu.entries(i) + " / keys "
              + gpu.indexerKeyRows(i) + " on the GPU, " + cpu.entries(i) + " / " + cpu.indexerKeyRows(i) + " on the CPU");
        }
      }
    }
    if (cpu.position() != gpu.position()) throw new AssertionError("positions differ after rewinds");
    cpu.mark();
    gpu.mark();
    float[] a = cpu.feed(probe, new int[probe.length], null, 0, 0, true), b = gpu.feed(probe, new int[probe.length], null, 0, 0, true);
    for (int step = 0; step < steps; step++) {
      worst = Math.max(worst, CheckReport.relError(b, a));
      int ta = argmax(a), tb = argmax(b);
      if (ta != tb) throw new AssertionError("greedy decode step " + step + ": CPU picks " + ta + ", GPU " + tb);
      a = cpu.feed(new int[] {ta}, new int[1], null, 0, 0, true);
      b = gpu.feed(new int[] {tb}, new int[1], null, 0, 0, true);
    }
    cpu.rewind();
    gpu.rewind();
    int csa = cfg.layerTypes().indexOf(dev.glimpse.csa.LayerType.CSA);
    return new Measured(worst, frames + " frames (" + (csa < 0 ? 0 : cpu.entries(csa)) + " CSA entries held at the end, top-k "
        + cfg.attention().indexTopk() + "), " + steps + " decode steps");
  }

  /**
   * A frame's chunk shaped as {@link FrameContext} lays one out ({@code [<|bos|>] <|frame|> TAG}, then START, n
   * IMAGE slots with a NEWLINE after every 9, END; the image span from START to END), taking aligner rows 0 … n−1.
   */
  static FrameContext.Chunk syntheticFrame(int vocab, int tag, int n, boolean bos) {
    List<Integer> ids = new ArrayList<>(), rowOf = new ArrayList<>();
    if (bos) ids.add(1001);
    ids.add(1005);
    ids.add(tag % 1000);
    int spanFrom = ids.size();
    ids.add(vocab);                                                                 // START
    for (int i = 0; i < n; i++) {
      while (rowOf.size() < ids.size()) rowOf.add(-1);
      ids.add(vocab + 2);                                                           // IMAGE
      rowOf.add(i);
      if (i % 9 == 8) ids.add(vocab + 3);                                           // NEWLINE
    }
    ids.add(vocab + 4);                                                             // END
    while (rowOf.size() < ids.size()) rowOf.add(-1);
    return new FrameContext.Chunk(ids.stream().mapToInt(Integer::intValue).toArray(),
        rowOf.stream().mapToInt(Integer::intValue).toArray(), spanFrom, ids.size());
  }

  static double probe(LmSession cpu, LmSession gpu, int[] ids, String where) {
    cpu.mark();
    gpu.mark();
    float[] a = cpu.feed(ids, new int[ids.length], null, 0, 0, true), b = gpu.feed(ids, new int[ids.length], null, 0, 0, true);
    cpu.rewind();
    gpu.rewind();
    double e = CheckReport.relError(b, a);
    if (!(e <= LOGITS)) throw new AssertionError(where + ": logits differ by " + e);
    return e;
  }

  private static int argmax(float[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
    return best;
  }

  /** The four queries of a scene: box / point / count a present class, box an absent one. */
  static List<String> queries(JsonNode labels, List<String> classes) {
    Set<String> present = new LinkedHashSet<>();
    for (JsonNode o : labels.path("objects")) present.add(o.path("class").asText());
    String target = present.isEmpty() ? classes.getFirst() : present.iterator().next();
    String absent = classes.stream().filter(c -> !present.contains(c)).findFirst().orElse("objects");
    return List.of("box all " + target, "point to all " + target, "count " + target, "box all " + absent);
  }

  private Measured scenes(GlimpseModel cpu, GlimpseModel gpu, List<RawFrames.Frame> scenes, List<int[]> sizes) {
    int same = 0, total = 0;
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < scenes.size(); i++) {
      RawFrames.Frame f = scenes.get(i);
      int w = sizes.get(i)[0], h = sizes.get(i)[1];
      try (FrameContext a = cpu.newContext(1); FrameContext b = gpu.newContext(1)) {
        a.append(f.rgb(), w, h);
        b.append(f.rgb(), w, h);
        for (String q : queries(f.labels(), cpu.classes())) {
          Answer x = a.ask(q), y = b.ask(q);
          total++;
          if (x.text().equals(y.text())) same++;
          else if (diffs.size() < 5) diffs.add("scene " + f.scene() + " '" + q + "': CPU " + x.text() + " | GPU " + y.text());
        }
      }
    }
    String detail = same + " of " + total + " answers identical" + (diffs.isEmpty() ? "" : "; " + String.join("; ", diffs));
    return new Measured(total - same, detail);
  }

  private Measured sequence(GlimpseModel cpu, GlimpseModel gpu, RawFrames seq) {
    int same = 0, total = 0;
    List<String> diffs = new ArrayList<>();
    try (FrameContext a = cpu.newContext(16); FrameContext b = gpu.newContext(16)) {
      for (RawFrames.Frame f : seq.frames()) {
        a.append(f.rgb(), seq.width(), seq.height());
        b.append(f.rgb(), seq.width(), seq.height());
        if (f.index() % 4 != 3) continue;
        for (String q : queries(f.labels(), cpu.classes()).subList(0, 2)) {
          Answer x = a.ask(q), y = b.ask(q);
          total++;
          if (x.text().equals(y.text())) same++;
          else if (diffs.size() < 5) diffs.add("frame " + f.index() + " '" + q + "': CPU " + x.text() + " | GPU " + y.text());
        }
        if (a.kv().rowsPerLayer() != b.kv().rowsPerLayer()) {
          throw new AssertionError("frame " + f.index() + ": " + b.kv().rowsPerLayer() + " CSA rows on the GPU, "
              + a.kv().rowsPerLayer() + " on the CPU");
        }
      }
    }
    return new Measured(total - same, same + " of " + total + " answers identical"
        + (diffs.isEmpty() ? "" : "; " + String.join("; ", diffs)));
  }
}
