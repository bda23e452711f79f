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

  /**
   * One decoder layer. The projections of the normed input x are rows of one matrix, {@code xFused} (xRows, d) =
   * [q_a; kv; compressor kv; compressor gate; indexer-keys kv; indexer-keys gate; indexer weights] (those the layer
   * has), and those of the normed q latent likewise, {@code cFused} (cRows, d_q) = [q_b; indexer q_b]: a decoded token
   * computes each group with one GEMM; a chunk uses the parts, which point into the same memory.
   */
  record Layer(LayerType type, long inputNorm, long qA, long qANorm, long qB, long kv, long kvNorm, long oA, long oB,
      long sinks, Compressor compressor, Compressor indexerKeys, long indexerQ, long indexerW, long postNorm,
      long gateUp, long down, long invFreq, long xFused, int xRows, long cFused, int cRows) {}

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
        AttentionWeights.CompressorWeights cw = at.compressor(), kw = at.indexer() == null ? null : at.indexer().compressor();
        List<Tensor> xParts = new ArrayList<>(List.of(at.qAProj(), at.kvProj()));
        if (cw != null) xParts.addAll(List.of(cw.kvProj(), cw.gateProj()));
        if (kw != null) xParts.addAll(List.of(kw.kvProj(), kw.gateProj(), at.indexer().weightsProj()));
        List<Tensor> cParts = new ArrayList<>(List.of(at.qBProj()));
        if (at.indexer() != null) cParts.add(at.indexer().qBProj());
        long[] xp = stacked(driver, stream, xParts), cp = stacked(driver, stream, cParts);
        int xRows = (int) ((xp[xp.length - 1] - xp[0]) / 4 / d), cRows = (int) ((cp[cp.length - 1] - cp[0]) / 4 / a.qLoraRank());
        Compressor comp = cw == null ? null : new Compressor(xp[2], xp[3], upload(driver, stream, cw.positionBias()),
            upload(driver, stream, cw.kvNorm()));
        int k0 = cw == null ? 2 : 4;
        Compressor keys = kw == null ? null : new Compressor(xp[k0], xp[k0 + 1], upload(driver, stream, kw.positionBias()),
            upload(driver, stream, kw.kvNorm()));
        layers.add(new Layer(type, upload(driver, stream, l.inputNorm()), xp[0],
            upload(driver, stream, at.qANorm()), cp[0], xp[1],
            upload(driver, stream, at.kvNorm()), upload(driver, stream, at.oAProj()), upload(driver, stream, at.oBProj()),
            upload(driver, stream, at.sinks()), comp, keys,
            at.indexer() == null ? 0 : cp[1], kw == null ? 0 : xp[k0 + 2],
            upload(driver, stream, l.postNorm()),
            upload(driver, stream, concat(l.gate().toFloats(), l.up().toFloats())), upload(driver, stream, l.down()),
            upload(driver, stream, new Rope(a.ropeDims(), a.ropeBase(type)).inverseFrequencies()),
            xp[0], xRows, cp[0], cRows));
      }
      long total = 0;
      for (DeviceBuffer b : owned) total += b.bytes();
      bytes = total;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Uploads row-major matrices with one width stacked into one buffer; returns each part's pointer, then the end
   * (base + total bytes).
   */
  private long[] stacked(Driver driver, MemorySegment stream, List<Tensor> parts) {
    List<float[]> v = parts.stream().map(Tensor::toFloats).toList();
    int n = 0;
    for (float[] p : v) n += p.length;
    float[] all = new float[n];
    long[] ptr = new long[v.size() + 1];
    int o = 0;
    for (int i = 0; i < v.size(); i++) {
      System.arraycopy(v.get(i), 0, all, o, v.get(i).length);
      ptr[i] = o;
      o += v.get(i).length;
    }
    ptr[v.size()] = o;
    long base = upload(driver, stream, all);
    for (int i = 0; i < ptr.length; i++) ptr[i] = base + 4L * ptr[i];
    return ptr;
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
