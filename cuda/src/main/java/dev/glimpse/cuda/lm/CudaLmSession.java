package dev.glimpse.cuda.lm;

import dev.glimpse.csa.AttentionConfig;
import dev.glimpse.csa.LayerType;
import dev.glimpse.csa.LmConfig;
import dev.glimpse.csa.engine.LmSession;
import dev.glimpse.cuda.Cuda;
import dev.glimpse.cuda.CudaGraph;
import dev.glimpse.cuda.CudaStream;
import dev.glimpse.cuda.DeviceBuffer;
import dev.glimpse.cuda.Driver;
import dev.glimpse.cuda.Gemm;
import dev.glimpse.cuda.PinnedBuffer;
import dev.glimpse.cuda.Precision;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One context's language model on the GPU (docs/model.md §6-§7): the per-layer state of {@code LayerState} — the raw
 * window ring, the compressor's last 2m projected tokens, the compressed entries and indexer keys (rings that grow)
 * — lives in device memory, and {@link #feed} runs a chunk through every layer on the session's own stream:
 * projections by cuBLAS (f32), then lm.cu's kernels for norms and RoPE, compression, the indexer's scores and top-k,
 * and attention over window + span + entries + sink. Only the chunk's token ids and aligner rows go up and only the
 * last token's logits come down. {@link #mark}/{@link #rewind} save and restore the small rings and the counters
 * (entries appended by a question are simply forgotten). Not thread-safe: one owner.
 * Legend: T tokens, d width, H heads, D head dim, d_q q latent, F MLP hidden, V vocabulary, W window, m rate,
 * H_I / D_I indexer heads / dim, k top-k, g groups, d_g group width.
 */
public final class CudaLmSession implements LmSession {
  private static final int FIRST_CAPACITY = 256;   // compressed rows per ring at start; doubles as needed

  /** A growing ring of compressed rows: window W in row W mod cap; windows first … emitted−1 are held. */
  private final class Ring {
    final int width;
    DeviceBuffer buf;
    int cap;
    long emitted, first;
    long savedEmitted, savedFirst;                // at the last mark

    Ring(int width) {
      this.width = width;
      this.cap = FIRST_CAPACITY;
      this.buf = alloc((long) cap * width * 4);
    }

    int held() { return (int) (emitted - first); }

    void ensure(int rows) {
      if (rows <= cap) return;
      int n = cap;
      while (n < rows) n *= 2;
      DeviceBuffer next = alloc((long) n * width * 4);
      kernels.ringCopy(s(), buf.ptr(), cap, next.ptr(), n, first, held(), width);
      stream.synchronize();
      free(buf);
      buf = next;
      cap = n;
      layout++;
    }
  }

  /** The compressor's projected tokens of the last 2m positions (row pos mod 2m), kv and gate (2m, c·w). */
  private record Tokens(DeviceBuffer kv, DeviceBuffer gate, DeviceBuffer savedKv, DeviceBuffer savedGate, long bytes) {}

  /** One layer's device state. */
  private final class Layer {
    final DeviceLmWeights.Layer w;
    final DeviceBuffer raw, savedRaw;          // (W, D) ring, row pos mod W
    final int m;                               // compress rate, 0 for sliding layers
    final Ring main, keys;                     // entries (n, D), indexer keys (n, D_I)
    final Tokens mainTokens, keyTokens;

    Layer(DeviceLmWeights.Layer w) {
      this.w = w;
      raw = alloc((long) a.slidingWindow() * a.headDim() * 4);
      savedRaw = alloc(raw.bytes());
      m = w.type() == LayerType.SLIDING ? 0 : a.compressRate(w.type());
      boolean csa = w.type() == LayerType.CSA;
      main = m == 0 ? null : new Ring(a.headDim());
      mainTokens = m == 0 ? null : tokens(m, (csa ? 2 : 1) * a.headDim());
      keys = csa ? new Ring(a.indexHeadDim()) : null;
      keyTokens = csa ? tokens(m, 2 * a.indexHeadDim()) : null;
    }
  }

  private final Cuda cuda;
  private final Driver driver;
  private final LmKernels kernels;
  private final DeviceLmWeights dw;
  private final LmConfig cfg;
  private final AttentionConfig a;
  private final float eps, scale, indexScale, indexWeightScale;
  private final CudaStream stream;
  private final MemorySegment cublas;
  private final Gemm gemm;
  private final List<DeviceBuffer> owned = new ArrayList<>();
  private final List<Layer> layers = new ArrayList<>();
  private final DeviceBuffer workspace, logits;
  private final PinnedBuffer logitsHost;
  private long position, base, savedPosition = -1, savedBase;
  private boolean closed;

  // The captured decode step (one token, logits back): replayed while the buffers it captured stay (layout).
  private final DeviceBuffer dyn;              // {pos0, base, first window of each layer} (longs), read by the kernels
  private final PinnedBuffer dynHost;
  private CudaGraph decodeGraph;
  private long layout, decodeLayout = -1;
  private boolean graphs;
  private long replays;

  // Chunk scratch, sized for capT tokens (grown on demand).
  private int capT;
  private DeviceBuffer h, x, attnOut, mlpOut, c, q, kv, ck, cg, iq, iw, o, mid, gu, g, picked, slots, rows;
  private PinnedBuffer staging;
  private DeviceBuffer scores;                 // (SELECT_ROWS, n) indexer scores
  private final DeviceBuffer xOut, cOut;       // one token's stacked projections of x and of the q latent

  CudaLmSession(Cuda cuda, LmKernels kernels, DeviceLmWeights dw, LmConfig cfg, boolean decodeGraphs) {
    this.graphs = decodeGraphs;
    this.cuda = cuda;
    this.driver = cuda.driver();
    this.kernels = kernels;
    this.dw = dw;
    this.cfg = cfg;
    this.a = cfg.attention();
    this.eps = (float) a.rmsNormEps();
    this.scale = (float) (1.0 / Math.sqrt(a.headDim()));
    this.indexScale = (float) (1.0 / Math.sqrt(a.indexHeadDim()));
    this.indexWeightScale = (float) (1.0 / Math.sqrt(a.indexHeads()));
    cuda.makeCurrent();
    CudaStream st = new CudaStream(driver);
    MemorySegment handle = null;
    try {
      handle = cuda.cublas().create();
      cuda.cublas().setStream(handle, st.handle());
    } catch (RuntimeException e) {
      if (handle != null) cuda.cublas().destroy(handle);
      st.close();
      throw e;
    }
    this.stream = st;
    this.cublas = handle;
    this.gemm = new Gemm(cuda.cublas(), handle);
    try {
      workspace = alloc(4L << 20);
      cuda.cublas().setWorkspace(handle, workspace.ptr(), workspace.bytes());
      logits = alloc(4L * cfg.vocabSize());
      logitsHost = new PinnedBuffer(driver, 4L * cfg.vocabSize());
      for (DeviceLmWeights.Layer l : dw.layers) layers.add(new Layer(l));
      for (Layer l : layers) driver.memsetAsync(l.raw.ptr(), (byte) 0, l.raw.bytes(), s());
      dyn = alloc(8L * (2 + layers.size()));
      dynHost = new PinnedBuffer(driver, dyn.bytes());
      scratch(512);
      scores = alloc(4L * LmKernels.SELECT_ROWS * 1024);
      int xRows = 1, cRows = 1;
      for (DeviceLmWeights.Layer l : dw.layers) {
        xRows = Math.max(xRows, l.xRows());
        cRows = Math.max(cRows, l.cRows());
      }
      xOut = alloc(4L * xRows);
      cOut = alloc(4L * cRows);
      stream.synchronize();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private MemorySegment s() { return stream.handle(); }

  private DeviceBuffer alloc(long bytes) {
    DeviceBuffer b = DeviceBuffer.allocate(driver, bytes);
    owned.add(b);
    return b;
  }

  private void free(DeviceBuffer b) {
    if (b == null) return;
    owned.remove(b);
    b.close();
  }

  private Tokens tokens(int m, int cw) {
    long bytes = 2L * m * cw * 4;
    return new Tokens(alloc(bytes), alloc(bytes), alloc(bytes), alloc(bytes), bytes);
  }

  /** (Re)allocates the chunk scratch for up to {@code t} tokens. */
  private void scratch(int t) {
    stream.synchronize();
    for (DeviceBuffer b : new DeviceBuffer[] {h, x, attnOut, mlpOut, c, q, kv, ck, cg, iq, iw, o, mid, gu, g, picked, slots,
        rows}) {
      free(b);
    }
    if (staging != null) staging.close();
    int d = cfg.hiddenSize(), hd = a.heads() * a.headDim(), f = cfg.intermediateSize();
    long rowBytes = 4L * t;
    h = alloc(rowBytes * d);
    x = alloc(rowBytes * d);
    attnOut = alloc(rowBytes * d);
    mlpOut = alloc(rowBytes * d);
    c = alloc(rowBytes * a.qLoraRank());
    q = alloc(rowBytes * hd);
    kv = alloc(rowBytes * a.headDim());
    ck = alloc(rowBytes * 2 * Math.max(a.headDim(), a.indexHeadDim()));
    cg = alloc(rowBytes * 2 * Math.max(a.headDim(), a.indexHeadDim()));
    iq = alloc(rowBytes * a.indexHeads() * a.indexHeadDim());
    iw = alloc(rowBytes * a.indexHeads());
    o = alloc(rowBytes * hd);
    mid = alloc(rowBytes * a.oGroups() * a.oLoraRank());
    gu = alloc(rowBytes * 2 * f);
    g = alloc(rowBytes * f);
    picked = alloc(rowBytes * a.indexTopk());
    slots = alloc(rowBytes);
    rows = alloc(rowBytes * d);
    staging = new PinnedBuffer(driver, rowBytes * (d + 1));
    capT = t;
    layout++;
  }

  @Override
  public long position() { return position; }

  @Override
  public float[] feed(int[] ids, int[] imageRow, float[] imageRows, int spanFrom, int spanTo, boolean wantLogits) {
    int t = ids.length, d = cfg.hiddenSize(), v = cfg.vocabSize();
    if (t == 0) throw new IllegalArgumentException("feed: no tokens");
    if (spanFrom < 0 || spanTo > t || spanFrom > spanTo) {
      throw new IllegalArgumentException("image span [" + spanFrom + ", " + spanTo + ") is not inside the chunk of " + t);
    }
    int[] slot = new int[t];
    int nRows = imageRows == null ? 0 : imageRows.length / d;
    for (int j = 0; j < t; j++) {                      // the gather table: tokens, then the image-slot embeddings
      int id = ids[j];
      if (id >= 0 && id < v) {
        slot[j] = -1 - id;
      } else if (id >= v && id < v + 5) {
        if (id - v == 2) {
          if (imageRow[j] < 0 || imageRow[j] >= nRows) {
            throw new IllegalArgumentException("image slot " + j + " has no aligner row (row " + imageRow[j] + ")");
          }
          slot[j] = imageRow[j];
        } else {
          slot[j] = -1 - id;
        }
      } else {
        throw new IllegalArgumentException("token id " + id + " at " + j + " is outside 0.." + (v + 4));
      }
    }
    cuda.makeCurrent();
    if (t == 1 && nRows == 0 && spanFrom == spanTo && wantLogits && graphs) return decodeStep(slot[0]);
    if (t > capT || nRows > capT) scratch(Math.max(Math.max(t, nRows), 2 * capT));
    stream.synchronize();                               // the staging buffer is free again
    MemorySegment st = staging.segment();
    MemorySegment.copy(slot, 0, st, ValueLayout.JAVA_INT, 0, t);
    if (nRows > 0) MemorySegment.copy(imageRows, 0, st, ValueLayout.JAVA_FLOAT, 4L * capT, nRows * d);
    driver.copyToDeviceAsync(slots.ptr(), st, 4L * t, s());
    if (nRows > 0) driver.copyToDeviceAsync(rows.ptr(), st.asSlice(4L * capT), 4L * nRows * d, s());
    forward(t, position, spanFrom, spanTo, wantLogits, 0);
    position += t;
    if (!wantLogits) return null;
    stream.synchronize();
    return logitsHost.segment().asSlice(0, 4L * v).toArray(ValueLayout.JAVA_FLOAT);
  }

  /**
   * One token through a captured graph of {@link #forward}: the token's slot and {pos0, base, first windows} go up
   * from pinned memory inside the graph, the logits come down into pinned memory; the host then advances the
   * counters the kernels advanced on the device. The graph is captured again when a buffer it uses was reallocated
   * (a ring grew). A capture that fails turns graphs off for this session (logged) and the step runs eagerly.
   */
  private float[] decodeStep(int slot) {
    int v = cfg.vocabSize(), d = cfg.hiddenSize();
    for (Layer l : layers) {
      for (Ring r : new Ring[] {l.main, l.keys}) if (r != null) r.ensure(r.held() + 1);
    }
    long keysCap = 0;
    for (Layer l : layers) if (l.keys != null) keysCap = Math.max(keysCap, l.keys.cap);
    if (scores.bytes() < 4L * keysCap) {
      stream.synchronize();
      free(scores);
      scores = alloc(4L * Math.max(keysCap, LmKernels.SELECT_ROWS * 1024L));
      layout++;
    }
    stream.synchronize();                               // pinned inputs are free, earlier work is done
    MemorySegment dh = dynHost.segment();
    dh.setAtIndex(ValueLayout.JAVA_LONG, 0, position);
    dh.setAtIndex(ValueLayout.JAVA_LONG, 1, base);
    for (int i = 0; i < layers.size(); i++) {
      Ring r = layers.get(i).main;
      dh.setAtIndex(ValueLayout.JAVA_LONG, 2 + i, r == null ? 0 : r.first);
    }
    staging.segment().setAtIndex(ValueLayout.JAVA_INT, 0, slot);
    if (decodeGraph == null || decodeLayout != layout) {
      if (decodeGraph != null) decodeGraph.close();
      decodeGraph = null;
      try {
        decodeGraph = CudaGraph.capture(driver, s(), () -> {
          driver.copyToDeviceAsync(dyn.ptr(), dh, dyn.bytes(), s());
          driver.copyToDeviceAsync(slots.ptr(), staging.segment(), 4, s());
          forward(1, position, 0, 0, true, dyn.ptr());
        });
        decodeLayout = layout;
      } catch (RuntimeException e) {
        graphs = false;
        System.getLogger("dev.glimpse.cuda").log(System.Logger.Level.WARNING,
            "CUDA language model: decode steps run without a CUDA graph: " + e.getMessage());
        return feed(new int[] {-1 - slot}, new int[1], null, 0, 0, true);
      }
    }
    decodeGraph.launch(s());
    replays++;
    stream.synchronize();
    for (Layer l : layers) {
      if (l.m == 0) continue;
      long count = (position + 1) / l.m - position / l.m;
      l.main.emitted += count;
      if (l.keys != null) l.keys.emitted += count;
    }
    position += 1;
    return logitsHost.segment().asSlice(0, 4L * v).toArray(ValueLayout.JAVA_FLOAT);
  }

  /**
   * Enqueues the chunk of t tokens at position pos0 through every layer (slots and aligner rows already on the
   * device): eager when {@code dynPtr} is 0, else the decode step's launches for capture (t = 1; positions and first
   * windows read from the device array, grids sized for the rings' capacity).
   */
  private void forward(int t, long pos0, int spanFrom, int spanTo, boolean wantLogits, long dynPtr) {
    int d = cfg.hiddenSize(), v = cfg.vocabSize();
    kernels.embed(s(), rows.ptr(), slots.ptr(), dw.table, h.ptr(), t, d);
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      kernels.residualRmsNorm(s(), h.ptr(), i == 0 ? 0 : mlpOut.ptr(), l.w.inputNorm(), x.ptr(), t, d, eps);
      attention(i, l, t, pos0, spanFrom, spanTo, dynPtr);
      kernels.residualRmsNorm(s(), h.ptr(), attnOut.ptr(), l.w.postNorm(), x.ptr(), t, d, eps);
      int f = cfg.intermediateSize();
      gemm.xwT(Precision.F32, gu.ptr(), x.ptr(), l.w.gateUp(), t, 2 * f, d);
      kernels.swiglu(s(), gu.ptr(), g.ptr(), t, f);
      gemm.xwT(Precision.F32, mlpOut.ptr(), g.ptr(), l.w.down(), t, d, f);
    }
    kernels.residualRmsNorm(s(), h.ptr(), mlpOut.ptr(), dw.norm, x.ptr(), t, d, eps);
    if (!wantLogits) return;
    gemm.xwT(Precision.F32, logits.ptr(), x.ptr() + 4L * (t - 1) * d, dw.lmHead, 1, v, d);
    driver.copyToHostAsync(logitsHost.segment(), logits.ptr(), 4L * v, s());
  }

  /**
   * DeepseekV4Attention.forward of the chunk's normed rows x (T, d) → attnOut (T, d) for layer {@code li}; eager
   * ({@code dynPtr} 0: advances the rings' counters) or captured (see {@link #forward}).
   */
  private void attention(int li, Layer l, int t, long pos0, int spanFrom, int spanTo, long dynPtr) {
    DeviceLmWeights.Layer w = l.w;
    int d = cfg.hiddenSize(), heads = a.heads(), hd = a.headDim(), dq = a.qLoraRank(), r = a.ropeDims();
    long rel0 = pos0 - base;
    // One token: every projection of x in one GEMM, then those of the q latent in another (DeviceLmWeights.Layer).
    boolean stacked = t == 1;
    long cP = c.ptr(), qP = q.ptr(), kvP = kv.ptr(), iqP = iq.ptr(), iwP = iw.ptr();
    long[] mainOut = {ck.ptr(), cg.ptr()}, keysOut = {ck.ptr(), cg.ptr()};
    if (stacked) {
      gemm.xwT(Precision.F32, xOut.ptr(), x.ptr(), w.xFused(), 1, w.xRows(), d);        // (1, xRows)
      cP = xOut.ptr();
      kvP = cP + 4L * dq;
      long next = kvP + 4L * hd;
      if (w.compressor() != null) {
        int cw = (w.type() == LayerType.CSA ? 2 : 1) * hd;
        mainOut = new long[] {next, next + 4L * cw};
        next += 8L * cw;
      }
      if (w.indexerKeys() != null) {
        int cw = 2 * a.indexHeadDim();
        keysOut = new long[] {next, next + 4L * cw};
        iwP = next + 8L * cw;
      }
    } else {
      gemm.xwT(Precision.F32, c.ptr(), x.ptr(), w.qA(), t, dq, d);                     // (T, d_q)
    }
    kernels.normRope(s(), cP, t, 1, dq, w.qANorm(), true, eps, 0, 0, 0, false, 0);
    if (stacked) {
      gemm.xwT(Precision.F32, cOut.ptr(), cP, w.cFused(), 1, w.cRows(), dq);             // (1, cRows)
      qP = cOut.ptr();
      iqP = qP + 4L * heads * hd;
    } else {
      gemm.xwT(Precision.F32, q.ptr(), c.ptr(), w.qB(), t, heads * hd, dq);            // (T, H·D)
    }
    kernels.normRope(s(), qP, t, heads, hd, 0, true, eps, w.invFreq(), r, rel0, false, dynPtr);
    if (!stacked) gemm.xwT(Precision.F32, kv.ptr(), x.ptr(), w.kv(), t, hd, d);       // (T, D)
    kernels.normRope(s(), kvP, t, 1, hd, w.kvNorm(), true, eps, w.invFreq(), r, rel0, false, dynPtr);

    long pickedPtr = 0;
    if (l.m > 0) {
      boolean csa = w.type() == LayerType.CSA;
      compressChunk(l.main, l.mainTokens, w.compressor(), l.m, hd, csa, t, pos0, w.invFreq(), dynPtr, stacked, mainOut);
      if (csa) {
        compressChunk(l.keys, l.keyTokens, w.indexerKeys(), l.m, a.indexHeadDim(), true, t, pos0, w.invFreq(), dynPtr,
            stacked, keysOut);
        int hi = a.indexHeads(), di = a.indexHeadDim(), k = a.indexTopk();
        if (!stacked) gemm.xwT(Precision.F32, iq.ptr(), c.ptr(), w.indexerQ(), t, hi * di, dq);   // (T, H_I·D_I)
        kernels.normRope(s(), iqP, t, hi, di, 0, false, eps, w.invFreq(), r, rel0, false, dynPtr);
        if (!stacked) gemm.xwT(Precision.F32, iw.ptr(), x.ptr(), w.indexerW(), t, hi, d);         // (T, H_I)
        if (dynPtr != 0) {                             // one token: score and select whatever it sees (≤ capacity)
          kernels.indexerScores(s(), iqP, iwP, l.keys.buf.ptr(), l.keys.cap, 0, l.keys.cap, 0, 1, hi, di,
              indexScale, indexWeightScale, scores.ptr(), l.m, li, dynPtr);
          kernels.topk(s(), scores.ptr(), l.keys.cap, 0, 1, 0, l.m, 0, k, picked.ptr(), li, dynPtr);
          pickedPtr = picked.ptr();
        } else if (l.keys.emitted - l.keys.first > k) {
          for (int j0 = 0; j0 < t; j0 += LmKernels.SELECT_ROWS) {
            int n = Math.min(LmKernels.SELECT_ROWS, t - j0);
            int cols = visible(pos0 + j0 + n - 1, l.m, l.keys.first);     // the block's last row sees the most
            if (cols > k) {
              if (scores.bytes() < 4L * LmKernels.SELECT_ROWS * cols) {
                stream.synchronize();
                long wider = Math.max(cols, 2L * scores.bytes() / 4 / LmKernels.SELECT_ROWS);
                free(scores);
                scores = alloc(4L * LmKernels.SELECT_ROWS * wider);
                layout++;
              }
              kernels.indexerScores(s(), iqP, iwP, l.keys.buf.ptr(), l.keys.cap, l.keys.first, cols, j0, n, hi,
                  di, indexScale, indexWeightScale, scores.ptr(), l.m, li, 0);
            }
            kernels.topk(s(), scores.ptr(), cols, j0, n, pos0, l.m, l.keys.first, k, picked.ptr(), li, 0);  // ≤ k: all
          }
          pickedPtr = picked.ptr();
        }
      }
    }
    Ring main = l.main;
    kernels.attention(s(), qP, kvP, l.raw.ptr(), a.slidingWindow(), main == null ? 0 : main.buf.ptr(),
        main == null ? 1 : main.cap, main == null ? 0 : main.first, pickedPtr, a.indexTopk(), pos0, l.m, spanFrom, spanTo,
        a.slidingWindow(), w.sinks(), scale, t, heads, o.ptr(), li, dynPtr);
    kernels.ringStore(s(), kvP, t, hd, l.raw.ptr(), a.slidingWindow(), pos0, dynPtr);
    kernels.normRope(s(), o.ptr(), t, heads, hd, 0, false, eps, w.invFreq(), r, rel0, true, dynPtr);
    int groups = a.oGroups(), dg = a.oLoraRank(), in = heads * hd / groups;
    for (int j = 0; j < groups; j++) {                                                 // grouped o_a: (T, g·d_g)
      gemm.xwT(Precision.F32, mid.ptr() + 4L * j * dg, groups * dg, o.ptr() + 4L * j * in, heads * hd,
          w.oA() + 4L * j * dg * in, t, dg, in);
    }
    gemm.xwT(Precision.F32, attnOut.ptr(), mid.ptr(), w.oB(), t, d, groups * dg);       // (T, d)
  }

  /** Entries visible to the query at absolute position p (as lm.cu's visible). */
  private static int visible(long p, int m, long first) { return (int) Math.max(0, (p + 1) / m - first); }

  /**
   * Compressor.project + feed for the chunk: the windows it completes become ring rows; the tokens ring keeps 2m.
   * Eager: the ring grows first and its count advances here; captured (one token): the kernel finds its window
   * from the device array, and the decode step advances the count.
   */
  private void compressChunk(Ring ring, Tokens tok, DeviceLmWeights.Compressor w, int m, int dim, boolean overlap, int t,
      long pos0, long invFreq, long dynPtr, boolean projected, long[] out) {
    int d = cfg.hiddenSize(), cw = (overlap ? 2 : 1) * dim;
    long ckP = out[0], cgP = out[1];                   // {kv, gate} (T, c·w): given when projected, else computed here
    if (!projected) {
      gemm.xwT(Precision.F32, ckP, x.ptr(), w.kv(), t, cw, d);
      gemm.xwT(Precision.F32, cgP, x.ptr(), w.gate(), t, cw, d);
    }
    kernels.addPositionBias(s(), cgP, w.positionBias(), t, cw, m, pos0, dynPtr);
    long w0 = pos0 / m;
    int count = (int) ((pos0 + t) / m - w0);
    if (dynPtr == 0) {
      ring.ensure(ring.held() + count);
      kernels.compress(s(), ckP, cgP, tok.kv().ptr(), tok.gate().ptr(), 2 * m, ring.buf.ptr(), ring.cap, w0, count,
          m, dim, overlap, pos0, w.norm(), eps, invFreq, a.ropeDims(), base, t, 0);
      ring.emitted += count;
    } else {                                           // one token completes at most one window
      kernels.compress(s(), ckP, cgP, tok.kv().ptr(), tok.gate().ptr(), 2 * m, ring.buf.ptr(), ring.cap, w0, 1,
          m, dim, overlap, pos0, w.norm(), eps, invFreq, a.ropeDims(), base, 1, dynPtr);
    }
    kernels.ringStore(s(), ckP, t, cw, tok.kv().ptr(), 2 * m, pos0, dynPtr);
    kernels.ringStore(s(), cgP, t, cw, tok.gate().ptr(), 2 * m, pos0, dynPtr);
  }

  @Override
  public void mark() {
    cuda.makeCurrent();
    for (Layer l : layers) {
      copyRings(l, true);
      for (Ring r : new Ring[] {l.main, l.keys}) {
        if (r == null) continue;
        r.savedEmitted = r.emitted;
        r.savedFirst = r.first;
      }
    }
    savedPosition = position;
    savedBase = base;
  }

  @Override
  public void rewind() {
    if (savedPosition < 0) throw new IllegalStateException("rewind without mark");
    cuda.makeCurrent();
    for (Layer l : layers) {
      copyRings(l, false);
      for (Ring r : new Ring[] {l.main, l.keys}) {
        if (r == null) continue;
        r.emitted = r.savedEmitted;
        r.first = r.savedFirst;
      }
    }
    position = savedPosition;
    base = savedBase;
    savedPosition = -1;
  }

  /** The small device state a question overwrites: the raw ring and the compressor tokens, to (save) or from their copies. */
  private void copyRings(Layer l, boolean save) {
    copy(l.savedRaw, l.raw, l.raw.bytes(), save);
    for (Tokens tk : new Tokens[] {l.mainTokens, l.keyTokens}) {
      if (tk == null) continue;
      copy(tk.savedKv(), tk.kv(), tk.bytes(), save);
      copy(tk.savedGate(), tk.gate(), tk.bytes(), save);
    }
  }

  private void copy(DeviceBuffer saved, DeviceBuffer live, long bytes, boolean save) {
    if (save) driver.copyDeviceAsync(saved.ptr(), live.ptr(), bytes, s());
    else driver.copyDeviceAsync(live.ptr(), saved.ptr(), bytes, s());
  }

  @Override
  public void evictBefore(long pos) {
    for (Layer l : layers) {
      for (Ring ring : new Ring[] {l.main, l.keys}) {
        if (ring != null) ring.first = Math.max(ring.first, Math.min(ring.emitted, pos / l.m));
      }
    }
  }

  @Override
  public long base() { return base; }

  @Override
  public void rebase(long delta) {
    if (delta % 32 != 0) throw new IllegalArgumentException("re-base by a multiple of 32, got " + delta);
    cuda.makeCurrent();
    for (Layer l : layers) {
      kernels.rebaseRows(s(), l.raw.ptr(), a.slidingWindow(), a.headDim(), l.w.invFreq(), a.ropeDims(), delta);
      for (Ring ring : new Ring[] {l.main, l.keys}) {
        if (ring != null) kernels.rebaseRows(s(), ring.buf.ptr(), ring.cap, ring.width, l.w.invFreq(), a.ropeDims(), delta);
      }
    }
    base += delta;
  }

  @Override
  public int rawRows(int layer) { return (int) Math.min(position, a.slidingWindow()); }

  @Override
  public int entries(int layer) {
    Ring r = layers.get(layer).main;
    return r == null ? 0 : r.held();
  }

  @Override
  public int indexerKeyRows(int layer) {
    Ring r = layers.get(layer).keys;
    return r == null ? 0 : r.held();
  }

  @Override
  public String describe() {
    return "cuda (" + cuda.device().name() + ", f32, decode steps " + (graphs ? "in a CUDA graph" : "launched one by one") + ")";
  }

  /** Decode steps replayed from the captured graph so far. */
  public long decodeReplays() { return replays; }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    cuda.makeCurrent();
    stream.synchronize();
    for (DeviceBuffer b : owned) b.close();
    owned.clear();
    if (decodeGraph != null) decodeGraph.close();
    if (staging != null) staging.close();
    if (logitsHost != null) logitsHost.close();
    if (dynHost != null) dynHost.close();
    if (cublas != null) cuda.cublas().destroy(cublas);
    stream.close();
  }
}
