package dev.glimpse.encoder;

/**
 * Receives named intermediates (names as training/dump_fixtures.py writes them, e.g. {@code vision.blocks.2.out},
 * {@code aligner.out}) for conformance tests and debugging. {@link #NONE} does nothing. The array is the live
 * buffer: copy it if you keep it.
 */
@FunctionalInterface
public interface Probe {
  Probe NONE = (name, x, shape) -> {};

  /** x holds a row-major tensor of {@code shape}. */
  void record(String name, float[] x, int... shape);
}
