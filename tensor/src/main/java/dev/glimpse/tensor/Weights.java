package dev.glimpse.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Weights requested by name with dtype and shape checks. Requests never throw: problems are collected and
 * {@link #finish()} reports all of them at once (missing, mis-typed, mis-shaped, and tensors nobody asked for),
 * with a hint on how to fix the checkpoint.
 */
public final class Weights {
  private final Safetensors file;
  private final String hint;
  private final Set<String> used = new LinkedHashSet<>();
  private final List<String> problems = new ArrayList<>();

  /** @param hint what to do when the checkpoint does not match, e.g. "re-export with training/export.py" */
  public Weights(Safetensors file, String hint) {
    this.file = file;
    this.hint = hint;
  }

  /** The tensor {@code name} with a float dtype (F32, BF16 or F16) and exactly {@code shape}; null if it has a problem. */
  public Tensor require(String name, int... shape) {
    return check(name, true, null, shape);
  }

  /** The tensor {@code name} with exactly {@code dtype} and {@code shape}; null if it has a problem. */
  public Tensor require(String name, DType dtype, int... shape) {
    return check(name, false, dtype, shape);
  }

  /** Whether the file has a tensor of that name (for optional weights). */
  public boolean has(String name) { return file.tensors().containsKey(name); }

  private Tensor check(String name, boolean anyFloat, DType dtype, int[] shape) {
    used.add(name);
    Tensor t = file.tensors().get(name);
    String want = (anyFloat ? "float" : dtype.toString()) + " " + Arrays.toString(shape);
    if (t == null) {
      problems.add("missing '" + name + "' (expected " + want + ")");
      return null;
    }
    boolean typeOk = anyFloat ? t.dtype().isFloat() : t.dtype() == dtype;
    boolean shapeOk = Arrays.equals(t.shape(), shape);
    if (!typeOk || !shapeOk) {
      problems.add("'" + name + "' is " + t.dtype() + " " + Arrays.toString(t.shape()) + ", expected " + want);
      return null;
    }
    return t;
  }

  /**
   * Throws one exception listing every problem and every unused tensor; returns normally when all is well.
   * With {@code ownedPrefixes}, only unused tensors under those prefixes count (a file shared by several
   * components, e.g. the encoder owns {@code vision.} and {@code aligner.}).
   */
  public void finish(String... ownedPrefixes) throws WeightsException {
    List<String> all = new ArrayList<>(problems);
    for (String name : file.tensors().keySet()) {
      boolean owned = ownedPrefixes.length == 0 || Arrays.stream(ownedPrefixes).anyMatch(name::startsWith);
      if (owned && !used.contains(name)) all.add("unused '" + name + "'");
    }
    if (!all.isEmpty()) throw new WeightsException(file.file() + ": " + all.size() + " problem(s); " + hint + "\n  " + String.join("\n  ", all), all);
  }

  /** The checkpoint does not match the model that loads it. */
  public static final class WeightsException extends java.io.IOException {
    private final List<String> problems;

    WeightsException(String message, List<String> problems) {
      super(message);
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() { return problems; }
  }
}
