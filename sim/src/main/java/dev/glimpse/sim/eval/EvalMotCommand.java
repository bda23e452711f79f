package dev.glimpse.sim.eval;

import dev.glimpse.sim.scene.ObjectClass;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code glimpse eval mot}: HOTA (DetA, AssA), CLEAR (MOTA) and Identity (IDF1) of a MOTChallenge tracker file
 * against a ground-truth sequence folder, computed as TrackEval's MotChallenge2DBox does.
 */
@Command(name = "mot", mixinStandardHelpOptions = true,
    description = {"Score a MOTChallenge tracker file against ground truth (HOTA, DetA, AssA, MOTA, IDF1).",
        "Without --class the ground truth is read as MOT17 (class 1 pedestrians, classes 2/7/8/12 distractors).",
        "With --class (a simulator class name or id) only that class is scored and other classes are ignored."})
public final class EvalMotCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--gt", required = true, description = "Sequence folder with seqinfo.ini and gt/gt.txt.")
  Path gt;

  @Option(names = "--pred", required = true, description = "Tracker file: frame,id,left,top,width,height,conf,x,y,z.")
  Path pred;

  @Option(names = "--class", description = "Score only this ground-truth class: person, cone, ... or its gt.txt id.")
  String cls;

  @Option(names = "--json", description = "Print one JSON object instead of a table line.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    List<String> problems = new ArrayList<>();
    if (!Files.isRegularFile(gt.resolve("seqinfo.ini")) || !Files.isRegularFile(gt.resolve("gt").resolve("gt.txt"))) {
      problems.add("--gt: " + gt + " is not a sequence folder (needs seqinfo.ini and gt/gt.txt)");
    }
    if (!Files.isRegularFile(pred)) problems.add("--pred: no such file " + pred);
    Integer classId = null;
    if (cls != null) {
      try {
        classId = cls.chars().allMatch(Character::isDigit) ? Integer.valueOf(cls) : ObjectClass.ofLabel(cls).motId();
      } catch (IllegalArgumentException e) {
        problems.add("--class: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
    MotSequence truth = MotChallengeIo.readGroundTruth(gt);
    if (classId != null) truth = onlyClass(truth, classId);
    MotResult r = MotMetrics.evaluate(truth, MotChallengeIo.readTracker(pred, truth.name(), truth.length()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(String.format(Locale.ROOT, "{\"hota\": %.6f, \"deta\": %.6f, \"assa\": %.6f, \"loca\": %.6f, "
              + "\"mota\": %.6f, \"motp\": %.6f, \"idf1\": %.6f, \"idp\": %.6f, \"idr\": %.6f, \"idsw\": %d, \"fp\": %d, "
              + "\"fn\": %d, \"frag\": %d}", r.hota(), r.deta(), r.assa(), r.loca(), r.mota(), r.motp(), r.idf1(),
          r.idp(), r.idr(), r.idsw(), r.fp(), r.fn(), r.frag()));
    } else {
      out.println(truth.name() + ": " + r.summary());
    }
    out.flush();
    return 0;
  }

  /** Ground truth of one class, relabelled as the scored class (1); rows of other classes are dropped. */
  static MotSequence onlyClass(MotSequence gt, int classId) {
    List<MotRow> rows = new ArrayList<>();
    for (MotRow r : gt.rows()) {
      if (r.classId() == classId) {
        rows.add(new MotRow(r.frame(), r.id(), r.left(), r.top(), r.width(), r.height(), r.conf(), MotRow.PEDESTRIAN,
            r.y(), r.z()));
      }
    }
    return new MotSequence(gt.name(), gt.length(), rows);
  }
}
