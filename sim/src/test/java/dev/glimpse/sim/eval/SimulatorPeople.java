package dev.glimpse.sim.eval;

import dev.glimpse.sim.FrameLabels;
import dev.glimpse.sim.FrameRenderer;
import dev.glimpse.sim.RenderedFrame;
import dev.glimpse.sim.scene.ObjectClass;
import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import dev.glimpse.tracker.ColourHistogram;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.PixelFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The people of a rendered 300-frame simulator scene as tracking ground truth, with the frames, so that detections
 * can carry the {@link ColourHistogram} of what their box holds: the scenes of {@link SimulatorTrackingTest} and
 * {@link TrackerSweep} (378×378; the robot drives and turns, people walk, stop, occlude each other and leave).
 *
 * @param gt     (frames 1..300) the visible boxes of every person
 * @param frames (300) packed RGB of each frame, index 0 = frame 1
 */
record SimulatorPeople(MotSequence gt, List<byte[]> frames) {
  static final int W = 378, H = 378, FRAMES = 300;

  static SimulatorPeople render(long seed) {
    Scene scene = new SceneGenerator(new SceneGenerator.Spec(8, 14, 2, 0.25, 0.3, 0.3)).generate(seed);
    FrameRenderer r = new FrameRenderer(W, H);
    List<MotRow> rows = new ArrayList<>();
    List<byte[]> frames = new ArrayList<>();
    for (int f = 1; f <= FRAMES; f++) {
      if (f > 1) scene.step(1 / 30f);
      RenderedFrame rf = r.render(scene, f);
      frames.add(rf.rgb().clone());
      for (FrameLabels.ObjectLabel o : rf.labels().objects()) {
        if (o.cls() != ObjectClass.PERSON) continue;
        rows.add(MotRow.ofGroundTruth(f, o.id(), new Box(o.x1(), o.y1(), o.x2(), o.y2()), true, 1, 1 - o.occlusion()));
      }
    }
    return new SimulatorPeople(new MotSequence("sim-" + seed, FRAMES, rows), frames);
  }

  /** The detections (index 0 = frame 1), each box with the colour histogram of its frame's pixels inside it. */
  List<List<Detection>> withAppearances(List<List<Detection>> detections) {
    List<List<Detection>> out = new ArrayList<>(detections.size());
    for (int f = 0; f < detections.size(); f++) {
      ByteBuffer px = ByteBuffer.wrap(frames.get(f));
      List<Detection> frame = new ArrayList<>(detections.get(f).size());
      for (Detection d : detections.get(f)) {
        frame.add(d.withAppearance(ColourHistogram.of(px, W, H, PixelFormat.RGB24, d.box())));
      }
      out.add(frame);
    }
    return out;
  }
}
