package dev.glimpse.agent.bench;

/**
 * How far one engine's output is from another's on the same input: the largest absolute difference and that
 * difference relative to the reference's largest magnitude (an element-wise relative error is meaningless where
 * the reference crosses zero). NaN or infinity anywhere counts as disagreement.
 *
 * @param maxAbs max |ours − reference|
 * @param maxRel maxAbs / max |reference|
 */
public record Agreement(double maxAbs, double maxRel) {

  /** Our output against the reference output (same length, same element order). */
  public static Agreement of(float[] ours, float[] reference) {
    if (ours.length != reference.length) {
      throw new IllegalArgumentException("outputs differ in size: " + ours.length + " vs " + reference.length + " elements");
    }
    double maxAbs = 0, scale = 0;
    boolean finite = true;
    for (int i = 0; i < ours.length; i++) {
      double d = Math.abs((double) ours[i] - reference[i]);
      finite &= Double.isFinite(d);
      maxAbs = Math.max(maxAbs, d);
      scale = Math.max(scale, Math.abs(reference[i]));
    }
    if (!finite) return new Agreement(Double.NaN, Double.NaN);
    return new Agreement(maxAbs, scale > 0 ? maxAbs / scale : maxAbs);
  }

  /** Whether the relative error is at most {@code tolerance} (false for NaN). */
  public boolean within(double tolerance) { return maxRel <= tolerance; }

  /** Returns this, or throws {@link Mismatch} naming {@code what} when the relative error exceeds {@code tolerance}. */
  public Agreement require(double tolerance, String what) {
    if (!within(tolerance)) throw new Mismatch(what, this, tolerance);
    return this;
  }

  @Override
  public String toString() { return String.format("max rel err %.1e (abs %.1e)", maxRel, maxAbs); }

  /** Two engines that should compute the same function do not. */
  public static final class Mismatch extends IllegalStateException {
    private final Agreement agreement;

    Mismatch(String what, Agreement a, double tolerance) {
      super(what + ": outputs differ, " + a + " > tolerance " + tolerance
          + " (is the ONNX export of the same model directory? re-export with python3 -m training.export_onnx)");
      this.agreement = a;
    }

    public Agreement agreement() { return agreement; }
  }
}
