package dev.glimpse.tensor;

/** Element types of stored tensors, named as in the safetensors header. */
public enum DType {
  F32("F32", 4), F16("F16", 2), BF16("BF16", 2), F64("F64", 8), I64("I64", 8), I32("I32", 4), I16("I16", 2),
  I8("I8", 1), U8("U8", 1), BOOL("BOOL", 1);

  private final String safetensorsName;
  private final int bytes;

  DType(String safetensorsName, int bytes) {
    this.safetensorsName = safetensorsName;
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() { return bytes; }

  public String safetensorsName() { return safetensorsName; }

  /** Whether values convert to f32 for compute (the engine's activation type). */
  public boolean isFloat() { return this == F32 || this == F16 || this == BF16; }

  /** The dtype for a safetensors name, or null when unknown. */
  public static DType ofSafetensors(String name) {
    for (DType d : values()) if (d.safetensorsName.equals(name)) return d;
    return null;
  }

  /** bfloat16 bits → f32 (exact: bf16 is the top half of an f32). */
  public static float bf16ToFloat(short bits) { return Float.intBitsToFloat((bits & 0xFFFF) << 16); }

  /** f32 → bfloat16 bits, round to nearest even (as PyTorch's {@code .to(torch.bfloat16)}); NaN stays NaN. */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
