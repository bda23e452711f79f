package dev.glimpse.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.agent.eval.AnswerSyntax;
import dev.glimpse.agent.eval.EvalManifest;
import dev.glimpse.agent.eval.EvalReport;
import dev.glimpse.agent.eval.EvalReport.AnswerRecord;
import dev.glimpse.agent.eval.GroundingMetrics;
import dev.glimpse.agent.eval.MetricsComparison;
import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.FrameContext;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.csa.engine.Query;
import dev.glimpse.csa.engine.Vocabulary;
import dev.glimpse.tensor.Kernels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glimpse eval model}: the single-frame accuracy table (docs/model.md §8.4) of the CPU engine on a manifest
 * written by {@code python3 -m training.eval_manifest}, optionally side by side with PyTorch's numbers on it.
 * Each scene goes through the path of {@code glimpse query}: a fresh one-frame context, the image encoded and
 * prefilled once, then every query asked on it (asking leaves the context unchanged).
 */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = {"Score the model on a held-out manifest (python3 -m training.eval_manifest) through the engine of "
        + "'glimpse query': box recall/precision at IoU >= 0.5, point hit rate/precision, count exact, absent -> empty, "
        + "syntax valid, by class and occlusion.",
        "With --compare pytorch.json: the side-by-side table, the answers that differ, and exit status 1 when a "
        + "metric differs by more than --tolerance points."})
public final class EvalModelCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin EngineOptions engine = new EngineOptions();

  @Option(names = "--manifest", required = true, paramLabel = "DIR", description = "directory with manifest.json and images/")
  Path manifestDir;

  @Option(names = "--out", paramLabel = "FILE", description = "metrics and every raw answer (default: DIR/java.json)")
  Path out;

  @Option(names = "--compare", paramLabel = "FILE", description = "a reference run on the same manifest (DIR/pytorch.json)")
  Path compare;

  @Option(names = "--answers", paramLabel = "FILE",
      description = "score the answers of an earlier run on this manifest (its java.json) instead of running the engine")
  Path answersFile;

  @Option(names = "--tolerance", defaultValue = "0.5", paramLabel = "POINTS",
      description = "largest accepted metric difference with --compare, in points (default ${DEFAULT-VALUE})")
  double tolerance;

  @Option(names = "--json", description = "print one JSON object (metrics, and the comparison with --compare)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    EvalManifest manifest;
    try {
      manifest = EvalManifest.read(manifestDir);
    } catch (EvalManifest.InvalidManifestException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--manifest: " + e.getMessage());
    }
    if (manifest.frameTag() != 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--manifest: its answers assume frame TAG "
          + manifest.frameTag() + ", but a fresh engine context gives its frame TAG 0 (rewrite the manifest)");
    }
    EvalReport reference = compare == null ? null : readReport(compare, "--compare", manifest);
    EvalReport recorded = answersFile == null ? null : readReport(answersFile, "--answers", manifest);
    Path outFile = out != null ? out : recorded != null ? null : manifestDir.resolve("java.json");
    if (recorded != null) {                                        // re-score a finished run: no engine, no weights
      AnswerSyntax syntax = new AnswerSyntax(Vocabulary.load(engine.modelDir().resolve("tokenizer.json")));
      EvalReport ours = new EvalReport(recorded.engine(), recorded.model(), recorded.trainedSteps(),
          score(recorded.answers(), manifest, syntax), recorded.seconds(), recorded.answers());
      return report(manifest, ours, reference,
          reference == null ? null : score(reference.answers(), manifest, syntax), outFile);
    }
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    EvalReport ours;
    GroundingMetrics.Result referenceScored = null;
    try (Kernels kernels = engine.createKernels(); GlimpseModel model = engine.load(kernels)) {
      AnswerSyntax syntax = new AnswerSyntax(model.vocabulary());
      List<List<Query>> queries = queries(manifest, model);
      List<AnswerRecord> answers = new ArrayList<>();
      int scenes = manifest.scenes().size();
      for (int i = 0; i < scenes; i++) {
        EvalManifest.Scene scene = manifest.scenes().get(i);
        byte[] rgb = pixels(scene);
        try (FrameContext ctx = model.newContext(1)) {      // closed per scene: a GPU context frees device memory
          ctx.append(rgb, scene.width(), scene.height());
          for (int k = 0; k < scene.queries().size(); k++) {
            EvalManifest.Item item = scene.queries().get(k);
            Answer a = ctx.ask(queries.get(i).get(k), FrameContext.DEFAULT_MAX_NEW);
            answers.add(new AnswerRecord(scene.id(), item.text(), a.text(), a.tokens()));
          }
        }
        if ((i + 1) % 10 == 0 || i + 1 == scenes) {
          double s = (System.nanoTime() - t0) / 1e9;
          err.printf(Locale.ROOT, "eval model: %d/%d scenes, %.1f s/scene%n", i + 1, scenes, s / (i + 1));
          err.flush();
        }
      }
      String name = "glimpse java, " + kernels.name() + " kernels, frames " + model.frameEncoder().describe();
      ours = new EvalReport(name, engine.modelDir().toString(), trainedSteps(model), score(answers, manifest, syntax),
          (System.nanoTime() - t0) / 1e9, answers);
      if (reference != null) referenceScored = score(reference.answers(), manifest, syntax);
    }
    return report(manifest, ours, reference, referenceScored, outFile);
  }

  /** Writes {@code ours} (unless outFile is null), prints the metrics or the comparison; the exit status. */
  private int report(EvalManifest manifest, EvalReport ours, EvalReport reference,
      GroundingMetrics.Result referenceScored, Path outFile) throws IOException {
    if (outFile != null) ours.write(outFile);
    PrintWriter stdout = spec.commandLine().getOut();
    MetricsComparison cmp = null;
    if (reference != null) {
      try {
        cmp = MetricsComparison.of(ours, reference, referenceScored);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--compare: " + e.getMessage());
      }
    }
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("manifest", manifestDir.toString());
      o.put("scenes", manifest.scenes().size());
      o.put("seconds", Math.round(ours.seconds() * 10) / 10.0);
      o.put("answers", String.valueOf(outFile != null ? outFile : answersFile));
      o.set("metrics", EvalReport.metricsJson(ours.metrics()));
      if (cmp != null) o.set("compare", cmp.toJson(tolerance));
      stdout.println(new ObjectMapper().writeValueAsString(o));
    } else {
      stdout.printf(Locale.ROOT, "%d scenes, %d queries, %.0f s; answers in %s%n", manifest.scenes().size(),
          manifest.queryCount(), ours.seconds(), outFile != null ? outFile : answersFile);
      if (cmp != null) {
        stdout.print(cmp.table("java", "pytorch", tolerance, 20));
      } else {
        for (String k : GroundingMetrics.KEYS) {
          stdout.printf(Locale.ROOT, "%-22s %6.2f%n", k, 100 * ours.metrics().metrics().get(k));
        }
      }
    }
    stdout.flush();
    return cmp == null || cmp.passes(tolerance) ? 0 : 1;
  }

  /** The scene's packed RGB, checked against the manifest: exactly the pixels the reference saw. */
  private byte[] pixels(EvalManifest.Scene scene) throws IOException {
    BufferedImage img = ImageIO.read(scene.image().toFile());
    String problem = null;
    byte[] rgb = null;
    if (img == null) {
      problem = "not a readable image";
    } else if (img.getWidth() != scene.width() || img.getHeight() != scene.height()) {
      problem = "is " + img.getWidth() + "x" + img.getHeight() + ", the manifest says " + scene.width() + "x"
          + scene.height();
    } else {
      rgb = QueryCommand.packedRgb(img);
      if (!sha256(rgb).equals(scene.rgbSha256())) {
        problem = "decodes to other pixels than the manifest's rgb_sha256 (the file changed, or it is not 8-bit RGB "
            + "without colour management)";
      }
    }
    if (problem != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--manifest: scene " + scene.id() + ": "
          + scene.image() + " " + problem);
    }
    return rgb;
  }

  /** Every manifest query as the engine parses it (it must be the manifest's task and target), checked up front. */
  private List<List<Query>> queries(EvalManifest manifest, GlimpseModel model) {
    List<List<Query>> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (EvalManifest.Scene s : manifest.scenes()) {
      List<Query> qs = new ArrayList<>();
      for (EvalManifest.Item item : s.queries()) {
        try {
          Query q = Query.parse(item.text(), model.classes(), model.colors());
          if (!q.task().name().toLowerCase(Locale.ROOT).equals(item.task()) || !q.target().equals(item.target())) {
            problems.add("scene " + s.id() + " '" + item.text() + "' is " + q.task() + " '" + q.target()
                + "' for the engine, " + item.task() + " '" + item.target() + "' for the manifest");
          }
          qs.add(q);
        } catch (IllegalArgumentException e) {
          problems.add("scene " + s.id() + ": " + e.getMessage());
        }
      }
      out.add(qs);
    }
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--manifest: " + problems.size()
          + " queries the model cannot ask as written: " + String.join("; ", problems.subList(0, Math.min(10,
          problems.size()))));
    }
    return out;
  }

  /** Fails before the long run when a recorded run does not answer this manifest's queries in its order. */
  private void checkSameQueries(EvalReport reference, EvalManifest manifest, String option, Path file) {
    String problem = null;
    if (reference.answers().size() != manifest.queryCount()) {
      problem = "it holds " + reference.answers().size() + " answers, the manifest " + manifest.queryCount()
          + " queries";
    } else {
      int i = 0;
      for (EvalManifest.Scene s : manifest.scenes()) {
        for (EvalManifest.Item item : s.queries()) {
          AnswerRecord a = reference.answers().get(i++);
          if (problem == null && (a.scene() != s.id() || !a.query().equals(item.text()))) {
            problem = "its answer " + (i - 1) + " is to scene " + a.scene() + " '" + a.query() + "', the manifest's "
                + "query " + (i - 1) + " is scene " + s.id() + " '" + item.text() + "'";
          }
        }
      }
    }
    if (problem != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + file + " was not made from "
          + "this manifest: " + problem);
    }
  }

  /** Answers in manifest order, scored with the port of evaluate.score. */
  private static GroundingMetrics.Result score(List<AnswerRecord> answers, EvalManifest manifest, AnswerSyntax syntax) {
    List<GroundingMetrics.Scored> scored = new ArrayList<>();
    int i = 0;
    for (EvalManifest.Scene s : manifest.scenes()) {
      for (EvalManifest.Item item : s.queries()) {
        scored.add(new GroundingMetrics.Scored(item, syntax.parse(answers.get(i++).tokens()), s.width(), s.height()));
      }
    }
    return GroundingMetrics.score(scored);
  }

  /** A recorded run given with {@code option}, checked to answer this manifest's queries in its order. */
  private EvalReport readReport(Path file, String option, EvalManifest manifest) {
    if (!Files.isRegularFile(file)) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": no such file " + file);
    }
    EvalReport r;
    try {
      r = EvalReport.read(file);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
    checkSameQueries(r, manifest, option, file);
    return r;
  }

  private static Integer trainedSteps(GlimpseModel model) throws IOException {
    var n = new ObjectMapper().readTree(model.dir().resolve("config.json").toFile()).path("trained_steps");
    return n.isInt() ? n.asInt() : null;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
