package dev.glimpse.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Vector kernels agree with the scalar reference on random shapes, odd sizes included. */
class KernelsTest {
  private static final float TOL = 2e-5f;

  private static float[] random(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return v;
  }

  private static void assertClose(float[] want, float[] got, float tol, String what) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      float err = Math.abs(want[i] - got[i]) / Math.max(1, Math.abs(want[i]));
      assertTrue(err <= tol, what + "[" + i + "]: " + want[i] + " vs " + got[i]);
    }
  }

  @ParameterizedTest
  @CsvSource({"1,1,1", "3,7,5", "4,16,8", "5,33,17", "11,40,33", "12,1,1", "13,5,17", "17,192,64", "2916,19,3",
      "9,588,192", "64,256,1088", "95,64,31", "300,2916,64", "354,256,48"})
  void matmulMatchesReference(int m, int k, int n) {
    SplittableRandom r = new SplittableRandom(m * 31L + k * 7L + n);
    float[] x = random(r, m * k);
    try (Arena arena = Arena.ofShared(); Kernels ref = new ReferenceKernels(); Kernels vec = new VectorKernels(2)) {
      Tensor w = Tensor.ofFloats(arena, "w", random(r, n * k), n, k);
      Tensor b = Tensor.ofFloats(arena, "b", random(r, n), n);
      float[] want = new float[m * n], got = new float[m * n];
      ref.matmul(want, x, m, k, w, b);
      vec.matmul(got, x, m, k, w, b);
      assertClose(want, got, TOL * (float) Math.sqrt(k), "matmul " + m + "x" + k + "x" + n);
      ref.matmul(want, x, m, k, w, null);
      vec.matmul(got, x, m, k, w, null);
      assertClose(want, got, TOL * (float) Math.sqrt(k), "matmul no bias");
    }
  }

  @ParameterizedTest
  @CsvSource({"0", "1", "2", "7", "1000"})
  void parallelForRunsEveryIndexOnce(int n) {
    for (Kernels k : new Kernels[] {new ReferenceKernels(), new VectorKernels(3)}) {
      try (k) {
        java.util.concurrent.atomic.AtomicIntegerArray hits = new java.util.concurrent.atomic.AtomicIntegerArray(n);
        k.parallelFor(n, hits::incrementAndGet);
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), k.name() + " index " + i);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"1,1,1,0", "5,3,7,2", "6,64,64,0", "17,64,200,64", "40,13,40,21", "97,64,192,128", "300,64,192,0"})
  void attentionMatchesReference(int n, int d, int stride, int off) {
    SplittableRandom r = new SplittableRandom(n * 131L + d);
    float[] q = random(r, n * stride), k = random(r, n * stride), v = random(r, n * stride);
    for (int i = 0; i < q.length; i++) q[i] *= 3;                           // peaked softmaxes too
    float[] want = random(r, n * stride), got = want.clone();               // columns outside the head stay
    float scale = (float) (1 / Math.sqrt(d));
    try (Kernels ref = new ReferenceKernels(); Kernels vec = new VectorKernels(2)) {
      ref.attention(want, q, k, v, n, stride, off, d, scale);
      vec.attention(got, q, k, v, n, stride, off, d, scale);
      assertClose(want, got, 4 * TOL, "attention n=" + n + " d=" + d);
    }
  }

  @ParameterizedTest
  @CsvSource({"1,1", "3,7", "5,192", "2,255"})
  void elementwiseKernelsMatchReference(int m, int c) {
    SplittableRandom r = new SplittableRandom(c);
    try (Arena arena = Arena.ofShared(); Kernels ref = new ReferenceKernels(); Kernels vec = new VectorKernels(1)) {
      float[] x = random(r, m * c);
      Tensor w = Tensor.ofFloats(arena, "w", random(r, c), c);
      float[] a = new float[m * c], b = new float[m * c];
      ref.rmsNorm(a, x, m, c, w, 1e-6f);
      vec.rmsNorm(b, x, m, c, w, 1e-6f);
      assertClose(a, b, TOL, "rmsNorm");
      float[] sa = x.clone(), sb = x.clone();
      ref.softmax(sa, 0, sa.length);
      vec.softmax(sb, 0, sb.length);
      assertClose(sa, sb, TOL, "softmax");
      float[] up = random(r, m * c);
      ref.swiglu(a, x, up, x.length);
      vec.swiglu(b, x, up, x.length);
      assertClose(a, b, TOL, "swiglu");
      assertEquals(ref.dot(x, 0, up, 0, x.length), vec.dot(x, 0, up, 0, x.length), TOL * x.length);
      float[] ya = up.clone(), yb = up.clone();
      ref.axpy(0.7f, x, 0, ya, 0, x.length);
      vec.axpy(0.7f, x, 0, yb, 0, x.length);
      assertClose(ya, yb, TOL, "axpy");
    }
  }

  @Test
  void erfMatchesKnownValues() {
    // values from A&S Table 7.1 and high-precision references
    assertEquals(0.0, Erf.erf(0), 0);
    assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-14);
    assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-14);
    assertEquals(-0.9953222650189527, Erf.erf(-2.0), 1e-14);
    assertEquals(0.9999779095030014, Erf.erf(3.0), 1e-13);
    assertEquals(0.9999999845827421, Erf.erf(4.0), 1e-13);
    assertEquals(1.0, Erf.erf(7.0), 0);
  }

  @Test
  void geluIsExactErfForm() {
    try (Kernels k = new ReferenceKernels()) {
      float[] x = {-3f, -1f, 0f, 0.5f, 2f};
      k.gelu(x, x.length);
      // 0.5·x·(1+erf(x/√2)) computed in double
      assertEquals(-0.0040496, x[0], 1e-6);
      assertEquals(-0.15865525, x[1], 1e-6);
      assertEquals(0.0, x[2], 0);
      assertEquals(0.34573123, x[3], 1e-6);
      assertEquals(1.9544997, x[4], 1e-6);
    }
  }
}
