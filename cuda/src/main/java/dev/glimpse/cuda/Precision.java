package dev.glimpse.cuda;

import java.util.Locale;

/**
 * How GEMM inputs are stored and multiplied; accumulation and every other activation stay f32.
 * <ul>
 *   <li>{@code F32}: f32 weights and inputs, f32 FMA (CUBLAS_COMPUTE_32F): the reference, ~1e-5 from the CPU.</li>
 *   <li>{@code TF32}: f32 storage, TF32 tensor cores (CUBLAS_COMPUTE_32F_FAST_TF32): faster, ~1e-3.</li>
 *   <li>{@code BF16}: bf16 weights (the checkpoint's own values, so lossless) and bf16 GEMM inputs, tensor cores
 *       with f32 accumulation: half the weight and activation traffic, ~1e-2 (cuda/README.md, Tolerances).</li>
 * </ul>
 */
public enum Precision {
  F32(Cublas.R_32F, Cublas.COMPUTE_32F, 4),
  TF32(Cublas.R_32F, Cublas.COMPUTE_32F_FAST_TF32, 4),
  BF16(Cublas.R_16BF, Cublas.COMPUTE_32F, 2);

  private final int dataType;
  private final int computeType;
  private final int bytes;

  Precision(int dataType, int computeType, int bytes) {
    this.dataType = dataType;
    this.computeType = computeType;
    this.bytes = bytes;
  }

  /** cudaDataType of GEMM inputs (weights and activations). */
  public int dataType() { return dataType; }

  /** cublasComputeType_t. */
  public int computeType() { return computeType; }

  /** Bytes per stored GEMM input element. */
  public int bytes() { return bytes; }

  /** The suffix of the kernel instances that write this storage type: {@code f32} or {@code bf16}. */
  public String storage() { return this == BF16 ? "bf16" : "f32"; }

  public static Precision parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown precision '" + s + "' (expected f32, tf32 or bf16)");
    }
  }

  @Override
  public String toString() { return name().toLowerCase(Locale.ROOT); }
}
