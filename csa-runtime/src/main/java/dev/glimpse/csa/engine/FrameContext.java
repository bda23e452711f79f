package dev.glimpse.csa.engine;

import dev.glimpse.csa.LanguageModel;
import dev.glimpse.csa.LayerType;
import dev.glimpse.csa.LmConfig;
import dev.glimpse.encoder.ImageBlock;
import dev.glimpse.encoder.VisionEncoder;
import dev.glimpse.types.Box;
import dev.glimpse.types.Detection;
import dev.glimpse.types.Point;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One stream's persistent multi-frame context (docs/model.md §4.1, §7): {@link #append} encodes a frame and
 * prefills its chunk ({@code <|bos|>} before the first, then {@code <|frame|> TAG} and the image block), keeping per
 * layer the raw window and the compressed rows of every frame in a ring of {@code capacity} frames (the oldest is
 * evicted); {@link #ask} answers a query about the latest frame on a fork with grammar-constrained greedy decoding,
 * leaving the context as it was. Positions are re-based (§7.3) so a stream may run for days with flat memory.
 * Not thread-safe: one owner (a stream's worker) at a time.
 */
public final class FrameContext implements AutoCloseable {
  /** Re-base when the RoPE position of the next token reaches this (docs/model.md §7.3). */
  static final long REBASE_AT = 1L << 20;
  /** Default answer token cap (24 boxes of 10 tokens + framing). */
  public static final int DEFAULT_MAX_NEW = 260;

  private record Held(int tag, long start, int width, int height) {}

  private final GlimpseModel model;
  private final LanguageModel lm;
  private final Vocabulary vocab;
  private final int capacity;
  private final LmSession session;
  private final ArrayDeque<Held> frames = new ArrayDeque<>();
  private long appended;
  long rebaseAt = REBASE_AT;       // tests lower it

  FrameContext(GlimpseModel model, int capacity) {
    if (capacity < 1 || capacity > 999) {
      throw new IllegalArgumentException("context capacity must be 1..999 frames (TAGs are unique mod 1000), got "
          + capacity);
    }
    this.model = model;
    this.lm = model.lm();
    this.vocab = model.vocabulary();
    this.capacity = capacity;
    this.session = model.lmSessions().open(lm);
  }

  /** What one append added. */
  public record Appended(int tag, int tokens, int rowsAdded, long bytesAdded, boolean evicted) {}

  /** Encodes packed RGB [height, width, 3] and appends it as the latest frame. */
  public Appended append(byte[] rgb, int width, int height) {
    return appendEncoded(model.frameEncoder().encode(rgb, width, height), width, height);
  }

  /** Appends a frame already encoded by {@link VisionEncoder#encode} (source size width × height). */
  public Appended appendEncoded(VisionEncoder.Encoded e, int width, int height) {
    return appendEncoded(e, width, height, (int) (appended % 1000));
  }

  /** As {@link #appendEncoded(VisionEncoder.Encoded, int, int)} with a given TAG (fixtures use their own). */
  Appended appendEncoded(VisionEncoder.Encoded e, int width, int height, int tag) {
    KvStats before = kv();
    long start = session.position();
    Chunk c = frameChunk(tag, e.nh(), e.nw(), start, appended == 0);
    session.feed(c.ids, c.imageRow, e.rows(), c.spanFrom, c.spanTo, false);
    appended++;
    frames.addLast(new Held(tag, start, width, height));
    boolean evicted = false;
    while (frames.size() > capacity) {
      frames.removeFirst();
      session.evictBefore(frames.getFirst().start());
      evicted = true;
    }
    long rel = session.position() - session.base();
    if (rel >= rebaseAt) session.rebase(rel / 32 * 32);
    KvStats after = kv();
    return new Appended(tag, c.ids.length, after.rowsPerLayer() - before.rowsPerLayer(), after.bytes() - before.bytes(),
        evicted);
  }

  /** Token ids, aligner-row index (or -1) and the image span of one frame's chunk (what an {@link LmSession} is fed). */
  public record Chunk(int[] ids, int[] imageRow, int spanFrom, int spanTo) {}

  /** {@code [<|bos|>] <|frame|> TAG} + the N-layout image block placed at its absolute position (§4.1-§4.2). */
  Chunk frameChunk(int tag, int nh, int nw, long start, boolean bos) {
    int v = lm.config().vocabSize();
    int head = bos ? 3 : 2;
    ImageBlock block = ImageBlock.of(nh, nw, (int) ((start + head) % 4));
    int[] types = block.types(), perm = block.perm();
    int[] ids = new int[head + types.length], rows = new int[ids.length];
    Arrays.fill(rows, -1);
    int k = 0;
    if (bos) ids[k++] = vocab.bos;
    ids[k++] = vocab.frame;
    ids[k++] = tag;
    int spanFrom = -1, spanTo = -1, img = 0;
    for (int ty : types) {
      if (ty == ImageBlock.START && spanFrom < 0) spanFrom = k;
      if (ty == ImageBlock.IMAGE) rows[k] = perm[img++];
      if (ty == ImageBlock.END) spanTo = k + 1;
      ids[k++] = v + ty;
    }
    return new Chunk(ids, rows, spanFrom, spanTo);
  }

  /** Asks {@code text} about the latest frame with the default token cap. */
  public Answer ask(String text) { return ask(Query.parse(text, model.classes(), model.colors()), DEFAULT_MAX_NEW); }

  /** Asks a parsed query about the latest frame, decoding at most maxNew tokens. The context is not changed. */
  public Answer ask(Query q, int maxNew) {
    if (frames.isEmpty()) throw new IllegalStateException("the context holds no frame yet: append one before asking");
    Held latest = frames.getLast();
    int[] words = vocab.encode(q.target());
    int[] prompt = concat(new int[] {vocab.query}, vocab.encode(q.text()), new int[] {vocab.answer});
    Grammar g = new Grammar(vocab, q.task(), words);
    List<Integer> out = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    double pending = 1.0;
    boolean complete = false;
    session.mark();
    try {
      float[] logits = session.feed(prompt, new int[prompt.length], null, 0, 0, true);
      for (int step = 0; step < maxNew; step++) {
        int best = -1;
        for (int t = 0; t < logits.length; t++) {            // ties: lowest id
          if (g.allows(t) && (best < 0 || logits[t] > logits[best])) best = t;
        }
        if (g.atItemDecision()) pending = allowedProbability(logits, g, g.continueToken());
        int before = g.items().size();
        out.add(best);
        if (best == vocab.eos) {
          complete = true;
          break;
        }
        g.push(best);
        if (g.items().size() > before) scores.add(pending);
        if (step + 1 < maxNew) logits = session.feed(new int[] {best}, new int[1], null, 0, 0, true);
      }
    } finally {
      session.rewind();
    }
    int[] tokens = out.stream().mapToInt(Integer::intValue).toArray();
    int offset = g.frameTag() < 0 ? 0 : -Math.floorMod(latest.tag() - g.frameTag(), 1000);
    List<Detection> dets = new ArrayList<>();
    double sx = latest.width() / 999.0, sy = latest.height() / 999.0;
    for (int i = 0; i < g.items().size(); i++) {
      int[] it = g.items().get(i);
      double score = i < scores.size() ? scores.get(i) : 0.0;
      if (g.boxes()) {
        double x1 = it[0] * sx, y1 = it[1] * sy, x2 = it[2] * sx, y2 = it[3] * sy;
        dets.add(new Detection(q.target(), new Box(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2),
            Math.max(y1, y2)), null, score, offset));
      } else {
        dets.add(new Detection(q.target(), null, new Point(it[0] * sx, it[1] * sy), score, offset));
      }
    }
    return new Answer(q, vocab.detokenize(tokens, latest.tag()), tokens, dets, g.count(), complete, kv());
  }

  /** Softmax probability of token {@code t} among the tokens the grammar allows now. */
  private static double allowedProbability(float[] logits, Grammar g, int t) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) if (g.allows(i)) max = Math.max(max, logits[i]);
    double sum = 0;
    for (int i = 0; i < logits.length; i++) if (g.allows(i)) sum += Math.exp(logits[i] - max);
    return g.allows(t) ? Math.exp(logits[t] - max) / sum : 0.0;
  }

  private static int[] concat(int[]... parts) {
    int n = 0;
    for (int[] p : parts) n += p.length;
    int[] out = new int[n];
    int k = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, k, p.length);
      k += p.length;
    }
    return out;
  }

  /** Frames held, positions, compressed rows of the first CSA layer and bytes of every stored row. */
  public KvStats kv() {
    LmConfig c = lm.config();
    int d = c.attention().headDim(), di = c.attention().indexHeadDim();
    long bytes = 0;
    int rows = 0;
    boolean seen = false;
    for (int i = 0; i < c.layers(); i++) {
      bytes += 4L * ((long) (session.rawRows(i) + session.entries(i)) * d + (long) session.indexerKeyRows(i) * di);
      if (!seen && c.layerTypes().get(i) == LayerType.CSA) {
        rows = session.entries(i);
        seen = true;
      }
    }
    return new KvStats(frames.size(), session.position(), rows, bytes);
  }

  public int capacity() { return capacity; }

  /** Frames appended since creation (the next frame's TAG is this mod 1000). */
  public long appended() { return appended; }

  /** The CPU model state (tests and fixtures); only for contexts whose session runs on the CPU. */
  LanguageModel.State state() {
    if (!(session instanceof LmSession.Cpu cpu)) throw new IllegalStateException("the session runs on " + session.describe());
    return cpu.state();
  }

  /** Where the language model of this context runs. */
  public String lmBackend() { return session.describe(); }

  /** Frees the session's memory (device memory for a GPU session); the context is unusable afterwards. */
  @Override
  public void close() { session.close(); }
}
