package dev.glimpse.cuda.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.tensor.DType;
import dev.glimpse.tensor.Kernels;
import dev.glimpse.tensor.Tensor;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Grounds the documented bf16 tolerance without a GPU: the CPU encoder with every GEMM input (activations; the
 * shipped weights already are bf16 values) and the SwiGLU's gate and up (the bf16 gate/up GEMM writes them as bf16)
 * rounded to bf16, as the CUDA bf16 path stores them, against the f32 CPU
 * encoder on the shipped model at 756² and 1008×588. The measured error must leave the GPU at least half the
 * tolerance {@link EncoderChecks#BF16} for its own summation order.
 */
class Bf16ErrorBudgetTest {
  /** Delegates everything; matmuls by model weights (not attention's q·kᵀ / p·v) see bf16-rounded inputs. */
  static final class Bf16Inputs implements Kernels {
    private final Kernels k;

    Bf16Inputs(Kernels k) { this.k = k; }

    @Override
    public void matmul(float[] out, float[] x, int m, int kk, Tensor w, Tensor bias) {
      if (w.name().startsWith("vision.") || w.name().startsWith("aligner.")) {
        float[] r = new float[m * kk];
        for (int i = 0; i < r.length; i++) r[i] = DType.bf16ToFloat(DType.floatToBf16(x[i]));
        k.matmul(out, r, m, kk, w, bias);
      } else {
        k.matmul(out, x, m, kk, w, bias);
      }
    }

    @Override
    public void rmsNorm(float[] out, float[] x, int m, int c, Tensor weight, float eps) { k.rmsNorm(out, x, m, c, weight, eps); }

    @Override
    public void attention(float[] o, float[] q, float[] kk, float[] v, int n, int stride, int off, int d, float scale) {
      k.attention(o, q, kk, v, n, stride, off, d, scale);
    }

    @Override
    public void softmax(float[] x, int off, int n) { k.softmax(x, off, n); }

    @Override
    public void softmaxRows(float[] x, int off, int rows, int n) { k.softmaxRows(x, off, rows, n); }

    @Override
    public void swiglu(float[] out, float[] gate, float[] up, int n) { k.swiglu(out, round(gate, n), round(up, n), n); }

    private static float[] round(float[] v, int n) {
      float[] r = new float[n];
      for (int i = 0; i < n; i++) r[i] = DType.bf16ToFloat(DType.floatToBf16(v[i]));
      return r;
    }

    @Override
    public void gelu(float[] x, int n) { k.gelu(x, n); }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) { return k.dot(a, ao, b, bo, n); }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) { k.axpy(alpha, x, xo, y, yo, n); }

    @Override
    public String name() { return "bf16-inputs(" + k.name() + ")"; }
  }

  @Test
  void bf16GemmInputsStayWellInsideTheTolerance() throws Exception {
    Path model = Path.of("../models/glimpse-tiny");
    Random rnd = new Random(5);
    try (Kernels vec = Kernels.create("vector", 2); VisionEncoder f32 = VisionEncoder.load(vec, model)) {
      VisionEncoder bf16 = new VisionEncoder(new Bf16Inputs(vec), f32.config(), f32.weights());
      StringBuilder sb = new StringBuilder();
      double worst = 0;
      for (int[] s : new int[][] {{756, 756}, {1008, 588}}) {
        byte[] rgb = EncoderChecks.frame(rnd, s[0], s[1]);
        double e = CheckReport.relError(bf16.encode(rgb, s[0], s[1]).rows(), f32.encode(rgb, s[0], s[1]).rows());
        sb.append(String.format("%dx%d: %.3e  ", s[0], s[1], e));
        worst = Math.max(worst, e);
      }
      System.out.println("bf16 GEMM inputs vs f32 (CPU emulation), aligner rows: " + sb);
      assertTrue(worst > 1e-4, "rounding to bf16 must be visible (else the emulation did nothing): " + sb);
      assertTrue(worst <= EncoderChecks.BF16 / 2, "bf16 error " + sb + " leaves less than half of the tolerance " + EncoderChecks.BF16);
    }
  }
}
