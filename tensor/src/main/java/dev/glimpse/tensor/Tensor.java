package dev.glimpse.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named, typed, shaped view of memory (row-major, little-endian). The segment may be a slice of a
 * memory-mapped file: a view, never a copy, unless a method says {@code copy} or {@code to}.
 */
public record Tensor(String name, DType dtype, int[] shape, MemorySegment data) {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  public Tensor {
    shape = shape.clone();
    long expected = numel(shape) * dtype.bytes();
    if (data.byteSize() != expected) {
      throw new IllegalArgumentException("tensor '" + name + "': " + data.byteSize() + " bytes for " + dtype + " "
          + Arrays.toString(shape) + " (expected " + expected + ")");
    }
  }

  /** Number of elements of a shape (1 for a scalar); overflow is an error. */
  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public long numel() { return numel(shape); }

  @Override
  public int[] shape() { return shape.clone(); }

  /** Element i (row-major) converted to f32; only for float dtypes. */
  public float getFloat(long i) {
    return switch (dtype) {
      case F32 -> data.getAtIndex(F32, i);
      case BF16 -> DType.bf16ToFloat(data.getAtIndex(I16, i));
      case F16 -> Float.float16ToFloat(data.getAtIndex(I16, i));
      default -> throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not a float type");
    };
  }

  /** A copy of all elements as f32 on the heap. */
  public float[] toFloats() {
    long n = numel();
    if (n > Integer.MAX_VALUE) throw new IllegalStateException("tensor '" + name + "' too large for a float[]");
    float[] out = new float[(int) n];
    if (dtype == DType.F32) {
      MemorySegment.copy(data, F32, 0, out, 0, out.length);
    } else {
      for (int i = 0; i < out.length; i++) out[i] = getFloat(i);
    }
    return out;
  }

  /** A copy converted to f32 in {@code arena}'s off-heap memory. */
  public Tensor toF32(Arena arena) {
    float[] v = toFloats();
    MemorySegment seg = arena.allocate((long) v.length * 4, 64);
    MemorySegment.copy(v, 0, seg, F32, 0, v.length);
    return new Tensor(name, DType.F32, shape, seg);
  }

  /** An f32 tensor wrapping a copy of {@code values} in {@code arena}. */
  public static Tensor ofFloats(Arena arena, String name, float[] values, int... shape) {
    MemorySegment seg = arena.allocate((long) values.length * 4, 64);
    MemorySegment.copy(values, 0, seg, F32, 0, values.length);
    return new Tensor(name, DType.F32, shape, seg);
  }

  @Override
  public String toString() { return "Tensor[" + name + " " + dtype + " " + Arrays.toString(shape) + "]"; }
}
