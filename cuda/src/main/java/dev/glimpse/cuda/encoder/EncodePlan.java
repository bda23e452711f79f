package dev.glimpse.cuda.encoder;

import dev.glimpse.cuda.CudaGraph;
import dev.glimpse.cuda.DeviceBuffer;
import dev.glimpse.cuda.Driver;
import dev.glimpse.cuda.PinnedBuffer;
import dev.glimpse.cuda.Precision;
import dev.glimpse.encoder.EncoderConfig;
import dev.glimpse.encoder.Rope2d;
import dev.glimpse.encoder.SinCos2d;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one encode of a given shape needs on one lane, allocated once and reused: the device activations, the
 * position tables of the grid, pinned input/output buffers, and — after the first eager run — the captured graph
 * that replays the whole encode (upload, every kernel and GEMM, download) in one launch.
 * Legend: B frames, P patches per frame, M = B·P, C width, F SwiGLU hidden, K = 3p², n merged tokens per frame,
 * U = C·merge², A aligner hidden, d LM width.
 */
final class EncodePlan implements AutoCloseable {
  /** How frames arrive: grid-native RGB bytes [B, Gh, Gw, 3], or preprocessed pixels [B, 3, Gh, Gw] f32. */
  enum Input { RGB_U8, PIXELS_F32 }

  /** The key of a plan. */
  record Shape(int gh, int gw, int batch, Input input) {}

  final Shape shape;
  final int hp, wp, np, m, nh, nw, n;
  final long inBytes, outBytes;
  private final List<DeviceBuffer> owned = new ArrayList<>();
  final DeviceBuffer in;          // RGB_U8: [B, Gh, Gw, 3] bytes; PIXELS_F32: [B, 3, Gh, Gw]
  final DeviceBuffer patches;     // [M, Kp] (precision storage), Kp = EncoderKernels.patchStride, zero-padded
  final DeviceBuffer x;           // [M, C] f32 residual stream
  final DeviceBuffer y;           // [M, C] normed (precision storage)
  final DeviceBuffer qkv;         // [M, 3C] f32
  final DeviceBuffer att;         // [M, C] attention output (precision storage)
  final DeviceBuffer r;           // [M, C] f32 output of o_proj / down_proj, added to x by the next norm
  final DeviceBuffer gu;          // [M, 2F] gate | up (precision storage)
  final DeviceBuffer h;           // [M, F] SwiGLU output (precision storage)
  final DeviceBuffer xn;          // [M, C] f32 final-normed patches
  final DeviceBuffer u;           // [B·n, U] unfolded (precision storage)
  final DeviceBuffer hid;         // [B·n, A] f32
  final DeviceBuffer g;           // [B·n, A] GELU output (precision storage)
  final DeviceBuffer z;           // [B·n, d] f32 aligner rows
  final DeviceBuffer posVit;      // [P, C] 2-D sin-cos of §3.1
  final DeviceBuffer cos, sin;    // [P, 32] 2-D RoPE of §3.3
  final DeviceBuffer posAligner;  // [n, d] 2-D sin-cos of §3.4
  final int splits;               // key splits of global attention (EncoderKernels.keySplits)
  final DeviceBuffer partO;       // [splits, B·H·P, 64] partial outputs (null when splits = 1)
  final DeviceBuffer partMl;      // [splits, B·H·P, 2] partial max and sum
  final DeviceBuffer packed;      // q, k, vᵀ [B·H, Pp, 64] bf16 each for tensor-core global attention; else null
  final PinnedBuffer hostIn, hostOut;
  CudaGraph graph;
  String graphFailure;

  EncodePlan(Driver driver, MemorySegment stream, EncoderConfig cfg, Precision p, Shape shape, EncoderKernels kernels,
      int multiprocessors) {
    this.shape = shape;
    int ps = cfg.patchSize(), c = cfg.width(), f = cfg.mlpHidden(), k = cfg.merge(), b = shape.batch();
    hp = shape.gh() / ps;
    wp = shape.gw() / ps;
    np = hp * wp;
    m = b * np;
    nh = hp / k;
    nw = wp / k;
    n = nh * nw;
    int uw = c * k * k, a = cfg.alignerHidden(), d = cfg.dModel(), e = p.bytes();
    inBytes = shape.input() == Input.RGB_U8 ? (long) b * shape.gh() * shape.gw() * 3 : 4L * b * 3 * shape.gh() * shape.gw();
    outBytes = 4L * b * n * d;
    PinnedBuffer pin = null, pout = null;
    try {
      in = alloc(driver, inBytes);
      patches = alloc(driver, (long) e * m * EncoderKernels.patchStride(ps));
      x = alloc(driver, 4L * m * c);
      y = alloc(driver, (long) e * m * c);
      qkv = alloc(driver, 4L * m * 3 * c);
      att = alloc(driver, (long) e * m * c);
      r = alloc(driver, 4L * m * c);
      gu = alloc(driver, (long) e * m * 2 * f);
      h = alloc(driver, (long) e * m * f);
      xn = alloc(driver, 4L * m * c);
      u = alloc(driver, (long) e * b * n * uw);
      hid = alloc(driver, 4L * b * n * a);
      g = alloc(driver, (long) e * b * n * a);
      z = alloc(driver, outBytes);
      posVit = upload(driver, stream, SinCos2d.table(hp, wp, c));
      Rope2d rope = new Rope2d(hp, wp, cfg.ropeTheta());
      cos = upload(driver, stream, rope.cosTable());
      sin = upload(driver, stream, rope.sinTable());
      posAligner = upload(driver, stream, SinCos2d.table(nh, nw, d));
      splits = kernels.keySplits(p, b, cfg.heads(), np, multiprocessors);
      partO = splits > 1 ? alloc(driver, 4L * splits * b * cfg.heads() * np * 64) : null;
      partMl = splits > 1 ? alloc(driver, 4L * splits * b * cfg.heads() * np * 2) : null;
      packed = kernels.globalOnTensorCores(p) ? alloc(driver, EncoderKernels.packedBytes(b, cfg.heads(), np)) : null;
      pin = new PinnedBuffer(driver, inBytes);
      pout = new PinnedBuffer(driver, outBytes);
    } catch (RuntimeException ex) {
      if (pin != null) pin.close();
      closeBuffers();
      throw ex;
    }
    hostIn = pin;
    hostOut = pout;
  }

  private DeviceBuffer alloc(Driver driver, long bytes) {
    DeviceBuffer b = DeviceBuffer.allocate(driver, bytes);
    owned.add(b);
    return b;
  }

  private DeviceBuffer upload(Driver driver, MemorySegment stream, float[] v) {
    DeviceBuffer b = DeviceBuffer.of(driver, stream, v);
    owned.add(b);
    return b;
  }

  /** Device bytes held by this plan. */
  long deviceBytes() {
    long t = 0;
    for (DeviceBuffer b : owned) t += b.bytes();
    return t;
  }

  private void closeBuffers() {
    for (DeviceBuffer b : owned) b.close();
    owned.clear();
  }

  @Override
  public void close() {
    if (graph != null) graph.close();
    graph = null;
    closeBuffers();
    hostIn.close();
    hostOut.close();
  }
}
