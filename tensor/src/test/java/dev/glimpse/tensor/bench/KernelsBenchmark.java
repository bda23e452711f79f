package dev.glimpse.tensor.bench;

import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The engine's hot kernels, the scalar reference and the Vector API kernels on one thread side by side (the peer is
 * measured in the same run), at the shapes of glimpse-tiny: the encoder's q/k/v projection (2916 patches × 192 →
 * 192) and MLP up projection (→ 512), one query's language-model head (1 × 256 → 1088 vocabulary), and one head of
 * global attention (d = 64) over {@link Tokens#tokens}.
 *
 * <p>Run: {@code bin/mvn25 -B -pl tensor -Pbench -DskipTests verify} (the reference is slow: a few minutes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelsBenchmark {
  /** reference (the scalar spec) or vector (Vector API), one thread either way. */
  @Param({"reference", "vector"})
  public String kernels;

  private Kernels k;
  private Arena arena;
  private float[] patches, patchesOut, patchesUp, row, logits;
  private Tensor wQkv, wUp, wHead;

  @Setup(Level.Trial)
  public void setup() {
    k = Kernels.create(kernels, 1);
    arena = Arena.ofShared();
    SplittableRandom r = new SplittableRandom(7);
    patches = random(r, 2916 * 192);                                   // [2916, 192]
    patchesOut = new float[2916 * 192];
    patchesUp = new float[2916 * 512];
    wQkv = Tensor.ofFloats(arena, "qkv", random(r, 192 * 192), 192, 192);
    wUp = Tensor.ofFloats(arena, "up", random(r, 512 * 192), 512, 192);
    row = random(r, 256);
    logits = new float[1088];
    wHead = Tensor.ofFloats(arena, "head", random(r, 1088 * 256), 1088, 256);
  }

  /** The attention benchmark's input, its own state so that only that benchmark runs once per token count. */
  @State(Scope.Thread)
  public static class Tokens {
    /** Tokens attended (2916 = a 756² frame's patches; 729 keeps the reference quick). */
    @Param({"729", "2916"})
    public int tokens;

    float[] q, k, v, o;                                                  // [tokens, 3 heads · 64]

    @Setup(Level.Trial)
    public void setup() {
      SplittableRandom r = new SplittableRandom(11);
      q = random(r, tokens * 192);
      k = random(r, tokens * 192);
      v = random(r, tokens * 192);
      o = new float[tokens * 192];
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    k.close();
    arena.close();
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
    return x;
  }

  @Benchmark
  public float[] matmulEncoderProjection() {
    k.matmul(patchesOut, patches, 2916, 192, wQkv, null);
    return patchesOut;
  }

  @Benchmark
  public float[] matmulEncoderMlpUp() {
    k.matmul(patchesUp, patches, 2916, 192, wUp, null);
    return patchesUp;
  }

  @Benchmark
  public float[] matmulDecodeHead() {
    k.matmul(logits, row, 1, 256, wHead, null);
    return logits;
  }

  @Benchmark
  public float[] attentionOneHead(Tokens t) {
    k.attention(t.o, t.q, t.k, t.v, t.tokens, 192, 0, 64, 0.125f);
    return t.o;
  }
}
