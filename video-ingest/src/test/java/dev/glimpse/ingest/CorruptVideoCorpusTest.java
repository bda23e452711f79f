package dev.glimpse.ingest;

import static dev.glimpse.ingest.StreamHarness.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.BackoffConfig;
import dev.glimpse.config.MailboxConfig;
import dev.glimpse.config.MailboxConfig.MailboxPolicy;
import dev.glimpse.config.SourceUrl;
import dev.glimpse.config.StreamConfig;
import dev.glimpse.types.PixelFormat;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded corpus of damaged copies of two simulator H.264 MP4s (index last, as the simulator writes it; and index
 * first, faststart), each replayed through the real ingest path ({@link FrameStream} over {@link FrameSources}).
 * Every copy must end in one of two ways, within a timeout: a {@code FAILED} event whose {@link SourceException}
 * names the file (never an internal error), or the stream reaching its end with damage counted. Whatever was
 * delivered before either end is a whole frame of the video's size, and every decoded frame is accounted for.
 * Copies whose index is intact and whose damage lies in the frame data must play to the end.
 */
class CorruptVideoCorpusTest {
  private static final long SEED = 20_260_511L;
  private static final int W = 160, H = 120, FRAMES = 60;
  private static final Duration END_WITHIN = seconds(30);
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() { vertx = Vertx.vertx(); }

  @AfterAll
  static void stopVertx() throws Exception { vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); }

  /** How a damaged copy is allowed to end. */
  enum Expect {
    /** A clear error or the end, either is fine. */
    EITHER,
    /** The damage is confined to frame data: the stream goes on to its end and counts what it lost. */
    PLAYS_THROUGH,
    /** Nothing can be played, or the file ends far too early: a clear error, saying {@code Case.says}. */
    FAILS
  }

  /** One damaged copy: its file, what must happen and, for {@code FAILS}, what the error must say. */
  record Case(String name, Path file, Expect expect, String says) {}

  /** What an error about a damaged file says, so that the user knows what is wrong with it. */
  private static final java.util.regex.Pattern DIAGNOSIS = java.util.regex.Pattern.compile(
      "empty file|truncated|damaged|not a video file|unsupported codec|no decodable video stream");

  /** A top-level MP4 box: its type and byte range. */
  record Box(String type, int start, int end) {}

  /** The top-level boxes of an MP4 (ftyp, moov, mdat, free, ...). */
  static Map<String, Box> boxes(byte[] b) {
    Map<String, Box> out = new LinkedHashMap<>();
    ByteBuffer bb = ByteBuffer.wrap(b);
    int at = 0;
    while (at + 8 <= b.length) {
      long size = Integer.toUnsignedLong(bb.getInt(at));
      String type = new String(b, at + 4, 4, StandardCharsets.US_ASCII);
      if (size == 1) size = bb.getLong(at + 8);
      if (size == 0) size = b.length - at;
      if (size < 8 || at + size > b.length) throw new IllegalStateException("bad box " + type + " at " + at);
      out.putIfAbsent(type, new Box(type, at, (int) (at + size)));
      at += (int) size;
    }
    return out;
  }

  static List<Case> corpus() throws IOException {
    byte[] last = Files.readAllBytes(TestMedia.h264Mp4(W, H, FRAMES));
    byte[] first = Files.readAllBytes(TestMedia.encode("faststart-" + FRAMES + ".mp4", "mp4",
        org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264, W, H, FRAMES, Map.of("movflags", "+faststart")));
    Map<String, Box> lb = boxes(last), fb = boxes(first);
    Box lMoov = lb.get("moov"), lMdat = lb.get("mdat"), fMoov = fb.get("moov"), fMdat = fb.get("mdat"), ftyp = lb.get("ftyp");
    assertTrue(lMdat.start() < lMoov.start(), "the simulator writes its index last: " + lb);
    assertTrue(fMoov.start() < fMdat.start(), "faststart puts the index first: " + fb);
    // Damage to frame data starts past the first frame's payload so that the stream has begun: 1/8 into mdat.
    int lData = lMdat.start() + (lMdat.end() - lMdat.start()) / 8, fData = fMdat.start() + (fMdat.end() - fMdat.start()) / 8;
    SplittableRandom rng = new SplittableRandom(SEED);
    Dir dir = new Dir(Files.createDirectories(TestMedia.dir().resolve("corpus")));
    List<Case> c = new ArrayList<>();
    // nothing that is a video
    c.add(dir.fails("empty.mp4", new byte[0], "empty file: "));
    c.add(dir.fails("random-4k.mp4", random(rng, 4096), "not a video file"));
    c.add(dir.fails("random-256k.mp4", random(rng, 256 << 10), "not a video file"));
    c.add(dir.fails("ftyp-only.mp4", Arrays.copyOfRange(last, ftyp.start(), ftyp.end()), "truncated"));
    c.add(dir.fails("ftyp-then-random.mp4", concat(Arrays.copyOf(last, ftyp.end()), random(rng, 64 << 10)), "truncated"));
    c.add(dir.fails("header-and-index-only.mp4", Arrays.copyOf(first, fMoov.end()), "ended after 0 of 60 frames"));
    // truncations of the index-last file: inside ftyp, inside mdat, inside moov, one byte short
    c.add(dir.fails("last-cut-in-ftyp.mp4", Arrays.copyOf(last, 12), "truncated"));
    for (double f : new double[] {0.1, 0.5, 0.9}) {
      int at = lMdat.start() + (int) ((lMdat.end() - lMdat.start()) * f);
      c.add(dir.fails("last-cut-mdat-" + (int) (f * 100) + ".mp4", Arrays.copyOf(last, at), "no index (moov atom)"));
    }
    c.add(dir.fails("last-cut-in-moov.mp4", Arrays.copyOf(last, (lMoov.start() + lMoov.end()) / 2), "truncated"));
    c.add(dir.write("last-one-byte-short.mp4", Arrays.copyOf(last, last.length - 1), Expect.EITHER));
    // truncations of the faststart file: inside moov, mid-stream
    c.add(dir.fails("first-cut-in-moov.mp4", Arrays.copyOf(first, (fMoov.start() + fMoov.end()) / 2), "truncated"));
    // cut mid-stream: plays up to the cut, then says the file is truncated
    for (double f : new double[] {0.05, 0.3, 0.7}) {
      int at = fMdat.start() + (int) ((fMdat.end() - fMdat.start()) * f);
      c.add(dir.fails("first-cut-mdat-" + (int) (f * 100) + ".mp4", Arrays.copyOf(first, at), "the file is truncated"));
    }
    c.add(dir.write("first-cut-mdat-98.mp4", Arrays.copyOf(first, fMdat.start() + (int) ((fMdat.end() - fMdat.start()) * 0.98)),
        Expect.EITHER));
    // random byte flips in the frame data, index intact: the stream goes on
    for (int flips : new int[] {3, 30, 300}) {
      c.add(dir.write("last-flips-" + flips + ".mp4", mutate(last, b -> flip(b, rng, lData, lMdat.end(), flips)), Expect.PLAYS_THROUGH));
      c.add(dir.write("first-flips-" + flips + ".mp4", mutate(first, b -> flip(b, rng, fData, fMdat.end(), flips)), Expect.PLAYS_THROUGH));
    }
    // zeroed ranges in the frame data
    for (int len : new int[] {64, 2048, 16 << 10}) {
      c.add(dir.write("last-zeroed-" + len + ".mp4", mutate(last, b -> zero(b, rng, lData, lMdat.end(), len)), Expect.PLAYS_THROUGH));
    }
    c.add(dir.write("first-zeroed-2048.mp4", mutate(first, b -> zero(b, rng, fData, fMdat.end(), 2048)), Expect.PLAYS_THROUGH));
    // damage to the index and the box structure
    c.add(dir.write("last-moov-flips.mp4", mutate(last, b -> flip(b, rng, lMoov.start() + 8, lMoov.end(), 20)), Expect.EITHER));
    c.add(dir.write("first-moov-zeroed.mp4", mutate(first, b -> zero(b, rng, fMoov.start() + 8, fMoov.end(), 256)), Expect.EITHER));
    c.add(dir.write("last-moov-size-huge.mp4", mutate(last, b -> ByteBuffer.wrap(b).putInt(lMoov.start(), 0x7FFF_FFF0)), Expect.EITHER));
    c.add(dir.write("first-mdat-renamed.mp4", mutate(first, b -> System.arraycopy(
        "junk".getBytes(StandardCharsets.US_ASCII), 0, b, fMdat.start() + 4, 4)), Expect.EITHER));
    c.add(dir.write("first-mdat-size-tiny.mp4", mutate(first, b -> ByteBuffer.wrap(b).putInt(fMdat.start(), 9)), Expect.EITHER));
    return c;
  }

  /** Writes damaged copies under one folder. */
  record Dir(Path path) {
    Case write(String name, byte[] bytes, Expect expect) {
      return write(name, bytes, expect, null);
    }

    Case fails(String name, byte[] bytes, String says) {
      return write(name, bytes, Expect.FAILS, says);
    }

    private Case write(String name, byte[] bytes, Expect expect, String says) {
      try {
        return new Case(name, Files.write(path.resolve(name), bytes), expect, says);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  interface Damage {
    void apply(byte[] b);
  }

  static byte[] mutate(byte[] good, Damage d) {
    byte[] b = good.clone();
    d.apply(b);
    return b;
  }

  static byte[] random(SplittableRandom rng, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) rng.nextInt(256);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Replaces {@code n} bytes in [from, to) by different random values. */
  static void flip(byte[] b, SplittableRandom rng, int from, int to, int n) {
    for (int i = 0; i < n; i++) b[from + rng.nextInt(to - from)] ^= (byte) (1 + rng.nextInt(255));
  }

  /** Zeroes {@code len} bytes at a random place in [from, to). */
  static void zero(byte[] b, SplittableRandom rng, int from, int to, int len) {
    int at = from + rng.nextInt(Math.max(1, to - from - len));
    Arrays.fill(b, at, Math.min(to, at + len), (byte) 0);
  }

  private static StreamConfig config(Path file) {
    return new StreamConfig("cam", SourceUrl.parse(file.toString()), StreamConfig.Transport.TCP,
        new MailboxConfig(MailboxPolicy.ALL, 8), StreamConfig.Pacing.FAST, false, Duration.ofSeconds(10),
        Duration.ofSeconds(5), BackoffConfig.defaults(), "cam_optical", 0, 0);
  }

  @TestFactory
  Stream<DynamicTest> everyDamagedVideoEndsCleanly() throws IOException {
    List<Case> corpus = corpus();
    assertTrue(corpus.size() >= 20, "corpus size " + corpus.size());
    assertTrue(corpus.stream().filter(k -> k.expect() == Expect.PLAYS_THROUGH).count() >= 8);
    return corpus.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> play(k)));
  }

  private static void play(Case k) throws Exception {
    StreamStats stats;
    List<StreamEvent> events;
    List<StreamHarness.Got> got;
    List<Throwable> errors;
    try (StreamHarness h = new StreamHarness(vertx, config(k.file()), IngestOptions.defaults(), IngestEnv.system(), 2).start()) {
      h.awaitEnd(END_WITHIN);
      h.stream.done().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      stats = h.stream.stats();
      events = h.events();
      got = h.frames();
      errors = h.errors();
      for (StreamHarness.Got g : got) {
        if (g.copy() != null) assertEquals(W * H * 3, g.copy().pixels().size(), k.name() + ": a whole RGB frame");
      }
    }
    String what = k.name() + ": " + events + " " + stats;
    StreamEvent last = events.getLast();
    assertTrue(last.state().isTerminal(), what);
    assertFalse(events.stream().anyMatch(e -> e.state() == StreamState.RECONNECTING), "a file is not reconnected: " + what);
    for (StreamHarness.Got g : got) {
      assertEquals(W, g.width(), what);
      assertEquals(H, g.height(), what);
      assertEquals(PixelFormat.RGB24, g.format(), what);
    }
    for (int i = 1; i < got.size(); i++) assertEquals(got.get(i - 1).sequence() + 1, got.get(i).sequence(), "in order: " + what);
    assertEquals(got.size(), stats.delivered(), what);
    assertEquals(stats.frames(), stats.delivered() + stats.drops() + stats.discarded(), "every decoded frame accounted for: " + what);
    // corrupt counts concealed frames (delivered too) and lost ones: each of the video's frames at most once
    assertTrue(stats.delivered() <= FRAMES && stats.corrupt() <= FRAMES, "no frames made up: " + what);
    if (last.state() == StreamState.FAILED) {
      SourceException e = assertInstanceOf(SourceException.class, last.error(), what);
      assertTrue(e.getMessage().startsWith(k.file() + ": "), "the error names the file: " + e.getMessage());
      assertFalse(e.reason().contains(k.file() + ": "), "the file is named once, not nested: " + e.getMessage());
      assertTrue(DIAGNOSIS.matcher(e.reason()).find(), "the error says what is wrong with the file: " + e.getMessage());
      assertTrue(e.permanent(), what);
      assertFalse(e.reason().startsWith("internal error"), "not a bug: " + e.getMessage());
      assertEquals(1, errors.size(), what);
      assertEquals(e, errors.getFirst(), what);
    } else {
      assertEquals(StreamState.ENDED, last.state(), what);
      assertTrue(errors.isEmpty(), what);
    }
    if (k.expect() == Expect.FAILS) {
      assertEquals(StreamState.FAILED, last.state(), what);
      assertTrue(last.error().reason().contains(k.says()), "says '" + k.says() + "': " + last.error().getMessage());
    }
    if (k.expect() == Expect.PLAYS_THROUGH) {
      assertEquals(StreamState.ENDED, last.state(), "damaged frame data is skipped and the stream goes on: " + what);
      assertTrue(stats.delivered() >= FRAMES / 2, "most frames survive: " + what);
      assertTrue(stats.delivered() + stats.corrupt() >= FRAMES, "every frame is delivered or counted: " + what);
    }
  }

  /** The same seed gives the same files, byte for byte. */
  @Test
  void corpusIsReproducible() throws IOException {
    Map<String, Integer> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
    for (Case k : corpus()) a.put(k.name(), Arrays.hashCode(Files.readAllBytes(k.file())));
    for (Case k : corpus()) b.put(k.name(), Arrays.hashCode(Files.readAllBytes(k.file())));
    assertEquals(a, b);
    assertNotNull(a.get("last-flips-30.mp4"));
  }

  /** The intact videos play in full through the same path, so that the corpus tests damage, not the harness. */
  @Test
  void theIntactVideosPlayInFull() throws Exception {
    for (Path file : List.of(TestMedia.h264Mp4(W, H, FRAMES), TestMedia.dir().resolve("faststart-" + FRAMES + ".mp4"))) {
      if (!Files.exists(file)) corpus();
      try (StreamHarness h = new StreamHarness(vertx, config(file), IngestOptions.defaults(), IngestEnv.system(), 0).start()) {
        h.awaitEnd(END_WITHIN);
        assertEquals(StreamState.ENDED, h.states().getLast(), file + ": " + h.events());
        assertEquals(FRAMES, h.frameCount(), file.toString());
        assertEquals(0, h.stream.stats().corrupt(), file.toString());
      }
    }
  }
}
