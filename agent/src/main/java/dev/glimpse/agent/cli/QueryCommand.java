package dev.glimpse.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.csa.engine.Answer;
import dev.glimpse.csa.engine.FrameContext;
import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.csa.engine.Query;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.types.Detection;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code glimpse query}: one grounded query about one image, on the CPU engine. */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Ask the model one grounded query about an image (PNG, JPEG, BMP).",
        "Queries: 'box all <target>', 'point to all <target>', 'count <target>'; <target> is a class, a colour and a "
            + "class, or 'objects'."})
public final class QueryCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin EngineOptions engine = new EngineOptions();

  @Option(names = "--image", required = true, paramLabel = "FILE", description = "the image")
  Path image;

  @Option(names = "--text", required = true, paramLabel = "QUERY", description = "e.g. \"box all person\"")
  String text;

  @Option(names = "--json", description = "print one JSON object: answer, detections (input pixels), kv")
  boolean json;

  @Option(names = "--max-tokens", defaultValue = "260", paramLabel = "N", description = "answer token cap (default ${DEFAULT-VALUE})")
  int maxTokens;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(image)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--image " + image + ": no such file");
    }
    BufferedImage img = ImageIO.read(image.toFile());
    if (img == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--image " + image
          + ": not a readable image (use PNG, JPEG or BMP)");
    }
    int w = img.getWidth(), h = img.getHeight();
    byte[] rgb = packedRgb(img);
    PrintWriter out = spec.commandLine().getOut();
    try (Kernels kernels = engine.createKernels(); GlimpseModel model = engine.load(kernels)) {
      Query q;
      try {
        q = Query.parse(text, model.classes(), model.colors());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--text: " + e.getMessage());
      }
      long t0, t1, t2;
      Answer a;
      try (FrameContext ctx = model.newContext(1)) {
        t0 = System.nanoTime();
        ctx.append(rgb, w, h);
        t1 = System.nanoTime();
        a = ctx.ask(q, maxTokens);
        t2 = System.nanoTime();
      }
      if (json) {
        out.println(toJson(a));
      } else {
        out.println(a.text());
        for (Detection d : a.detections()) out.println("  " + describe(d));
        spec.commandLine().getErr().printf("encode+prefill %.0f ms, answer %.0f ms (%d tokens), kv %d rows/layer, %d bytes%n",
            (t1 - t0) / 1e6, (t2 - t1) / 1e6, a.tokens().length, a.kv().rowsPerLayer(), a.kv().bytes());
      }
    }
    return 0;
  }

  static String describe(Detection d) {
    String where = d.isBox() ? String.format("box [%.1f, %.1f, %.1f, %.1f]", d.box().x1(), d.box().y1(), d.box().x2(),
        d.box().y2()) : String.format("point [%.1f, %.1f]", d.point().x(), d.point().y());
    return d.label() + " " + where + String.format(" score %.3f", d.score());
  }

  /** The query CLI's JSON (issue contract): answer, detections in input pixels, kv rows and bytes. */
  public static String toJson(Answer a) throws IOException {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("answer", a.text());
    ArrayNode dets = root.putArray("detections");
    for (Detection d : a.detections()) {
      ObjectNode o = dets.addObject();
      o.put("label", d.label());
      if (d.isBox()) {
        o.putArray("box").add(round(d.box().x1())).add(round(d.box().y1())).add(round(d.box().x2())).add(round(d.box().y2()));
        o.putNull("point");
      } else {
        o.putNull("box");
        o.putArray("point").add(round(d.point().x())).add(round(d.point().y()));
      }
      o.put("score", Math.round(d.score() * 1e4) / 1e4);
      if (d.frameOffset() != 0) o.put("frame_offset", d.frameOffset());
    }
    if (a.count() >= 0) root.put("count", a.count());
    ObjectNode kv = root.putObject("kv");
    kv.put("rows_per_layer", a.kv().rowsPerLayer());
    kv.put("bytes", a.kv().bytes());
    return m.writeValueAsString(root);
  }

  private static double round(double v) { return Math.round(v * 10) / 10.0; }

  /** Packed RGB [H, W, 3] of any image. */
  static byte[] packedRgb(BufferedImage img) {
    int w = img.getWidth(), h = img.getHeight();
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return rgb;
  }

}
