package dev.glimpse.sim;

import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code glimpse render}: renders simulator scenes to a video with ground truth, or to the raw training stream.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = {"Render labelled robot-camera scenes from the simulator.",
        "Video mode writes DIR/video.mp4 (H.264; with --y4m DIR/video.y4m, uncompressed), DIR/labels.jsonl, DIR/gt/gt.txt, DIR/seqinfo.ini and, with --png, DIR/frames/*.png.",
        "Raw mode (--raw) writes frames + labels with no encoding (format: sim/README.md) to FILE or '-' for stdout."})
public final class RenderCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--seed", description = "Scene seed (first seed in raw mode). Default: ${DEFAULT-VALUE}.", defaultValue = "1")
  long seed;

  @Option(names = "--frames", description = "Frames per scene. Default: ${DEFAULT-VALUE}.", defaultValue = "300")
  int frames;

  @Option(names = "--size", description = "Frame size WxH, even sides. Default: ${DEFAULT-VALUE}.", defaultValue = "756x756")
  String size;

  @Option(names = "--fps", description = "Frames per second of the simulation and the video. Default: ${DEFAULT-VALUE}.", defaultValue = "30")
  int fps;

  @Option(names = "--png", description = "Also write every frame as PNG under DIR/frames/.")
  boolean png;

  @Option(names = "--y4m", description = "Video mode: write DIR/video.y4m (uncompressed YUV4MPEG2 4:2:0, read without FFmpeg) instead of video.mp4.")
  boolean y4m;

  @Option(names = "--raw", description = "Write the raw training stream instead of a video.")
  boolean raw;

  @Option(names = "--scenes", description = "Raw mode: number of scenes (seeds SEED, SEED+1, ...). Default: ${DEFAULT-VALUE}.", defaultValue = "1")
  int scenes;

  @Option(names = "--warmup-max", description = "Raw mode: advance each scene by a seeded random 0..N frames before the first rendered frame. Default: ${DEFAULT-VALUE}.", defaultValue = "0")
  int warmupMax;

  @Option(names = "--min-visible", description = "Objects with fewer visible pixels are absent from the ground truth. Default: ${DEFAULT-VALUE}.", defaultValue = "" + FrameRenderer.DEFAULT_MIN_VISIBLE_PX)
  int minVisible;

  @Option(names = "--bitrate", description = "Video bitrate, bits/s. Default: ${DEFAULT-VALUE}.", defaultValue = "4000000")
  int bitrate;

  @Option(names = "--out", required = true, description = "Output directory (video mode) or file, '-' = stdout (raw mode).")
  String out;

  @Override
  public Integer call() throws Exception {
    int[] wh = validate();
    int w = wh[0], h = wh[1];
    long t0 = System.nanoTime();
    long rendered = raw ? renderRaw(w, h) : renderVideo(w, h);
    double secs = (System.nanoTime() - t0) / 1e9;
    PrintWriter err = spec.commandLine().getErr();
    err.printf("render: %d frames of %dx%d in %.2f s (%.1f frames/s)%s%n", rendered, w, h, secs, rendered / secs,
        raw ? "" : " -> " + out);
    err.flush();
    return 0;
  }

  /** Checks every option and reports all problems at once. */
  private int[] validate() {
    List<String> problems = new ArrayList<>();
    int[] wh = null;
    try {
      wh = parseSize(size);
    } catch (IllegalArgumentException e) {
      problems.add("--size: " + e.getMessage());
    }
    if (frames < 1) problems.add("--frames: must be >= 1, got " + frames);
    if (fps < 1 || fps > 240) problems.add("--fps: must be in 1..240, got " + fps);
    if (scenes < 1) problems.add("--scenes: must be >= 1, got " + scenes);
    if (warmupMax < 0) problems.add("--warmup-max: must be >= 0, got " + warmupMax);
    if (minVisible < 1) problems.add("--min-visible: must be >= 1, got " + minVisible);
    if (bitrate < 10_000) problems.add("--bitrate: must be >= 10000, got " + bitrate);
    if (!raw && scenes != 1) problems.add("--scenes: only with --raw (video mode renders one scene)");
    if (raw && png) problems.add("--png: not with --raw");
    if (!raw && "-".equals(out)) problems.add("--out: video mode needs a directory, not '-'");
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
    }
    return wh;
  }

  static int[] parseSize(String s) {
    String[] p = s.toLowerCase().split("x");
    if (p.length != 2) throw new IllegalArgumentException("expected WxH like 756x756, got '" + s + "'");
    int w, h;
    try {
      w = Integer.parseInt(p[0].trim());
      h = Integer.parseInt(p[1].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected WxH like 756x756, got '" + s + "'");
    }
    if (w < 16 || h < 16 || w > 8192 || h > 8192) throw new IllegalArgumentException("sides must be in 16..8192, got " + s);
    if (w % 2 != 0 || h % 2 != 0) throw new IllegalArgumentException("sides must be even (H.264 yuv420p), got " + s);
    return new int[] {w, h};
  }

  private long renderVideo(int w, int h) throws Exception {
    Path dir = Path.of(out);
    Files.createDirectories(dir);
    if (png) Files.createDirectories(dir.resolve("frames"));
    FrameRenderer renderer = new FrameRenderer(w, h, minVisible);
    Scene scene = new SceneGenerator().generate(seed);
    float dt = 1f / fps;
    try (VideoWriter video = y4m ? null : new VideoWriter(dir.resolve("video.mp4"), w, h, fps, bitrate);
         Y4mWriter raw = y4m ? new Y4mWriter(dir.resolve("video.y4m"), w, h, fps) : null;
         Writer labels = Files.newBufferedWriter(dir.resolve("labels.jsonl"), StandardCharsets.UTF_8);
         MotGroundTruth gt = new MotGroundTruth(dir, "glimpse-sim-" + seed, frames, w, h, fps)) {
      for (int f = 1; f <= frames; f++) {
        if (f > 1) scene.step(dt);
        RenderedFrame frame = renderer.render(scene, f);
        if (video != null) video.write(frame.rgb());
        if (raw != null) raw.write(frame.rgb());
        labels.write(LabelsJson.line(frame.labels(), false));
        labels.write('\n');
        gt.write(frame.labels());
        if (png) PngWriter.write(dir.resolve("frames").resolve(String.format("%06d.png", f)), w, h, frame.rgb());
      }
    }
    return frames;
  }

  private long renderRaw(int w, int h) throws IOException {
    OutputStream os = "-".equals(out) ? System.out : new FileOutputStream(out);
    FrameRenderer renderer = new FrameRenderer(w, h, minVisible);
    float dt = 1f / fps;
    long n = 0;
    try (RawStreamWriter writer = new RawStreamWriter(new BufferedOutputStream(os, 1 << 20), w, h)) {
      for (int s = 0; s < scenes; s++) {
        long sceneSeed = seed + s;
        Scene scene = new SceneGenerator().generate(sceneSeed);
        int warmup = warmupMax == 0 ? 0 : new SplittableRandom(sceneSeed * 31 + 7).nextInt(warmupMax + 1);
        for (int i = 0; i < warmup; i++) scene.step(dt);
        for (int f = 1; f <= frames; f++) {
          if (f > 1) scene.step(dt);
          writer.write(renderer.render(scene, f));
          n++;
        }
      }
    } finally {
      if (os != System.out) os.close();
    }
    return n;
  }
}
