package dev.glimpse.cuda.encoder;

import dev.glimpse.cuda.DeviceBuffer;
import dev.glimpse.cuda.Driver;
import dev.glimpse.cuda.Precision;
import dev.glimpse.encoder.EncoderConfig;
import dev.glimpse.encoder.EncoderWeights;
import dev.glimpse.tensor.DType;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The vision and aligner weights on the device, uploaded once from the loaded {@link EncoderWeights} (the same
 * tensors, by the same names, as the CPU encoder). GEMM weights are stored as the precision says (f32, or bf16 —
 * the checkpoint's own bf16 values, since its f32 copies convert back exactly); q/k/v are stacked into one
 * (3C, C) matrix and gate/up into one (2F, C), so each is one GEMM. Norms and biases stay f32.
 * Legend: C width, K = 3p², F SwiGLU hidden, U = C·merge², A aligner hidden, d LM width.
 */
final class DeviceWeights implements AutoCloseable {
  /** One block's device pointers. */
  record Block(long norm1, long qkv, long qkvBias, long o, long oBias, long norm2, long gateUp, long down) {}

  private final List<DeviceBuffer> owned = new ArrayList<>();
  final long patch;       // (C, Kp): columns K … Kp−1 zero (EncoderKernels.patchStride)
  final long patchBias;   // (C)
  final long norm;        // (C)
  final long fc1;         // (A, U)
  final long fc1Bias;     // (A)
  final long fc2;         // (d, A)
  final long fc2Bias;     // (d)
  final List<Block> blocks = new ArrayList<>();
  final long bytes;

  DeviceWeights(Driver driver, MemorySegment stream, EncoderConfig cfg, EncoderWeights w, Precision p) {
    try {
      patch = matrix(driver, stream, p, padColumns(w.patchProj().toFloats(), cfg.width(),
          EncoderKernels.patchStride(cfg.patchSize())));
      patchBias = vector(driver, stream, w.patchBias());
      norm = vector(driver, stream, w.norm());
      fc1 = matrix(driver, stream, p, w.fc1());
      fc1Bias = vector(driver, stream, w.fc1Bias());
      fc2 = matrix(driver, stream, p, w.fc2());
      fc2Bias = vector(driver, stream, w.fc2Bias());
      for (EncoderWeights.Block b : w.blocks()) {
        blocks.add(new Block(vector(driver, stream, b.norm1()),
            matrix(driver, stream, p, concat(b.q(), b.k(), b.v())),
            upload(driver, stream, concat(b.qBias(), b.kBias(), b.vBias())),
            matrix(driver, stream, p, b.o()), vector(driver, stream, b.oBias()), vector(driver, stream, b.norm2()),
            matrix(driver, stream, p, concat(b.gate(), b.up())), matrix(driver, stream, p, b.down())));
      }
      long total = 0;
      for (DeviceBuffer d : owned) total += d.bytes();
      bytes = total;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Row-major concatenation of tensors with equal row length (stacking nn.Linear weights along out-features). */
  private static float[] concat(Tensor... ts) {
    int n = 0;
    for (Tensor t : ts) n += (int) t.numel();
    float[] out = new float[n];
    int o = 0;
    for (Tensor t : ts) {
      float[] v = t.toFloats();
      System.arraycopy(v, 0, out, o, v.length);
      o += v.length;
    }
    return out;
  }

  /** Row-major [rows, k] → [rows, ld], the new columns zero. */
  private static float[] padColumns(float[] v, int rows, int ld) {
    int k = v.length / rows;
    float[] out = new float[rows * ld];
    for (int r = 0; r < rows; r++) System.arraycopy(v, r * k, out, r * ld, k);
    return out;
  }

  private long vector(Driver driver, MemorySegment stream, Tensor t) { return upload(driver, stream, t.toFloats()); }

  private long matrix(Driver driver, MemorySegment stream, Precision p, Tensor t) {
    return matrix(driver, stream, p, t.toFloats());
  }

  private long matrix(Driver driver, MemorySegment stream, Precision p, float[] v) {
    if (p != Precision.BF16) return upload(driver, stream, v);
    short[] bits = new short[v.length];
    for (int i = 0; i < v.length; i++) bits[i] = DType.floatToBf16(v[i]);
    DeviceBuffer b = DeviceBuffer.of(driver, stream, bits);
    owned.add(b);
    return b.ptr();
  }

  private long upload(Driver driver, MemorySegment stream, float[] v) {
    DeviceBuffer b = DeviceBuffer.of(driver, stream, v);
    owned.add(b);
    return b.ptr();
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (DeviceBuffer b : owned) {
      try {
        b.close();
      } catch (RuntimeException e) {
        if (first == null) first = e;
      }
    }
    owned.clear();
    if (first != null) throw first;
  }
}
