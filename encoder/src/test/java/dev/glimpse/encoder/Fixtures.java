package dev.glimpse.encoder;

import dev.glimpse.tensor.Safetensors;
import dev.glimpse.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The tiny random-weight fixtures in src/test/resources/tiny/ (config.json, model.safetensors,
 * fixtures.safetensors), written by training/vision.py through
 * {@code python3 encoder/src/test/python/make_fixtures.py --out encoder/src/test/resources/tiny}.
 */
final class Fixtures {
  private Fixtures() {}

  static Path dir() {
    try {
      return Path.of(Fixtures.class.getResource("/tiny/config.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Safetensors open(Arena arena) {
    try {
      return Safetensors.open(dir().resolve("fixtures.safetensors"), arena);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Tensor t) { return t.data().toArray(ValueLayout.JAVA_BYTE); }

  /** max |a − b| / max |b|: the error relative to the tensor's scale. */
  static double relError(float[] actual, float[] expected) {
    if (actual.length != expected.length) throw new AssertionError("length " + actual.length + " != " + expected.length);
    double diff = 0, scale = 0;
    for (int i = 0; i < actual.length; i++) {
      diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return diff / Math.max(scale, 1e-30);
  }
}
