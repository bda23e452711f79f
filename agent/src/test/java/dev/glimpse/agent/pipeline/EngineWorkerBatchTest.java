package dev.glimpse.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.csa.engine.GlimpseModel;
import dev.glimpse.csa.engine.Query;
import dev.glimpse.encoder.FrameEncoder;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.sim.FrameRenderer;
import dev.glimpse.sim.scene.Scene;
import dev.glimpse.sim.scene.SceneGenerator;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.types.Frame;
import dev.glimpse.types.PixelBuffer;
import dev.glimpse.types.PixelFormat;
import dev.glimpse.types.Stamp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Frames of different streams waiting together are encoded as one batch (engine.max_batch), and every answer is what
 * the one-at-a-time worker gives. The first encode is held on a latch until the other frames are queued, so the
 * batch is formed by construction, not by timing.
 */
class EngineWorkerBatchTest {
  static final Path SMOKE = Path.of("../csa-runtime/src/test/resources/smoke").toAbsolutePath().normalize();
  static final int SIZE = 168;

  /** Delegates to the CPU encoder; records batch sizes; the first call waits for {@code release}. */
  static final class Recording implements FrameEncoder {
    final VisionEncoder cpu;
    final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1), release;

    Recording(VisionEncoder cpu, boolean hold) {
      this.cpu = cpu;
      this.release = new CountDownLatch(hold ? 1 : 0);
    }

    private void gate() {
      entered.countDown();
      try {
        if (!release.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public VisionEncoder.Encoded encode(byte[] rgb, int w, int h) {
      gate();
      batches.add(1);
      return cpu.encode(rgb, w, h);
    }

    @Override
    public List<VisionEncoder.Encoded> encodeBatch(List<byte[]> frames, int w, int h) {
      gate();
      batches.add(frames.size());
      return frames.stream().map(f -> cpu.encode(f, w, h)).toList();
    }

    @Override
    public String describe() { return "recording cpu"; }
  }

  private static Frame frame(String stream, long seq, byte[] rgb) {
    return new Frame(stream, stream, seq, seq * 1_000_000L, Stamp.ofNanos(seq), seq * 33_333L, SIZE, SIZE, SIZE * 3,
        PixelFormat.RGB24, PixelBuffer.copyOf(rgb));
  }

  /** Frames: 4 streams × 2, submitted as stream order a0 b0 c0 d0 (a0 held) then a1 b1 c1 d1 once a0 is done. */
  private static List<String> run(boolean hold, int maxBatch, List<Integer> batches) throws Exception {
    FrameRenderer r = new FrameRenderer(SIZE, SIZE);
    List<byte[]> pics = new ArrayList<>();
    for (long seed = 1; seed <= 4; seed++) {
      Scene s = new SceneGenerator().generate(seed);
      pics.add(r.render(s, 1).rgb());
    }
    Recording[] enc = new Recording[1];
    try (Kernels k = Kernels.create("reference", 1);
         GlimpseModel model = GlimpseModel.load(SMOKE, k, (cfg, w, cpu) -> enc[0] = new Recording(cpu, hold));
         EngineWorker worker = new EngineWorker(model, 4, maxBatch, System::nanoTime)) {
      StandingQuery q = new StandingQuery(Query.parse("box all person", model.classes(), model.colors()), 0);
      List<CompletableFuture<FrameResult>> results = new ArrayList<>();
      String[] streams = {"a", "b", "c", "d"};
      for (long seq = 0; seq < 2; seq++) {
        for (int i = 0; i < 4; i++) {
          results.add(worker.submit(frame(streams[i], seq, pics.get((int) ((i + seq) % 4))), List.of(q)));
          if (seq == 0 && i == 0 && hold) assertTrue(enc[0].entered.await(60, TimeUnit.SECONDS), "a0 is being encoded");
        }
        if (seq == 0) enc[0].release.countDown();
        if (seq == 0) results.get(3).get(60, TimeUnit.SECONDS);   // the second round queues behind the first
      }
      List<String> answers = new ArrayList<>();
      for (CompletableFuture<FrameResult> f : results) {
        FrameResult fr = f.get(60, TimeUnit.SECONDS);
        assertEquals(1, fr.answers().size());
        answers.add(fr.sequence() + ":" + fr.answers().values().iterator().next().text());
      }
      batches.addAll(enc[0].batches);
      return answers;
    }
  }

  @Test
  void framesWaitingTogetherAreEncodedAsOneBatchWithTheSameAnswers() throws Exception {
    List<Integer> batched = new ArrayList<>(), single = new ArrayList<>();
    List<String> a = run(true, 4, batched);
    List<String> b = run(false, 1, single);
    assertEquals(b, a, "batching changes no answer");
    assertEquals(8, batched.stream().mapToInt(Integer::intValue).sum(), "every frame encoded once: " + batched);
    assertEquals(List.of(1, 3), batched.subList(0, 2), "a0 alone, then b0 c0 d0 together: " + batched);
    assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1), single, "max_batch 1 encodes one at a time");
  }
}
