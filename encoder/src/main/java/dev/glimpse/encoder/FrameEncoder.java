package dev.glimpse.encoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine needs from a vision encoder: a frame's RGB pixels in, its aligner rows out (docs/model.md §2-§3).
 * {@link VisionEncoder} computes it on the CPU with the chosen kernels; other backends (the CUDA encoder in the
 * cuda module) compute the same rows elsewhere. Chosen once at start-up through a {@link Factory}.
 */
public interface FrameEncoder extends AutoCloseable {
  /** rgb interleaved [H, W, 3] bytes → aligner rows [n_h·n_w, d] with their grid and placement. */
  VisionEncoder.Encoded encode(byte[] rgb, int width, int height);

  /**
   * Frames of one size encoded together (a batch across streams), each rgb [H, W, 3]; the rows of frame i are what
   * {@link #encode} gives for it. The default encodes them one by one; a GPU encoder runs them as one batch.
   */
  default List<VisionEncoder.Encoded> encodeBatch(List<byte[]> frames, int width, int height) {
    List<VisionEncoder.Encoded> out = new ArrayList<>(frames.size());
    for (byte[] f : frames) out.add(encode(f, width, height));
    return out;
  }

  /** For logs: where and how it runs, e.g. {@code cpu (vector kernels)}. */
  String describe();

  @Override
  default void close() {}

  /** Makes the frame encoder of a loaded model; {@code cpu} is the model's own CPU encoder (same weights). */
  @FunctionalInterface
  interface Factory {
    /** The CPU encoder itself: every frame on the CPU. */
    Factory CPU = (cfg, weights, cpu) -> cpu;

    FrameEncoder create(EncoderConfig cfg, EncoderWeights weights, VisionEncoder cpu) throws IOException;
  }
}
