package dev.glimpse.sim;

import dev.glimpse.sim.scene.ObjectClass;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MOTChallenge ground truth: {@code gt/gt.txt} rows {@code frame,id,bb_left,bb_top,bb_width,bb_height,1,class,visibility}
 * (class = {@link ObjectClass#motId()}, visibility = 1 − occlusion) and {@code seqinfo.ini}.
 */
public final class MotGroundTruth implements AutoCloseable {
  private final Writer gt;

  public MotGroundTruth(Path dir, String name, int frames, int width, int height, int fps) throws IOException {
    Files.createDirectories(dir.resolve("gt"));
    Files.writeString(dir.resolve("seqinfo.ini"), "[Sequence]\nname=" + name + "\nimDir=frames\nframeRate=" + fps
        + "\nseqLength=" + frames + "\nimWidth=" + width + "\nimHeight=" + height + "\nimExt=.png\n", StandardCharsets.UTF_8);
    gt = Files.newBufferedWriter(dir.resolve("gt").resolve("gt.txt"), StandardCharsets.UTF_8);
  }

  public void write(FrameLabels l) throws IOException {
    for (FrameLabels.ObjectLabel o : l.objects()) {
      gt.write(l.frame() + "," + o.id() + "," + o.x1() + "," + o.y1() + "," + (o.x2() - o.x1()) + "," + (o.y2() - o.y1())
          + ",1," + o.cls().motId() + "," + (Math.round((1 - o.occlusion()) * 1000) / 1000.0) + "\n");
    }
  }

  @Override
  public void close() throws IOException { gt.close(); }
}
