package dev.glimpse.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.tensor.SafetensorsFixture.Entry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded corpus of damaged safetensors files: a small file with every kind of tensor, and the shipped glimpse-tiny
 * checkpoint. Each copy is opened with {@link Safetensors#open}, and when it opens its tensors are requested by
 * name, dtype and shape through {@link Weights}, as a model loader does. Every copy must end in one of three ways:
 * a {@link SafetensorsException} whose message names the file and says what is wrong (and which tensor, where one
 * is at fault); a {@link Weights.WeightsException} naming the tensors that no longer match; or the original tensors,
 * byte for byte. Never another exception, never a read outside the file, never an allocation out of proportion to
 * the file's size.
 */
class SafetensorsCorpusTest {
  private static final long SEED = 0x5AFE_7E45L;
  private static final Path GLIMPSE_TINY = Path.of("../models/glimpse-tiny/model.safetensors");
  /** Every problem is one of these kinds (the summary counts rejections by the first problem's kind). */
  private static final Map<String, Pattern> KINDS = kinds();
  /** Bytes an open (and reading every tensor) may allocate beyond this multiple of the file's size. */
  private static final long ALLOCATION_SLACK = 4L << 20;
  private static final int ALLOCATION_FACTOR = 4;
  /** In an expected text, splits "which problem" (its start) from "what it says": both must be in one problem. */
  static final String IN_ONE_PROBLEM = "\u0001";

  @TempDir Path tmp;

  /** What opening a damaged copy must do. */
  enum Expect {
    /** A SafetensorsException saying {@code Case.says}. */
    REJECTED,
    /** The file opens, but a loader asking for the original tensors gets a WeightsException. */
    MISMATCHED,
    /** The file opens with the original tensors, byte for byte (a change the format allows). */
    INTACT,
    /** Random damage: any of the three. */
    ANY
  }

  /** How a copy ended. */
  enum Outcome { REJECTED, MISMATCHED, INTACT, CRASHED }

  /** One damaged copy of {@code base}: the damage, what must happen, and text the error must contain. */
  record Case(String name, SafetensorsFixture base, UnaryOperator<byte[]> damage, Expect expect, List<String> says) {
    byte[] bytes() { return damage.apply(base.file()); }
  }

  private static Map<String, Pattern> kinds() {
    Map<String, Pattern> k = new LinkedHashMap<>();
    k.put("too short", Pattern.compile("shorter than the 8-byte header length"));
    k.put("header length", Pattern.compile("^header length \\d+ is impossible"));
    k.put("not UTF-8", Pattern.compile("^header is not valid UTF-8"));
    k.put("not JSON", Pattern.compile("^header is not valid JSON"));
    k.put("not an object", Pattern.compile("^header is not a JSON object"));
    k.put("entry", Pattern.compile("^tensor '.*': entry must be an object"));
    k.put("dtype", Pattern.compile("^tensor '.*': unknown dtype"));
    k.put("shape", Pattern.compile("^tensor '.*': shape"));
    k.put("data_offsets", Pattern.compile("^tensor '.*': data_offsets"));
    k.put("size", Pattern.compile("^tensor '.*': \\d+ bytes for .* \\(expected \\d+\\)"));
    k.put("overlap", Pattern.compile("^tensors '.*' and '.*' overlap"));
    k.put("hole or trailing bytes", Pattern.compile("belong to no tensor|after the last tensor"));
    k.put("metadata", Pattern.compile("^__metadata__"));
    return k;
  }

  // ---- the corpus

  static List<Case> corpus() throws IOException {
    SplittableRandom rng = new SplittableRandom(SEED);
    SafetensorsFixture mixed = SafetensorsFixture.mixed(rng);
    SafetensorsFixture tiny = SafetensorsFixture.of("glimpse-tiny", Files.readAllBytes(GLIMPSE_TINY));
    List<Case> c = new ArrayList<>();
    SafetensorsFileFaults.lengthCases(c, mixed);
    SafetensorsFileFaults.textCases(c, mixed);
    SafetensorsEntryFaults.singles(c, mixed);
    SafetensorsEntryFaults.combinations(c, mixed, rng, 30);
    SafetensorsFileFaults.structureCases(c, mixed);
    SafetensorsFileFaults.randomCases(c, mixed, rng, 60, 60, 20, 20);
    SafetensorsFileFaults.randomCases(c, tiny, rng, 8, 3, 2, 1);
    return c;
  }

  // ---- running it

  @Test
  void everyDamagedFileIsRejectedWithItsProblemNamedOrReadsIntact() throws IOException {
    List<Case> corpus = corpus();
    assertTrue(corpus.size() >= 200, "corpus size " + corpus.size());
    try (Arena arena = Arena.ofConfined()) { // load the classes of the loader and of Jackson before measuring
      Safetensors.open(write(corpus.getFirst().base().file()), arena);
    }
    Map<Outcome, Integer> outcomes = new TreeMap<>();
    Map<String, Integer> kinds = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (Case k : corpus) {
      Path file = write(k.bytes());
      Result r = run(k, file);
      outcomes.merge(r.outcome(), 1, Integer::sum);
      if (r.kind() != null) kinds.merge(r.kind(), 1, Integer::sum);
      if (r.failure() != null) failures.add(k.name() + ": " + r.failure());
    }
    String summary = corpus.size() + " files: " + outcomes + "; rejected by kind " + kinds;
    System.out.println("safetensors corpus: " + summary);
    assertTrue(failures.isEmpty(), failures.size() + " failures (" + summary + "):\n" + String.join("\n", failures));
    assertEquals(0, outcomes.getOrDefault(Outcome.CRASHED, 0), summary);
    for (String kind : KINDS.keySet()) assertTrue(kinds.containsKey(kind), "the corpus reaches '" + kind + "': " + summary);
  }

  /** How one case ended: its outcome, its first problem's kind (when rejected) and what was wrong, if anything. */
  record Result(Outcome outcome, String kind, String failure) {}

  private Result run(Case k, Path file) {
    ThreadAllocation alloc = new ThreadAllocation();
    long allocated = -1;
    Outcome outcome;
    String kind = null;
    String failure = null;
    try (Arena arena = Arena.ofConfined()) {
      Safetensors st = Safetensors.open(file, arena);
      for (Tensor t : st.tensors().values()) {
        if (t.dtype().isFloat()) t.toFloats();
        else t.data().toArray(ValueLayout.JAVA_BYTE);
      }
      allocated = alloc.bytes();
      outcome = requestOriginals(k.base(), st, file);
      if (outcome == Outcome.INTACT) {
        for (Entry e : k.base().tensors().values()) {
          assertArrayEquals(k.base().bytesOf(e.name()), st.tensors().get(e.name()).data().toArray(ValueLayout.JAVA_BYTE),
              e.name() + " reads its own bytes");
        }
      }
    } catch (SafetensorsException e) {
      allocated = alloc.bytes();
      outcome = Outcome.REJECTED;
      kind = KINDS.entrySet().stream().filter(x -> x.getValue().matcher(e.problems().getFirst()).find())
          .map(Map.Entry::getKey).findFirst().orElse("unknown");
      failure = checkRejection(k, file, e);
    } catch (Weights.WeightsException e) {
      outcome = Outcome.MISMATCHED;
      failure = checkMismatch(file, e);
    } catch (AssertionError e) {
      outcome = Outcome.CRASHED;
      failure = e.getMessage();
    } catch (Throwable t) {
      outcome = Outcome.CRASHED;
      failure = "crashed with " + t;
    }
    long allowed = ALLOCATION_SLACK + ALLOCATION_FACTOR * k.base().file().length;
    if (failure == null && allocated > allowed) failure = "allocated " + allocated + " bytes (at most " + allowed + ")";
    if (failure == null && k.expect() != Expect.ANY && !k.expect().name().equals(outcome.name())) {
      failure = "expected " + k.expect() + ", got " + outcome;
    }
    return new Result(outcome, kind, failure);
  }

  /** Asks for every tensor of the original file as a loader would: MISMATCHED when the file does not match. */
  private static Outcome requestOriginals(SafetensorsFixture base, Safetensors st, Path file) throws Weights.WeightsException {
    Weights w = new Weights(st, "re-export the checkpoint");
    for (Entry e : base.tensors().values()) w.require(e.name(), e.dtype(), e.shape());
    w.finish();
    return Outcome.INTACT;
  }

  /** Null when the rejection is as it must be: names the file, says each expected thing, every problem of a known kind. */
  private static String checkRejection(Case k, Path file, SafetensorsException e) {
    String m = e.getMessage();
    if (!m.startsWith(file + ": ")) return "the message does not start with the file: " + m;
    if (m.length() > 20_000) return "the message is " + m.length() + " characters long";
    for (String s : k.says()) {
      int split = s.indexOf(IN_ONE_PROBLEM);
      boolean said = split < 0 ? m.contains(s) : e.problems().stream().anyMatch(
          p -> p.startsWith(s.substring(0, split)) && p.contains(s.substring(split + 1)));
      if (!said) return "the message does not say '" + s.replace(IN_ONE_PROBLEM, "…") + "': " + m;
    }
    for (String p : e.problems()) {
      if (KINDS.values().stream().noneMatch(x -> x.matcher(p).find())) return "a problem of no known kind: " + p;
      if (p.startsWith("tensor '") && !p.matches("(?s)tensor '[^\\n]*': .+")) return "the tensor is not named: " + p;
    }
    return null;
  }

  private static String checkMismatch(Path file, Weights.WeightsException e) {
    String m = e.getMessage();
    if (!m.startsWith(file + ": ")) return "the message does not start with the file: " + m;
    for (String p : e.problems()) if (!p.matches("(?s).*'[^']+'.*")) return "a problem names no tensor: " + p;
    return e.problems().isEmpty() ? "a WeightsException without problems" : null;
  }

  private Path write(byte[] bytes) throws IOException {
    return Files.write(tmp.resolve("damaged.safetensors"), bytes);
  }

  /** Bytes allocated on this thread since construction (HotSpot's per-thread counter). */
  static final class ThreadAllocation {
    private final com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final long start = bean.getCurrentThreadAllocatedBytes();

    long bytes() { return bean.getCurrentThreadAllocatedBytes() - start; }
  }

  /** The undamaged files open with every tensor intact, so that the corpus tests damage, not the fixtures. */
  @Test
  void theUndamagedFilesOpenIntact() throws IOException {
    SafetensorsFixture mixed = SafetensorsFixture.mixed(new SplittableRandom(SEED));
    for (SafetensorsFixture f : List.of(mixed, SafetensorsFixture.of("glimpse-tiny", Files.readAllBytes(GLIMPSE_TINY)))) {
      Case k = SafetensorsFileFaults.expect(Expect.INTACT, "undamaged", f, UnaryOperator.identity());
      Result r = run(k, write(f.file()));
      assertEquals(Outcome.INTACT, r.outcome(), f.name() + ": " + r.failure());
      assertNull(r.failure(), f.name());
    }
    assertEquals(8, mixed.tensors().size());
  }

  @Test
  void corpusIsReproducible() throws IOException {
    List<Integer> a = new ArrayList<>(), b = new ArrayList<>();
    for (Case k : corpus()) if (k.base().name().equals("mixed")) a.add(Arrays.hashCode(k.bytes()));
    for (Case k : corpus()) if (k.base().name().equals("mixed")) b.add(Arrays.hashCode(k.bytes()));
    assertEquals(a, b);
    assertTrue(a.size() >= 200, "mixed cases " + a.size());
  }

  /** A header length over the limit in a file big enough to hold it (sparse): rejected before anything is read. */
  @Test
  void aHeaderOverTheLimitIsNotRead() throws IOException {
    Path f = tmp.resolve("huge-header.safetensors");
    long n = Safetensors.MAX_HEADER_BYTES + 8;
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array());
      raf.setLength(8 + n + 64);
    }
    ThreadAllocation alloc = new ThreadAllocation();
    try (Arena arena = Arena.ofConfined()) {
      SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.open(f, arena));
      assertTrue(e.getMessage().contains("header length " + n + " is impossible"), e.getMessage());
    }
    assertTrue(alloc.bytes() < ALLOCATION_SLACK, "allocated " + alloc.bytes());
  }

  @Test
  void aMissingFileOrADirectoryNamesThePath() {
    for (Path p : List.of(tmp.resolve("nope.safetensors"), tmp)) {
      try (Arena arena = Arena.ofConfined()) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.open(p, arena));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("no such file") || e.getMessage().contains("is a directory"), e.getMessage());
      }
    }
  }

  /** Many problems: all are kept, the message shows the first ones and says how many more. */
  @Test
  void aLongListOfProblemsStaysReadable() throws IOException {
    StringBuilder h = new StringBuilder("{");
    for (int i = 0; i < 500; i++) h.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F9\",\"shape\":[1],\"data_offsets\":[0,1]}");
    Path f = write(SafetensorsFixture.assemble(SafetensorsFixture.padded(h.append("}").toString()), new byte[1]));
    try (Arena arena = Arena.ofConfined()) {
      SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.open(f, arena));
      assertTrue(e.problems().size() >= 500, "every problem kept: " + e.problems().size());
      assertTrue(e.getMessage().length() < 20_000, "message of " + e.getMessage().length() + " characters");
      assertTrue(e.getMessage().contains("more"), e.getMessage());
    }
  }
}
