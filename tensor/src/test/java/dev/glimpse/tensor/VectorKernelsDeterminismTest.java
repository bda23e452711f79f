package dev.glimpse.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The Vector kernels give the same bits whatever the JIT has compiled: a child JVM in {@code -Xint} (the Vector
 * API's Java fallback) and this JVM after a warm-up long enough for C2 (intrinsics) agree bit for bit. A sim run
 * replays bit for bit only if they do; {@code reduceLanes(ADD)} and {@code lanewise(EXP)} did not.
 */
class VectorKernelsDeterminismTest {

  @Test
  void interpretedAndCompiledKernelsGiveTheSameBits() throws Exception {
    List<KernelBits.Output> warm;
    try (Kernels k = new VectorKernels(2)) {
      for (int i = 0; i < 4000; i++) KernelBits.run(k);                            // C2 compiles the kernels
      warm = KernelBits.run(k);
    }
    List<String> lines = interpreted();
    assertEquals(warm.size(), lines.size(), "outputs of the -Xint child: " + lines);
    for (int o = 0; o < warm.size(); o++) {
      String[] f = lines.get(o).split(" ");
      KernelBits.Output w = warm.get(o);
      assertEquals(w.name().replace(' ', '_'), f[0]);
      assertEquals(w.values().length, f.length - 1, w.name());
      for (int i = 0; i < w.values().length; i++) {
        int want = Integer.parseUnsignedInt(f[i + 1], 16), got = Float.floatToRawIntBits(w.values()[i]);
        assertEquals(want, got, w.name() + "[" + i + "]: interpreted " + Float.intBitsToFloat(want) + ", compiled "
            + w.values()[i]);
      }
    }
  }

  private static List<String> interpreted() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), KernelBits.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the -Xint child did not finish");
    assertEquals(0, p.exitValue(), "the -Xint child failed: " + out);
    return new ArrayList<>(out.lines().toList());
  }

  @Test
  void expIsWithinFourUlpsOfMathExpAndExactAtTheEdges() {
    int lanes = FloatVector.SPECIES_PREFERRED.length();
    float[] x = new float[lanes], y = new float[lanes];
    float worst = 0;
    for (float v = -90f; v <= 90f; v += 0.0137f) {
      for (int i = 0; i < lanes; i++) x[i] = v + i * 1e-3f;
      VectorKernels.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(y, 0);
      for (int i = 0; i < lanes; i++) {
        if (x[i] < VectorKernels.EXP_LO) assertEquals(0f, y[i], "exp(" + x[i] + ")");
        else if (x[i] > VectorKernels.EXP_HI) assertEquals(Float.POSITIVE_INFINITY, y[i], "exp(" + x[i] + ")");
        else {
          float want = (float) Math.exp(x[i]);
          float ulps = Math.abs(y[i] - want) / Math.ulp(want);
          worst = Math.max(worst, ulps);
          assertTrue(ulps <= 4, "exp(" + x[i] + ") = " + y[i] + ", Math.exp " + want + ": " + ulps + " ulp");
        }
      }
    }
    float[] special = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f, 1f, -1f, 88.7f};
    float[] want = {0f, Float.POSITIVE_INFINITY, Float.NaN, 1f, 1f, (float) Math.E, (float) Math.exp(-1), (float) Math.exp(88.7f)};
    for (int s = 0; s < special.length; s++) {
      java.util.Arrays.fill(x, special[s]);
      VectorKernels.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(y, 0);
      float tol = Float.isFinite(want[s]) ? 4 * Math.ulp(want[s]) : 0;
      assertTrue(Float.compare(y[0], want[s]) == 0 || Math.abs(y[0] - want[s]) <= tol, "exp(" + special[s] + ") = " + y[0]);
    }
    assertTrue(worst > 0, "the sweep compared nothing");
  }
}
