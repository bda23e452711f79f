package dev.glimpse.cuda.lm;

import dev.glimpse.csa.AttentionConfig;
import dev.glimpse.csa.AttentionWeights;
import dev.glimpse.csa.LayerType;
import dev.glimpse.csa.LmConfig;
import dev.glimpse.csa.LmWeights;
import dev.glimpse.csa.Rope;
import dev.glimpse.cuda.DeviceBuffer;
import dev.glimpse.cuda.Driver;
import dev.glimpse.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The language model's weights on the device, f32, uploaded once from the loaded {@link LmWeights} (the tensors the
 * CPU computes with). gate and up are stacked into one (2F, d) matrix (one GEMM); the token embeddings and the four
 * image-slot embeddings form one gather table. Legend as in docs/model.md §6: V vocabulary, d width, F MLP hidden,
 * H heads, D head dim, d_q q latent, g groups, d_g group width, c series, w entry width, H_I / D_I indexer.
 */
final class DeviceLmWeights implements AutoCloseable {
  /** A compressor's tensors: kv and gate projections (c·w, d), position bias (m, c·w), norm (w). */
  record Compressor(long kv, long gate, long positionBias, long norm) {}

  /** One decoder layer. */
  record Layer(LayerType type, long inputNorm, long qA, long qANorm, long qB, long kv, long kvNorm, long oA, long oB,
      long sinks, Compressor compressor, Compressor indexerKeys, long indexerQ, long indexerW, long postNorm,
      long gateUp, long down, long invFreq) {}

  private final List<DeviceBuffer> owned = new ArrayList<>();
  final long table;        // (V + 5, d): token embeddings, then START, PAD, IMAGE (zeros), NEWLINE, END
  final long norm;         // (d)
  final long lmHead;       // (V, d)
  final List<Layer> layers = new ArrayList<>();
  final long bytes;

  DeviceLmWeights(Driver driver, MemorySegment stream, LmConfig cfg, LmWeights w) {
    try {
      AttentionConfig a = cfg.attention();
      int d = cfg.hiddenSize();
      float[][] slots = w.imageSlots();
      float[] t = new float[(cfg.vocabSize() + slots.length) * d];
      System.arraycopy(w.embed(), 0, t, 0, cfg.vocabSize() * d);
      for (int i = 0; i < slots.length; i++) System.arraycopy(slots[i], 0, t, (cfg.vocabSize() + i) * d, d);
      table = upload(driver, stream, t);
      norm = upload(driver, stream, w.norm());
      lmHead = upload(driver, stream, w.lmHead());
      for (int i = 0; i < cfg.layers(); i++) {
        LmWeights.Layer l = w.layers().get(i);
        AttentionWeights at = l.attention();
        LayerType type = cfg.layerTypes().get(i);
        Compressor comp = at.compressor() == null ? null : compressor(driver, stream, at.compressor());
        Compressor keys = at.indexer() == null ? null : compressor(driver, stream, at.indexer().compressor());
        layers.add(new Layer(type, upload(driver, stream, l.inputNorm()), upload(driver, stream, at.qAProj()),
            upload(driver, stream, at.qANorm()), upload(driver, stream, at.qBProj()), upload(driver, stream, at.kvProj()),
            upload(driver, stream, at.kvNorm()), upload(driver, stream, at.oAProj()), upload(driver, stream, at.oBProj()),
            upload(driver, stream, at.sinks()), comp, keys,
            at.indexer() == null ? 0 : upload(driver, stream, at.indexer().qBProj()),
            at.indexer() == null ? 0 : upload(driver, stream, at.indexer().weightsProj()),
            upload(driver, stream, l.postNorm()),
            upload(driver, stream, concat(l.gate().toFloats(), l.up().toFloats())), upload(driver, stream, l.down()),
            upload(driver, stream, new Rope(a.ropeDims(), a.ropeBase(type)).inverseFrequencies())));
      }
      long total = 0;
      for (DeviceBuffer b : owned) total += b.bytes();
      bytes = total;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Compressor compressor(Driver driver, MemorySegment stream, AttentionWeights.CompressorWeights c) {
    return new Compressor(upload(driver, stream, c.kvProj()), upload(driver, stream, c.gateProj()),
        upload(driver, stream, c.positionBias()), upload(driver, stream, c.kvNorm()));
  }

  private long upload(Driver driver, MemorySegment stream, Tensor t) { return upload(driver, stream, t.toFloats()); }

  private long upload(Driver driver, MemorySegment stream, float[] v) {
    DeviceBuffer b = DeviceBuffer.of(driver, stream, v);
    owned.add(b);
    return b.ptr();
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = new float[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public void close() {
    for (DeviceBuffer b : owned) b.close();
    owned.clear();
  }
}
