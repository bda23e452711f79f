package dev.glimpse.tensor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A memory-mapped safetensors file (format: 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}}, then the data).
 * Opening validates the whole header against the file before any tensor is read, as strictly as the reference
 * implementation (huggingface/safetensors {@code SafeTensors::deserialize}): UTF-8, one JSON object, no duplicate
 * names, sizes that match shape × dtype, and tensors that cover the data section exactly, without overlaps or holes.
 * A malformed or truncated file is a {@link SafetensorsException} listing every problem, never an out-of-bounds read.
 * Tensors are views into the mapping, valid while the arena is open.
 */
public final class Safetensors {
  /** Largest header accepted (the reference implementation's limit is 100 MB). */
  public static final long MAX_HEADER_BYTES = 100L << 20;

  /** Strict JSON: a repeated name is an error (not "last one wins"), and nothing may follow the object. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private static final String KNOWN_DTYPES = String.join(", ",
      Arrays.stream(DType.values()).map(DType::safetensorsName).toList());

  private final Path file;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;

  private Safetensors(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
    this.file = file;
    this.tensors = Collections.unmodifiableMap(tensors);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  public Path file() { return file; }

  /** Tensors in header order. */
  public Map<String, Tensor> tensors() { return tensors; }

  public Map<String, String> metadata() { return metadata; }

  /** A tensor's claim on the data section, for the overlap and coverage checks. */
  private record Range(String name, long begin, long end) {}

  /** Maps and validates {@code file}; the mapping lives as long as {@code arena}. */
  public static Safetensors open(Path file, Arena arena) throws IOException {
    if (Files.isDirectory(file)) throw new SafetensorsException(file, List.of("is a directory, not a safetensors file"));
    long size;
    MemorySegment all;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
      if (size < 8) throw new SafetensorsException(file, List.of("file is " + size + " bytes, shorter than the 8-byte header length: not a safetensors file or truncated"));
      all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
    } catch (NoSuchFileException e) {
      throw new SafetensorsException(file, List.of("no such file"));
    }
    long n = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
    if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
      throw new SafetensorsException(file, List.of("header length " + Long.toUnsignedString(n) + " is impossible for a "
          + size + "-byte file (must be 2.." + Math.min(MAX_HEADER_BYTES, size - 8) + "): not a safetensors file or truncated"));
    }
    JsonNode root = parseHeader(file, all.asSlice(8, n).asByteBuffer());
    long dataStart = 8 + n, dataLen = size - dataStart;
    List<String> problems = new ArrayList<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Range> ranges = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("__metadata__")) {
        readMetadata(v, metadata, problems);
        continue;
      }
      String where = "tensor '" + name + "'";
      if (!v.isObject()) {
        problems.add(where + ": entry must be an object, not " + kind(v));
        continue;
      }
      JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
      DType dtype = dt != null && dt.isTextual() ? DType.ofSafetensors(dt.asText()) : null;
      if (dtype == null) problems.add(where + ": unknown dtype " + (dt == null ? "(missing)" : dt) + " (known: " + KNOWN_DTYPES + ")");
      int[] shape = shape(sh, where, problems);
      long begin = -1, end = -1;
      if (off == null || !off.isArray() || off.size() != 2 || !isLong(off.get(0)) || !isLong(off.get(1))) {
        problems.add(where + ": data_offsets must be [begin, end], byte offsets into the data section, not " + off);
      } else {
        begin = off.get(0).asLong();
        end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
          problems.add(where + ": data_offsets [" + begin + ", " + end + "] are not a byte range (begin ≤ end, both ≥ 0)");
          begin = -1;
        } else if (end > dataLen) {
          problems.add(where + ": data_offsets [" + begin + ", " + end + "] outside the " + dataLen
              + "-byte data section (file truncated?)");
          ranges.add(new Range(name, Math.min(begin, dataLen), dataLen)); // what it claims is not also a hole
          begin = -1;
        } else {
          ranges.add(new Range(name, begin, end));
        }
      }
      if (dtype == null || shape == null || begin < 0) continue;
      long expected;
      try {
        expected = Math.multiplyExact(Tensor.numel(shape), dtype.bytes());
      } catch (ArithmeticException ex) {
        problems.add(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " overflows a 64-bit byte count");
        continue;
      }
      if (end - begin != expected) {
        problems.add(where + ": " + (end - begin) + " bytes for " + dtype + " " + Arrays.toString(shape)
            + " (expected " + expected + ")");
        continue;
      }
      tensors.put(name, new Tensor(name, dtype, shape, all.asSlice(dataStart + begin, end - begin)));
    }
    checkCoverage(ranges, dataLen, problems);
    if (!problems.isEmpty()) throw new SafetensorsException(file, problems);
    return new Safetensors(file, tensors, metadata);
  }

  /** The header as a JSON object: strict UTF-8 (as the reference's {@code from_utf8}), then strict JSON. */
  private static JsonNode parseHeader(Path file, ByteBuffer in) throws SafetensorsException {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer text;
    try {
      text = utf8.decode(in);
    } catch (CharacterCodingException e) {
      throw new SafetensorsException(file, List.of("header is not valid UTF-8 (at or after byte " + (8 + in.position())
          + " of the file)"));
    }
    JsonNode root;
    try {
      root = JSON.readTree(text.toString());
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(file, List.of("header is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (header line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")")));
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsException(file, List.of("header is not a JSON object but "
          + (root == null ? "empty" : kind(root))));
    }
    return root;
  }

  /** {@code __metadata__} is an object of strings (the reference's {@code HashMap<String, String>}). */
  private static void readMetadata(JsonNode v, Map<String, String> metadata, List<String> problems) {
    if (!v.isObject()) {
      problems.add("__metadata__ must be an object of strings, not " + kind(v));
      return;
    }
    for (Map.Entry<String, JsonNode> m : v.properties()) {
      if (m.getValue().isTextual()) {
        metadata.put(m.getKey(), m.getValue().asText());
      } else {
        problems.add("__metadata__ '" + m.getKey() + "' must be a string, not " + m.getValue());
      }
    }
  }

  /** The shape, or null after adding the problem: an array of integers 0..2^31-1 (not wrapped, not rounded). */
  private static int[] shape(JsonNode sh, String where, List<String> problems) {
    if (sh == null || !sh.isArray()) {
      problems.add(where + ": shape must be an array of dimensions, not " + (sh == null ? "(missing)" : sh));
      return null;
    }
    int[] shape = new int[sh.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0) {
        problems.add(where + ": shape[" + i + "] = " + d + " is not a dimension (an integer 0.." + Integer.MAX_VALUE + ")");
        return null;
      }
      shape[i] = d.asInt();
    }
    return shape;
  }

  /** "object", "array", "string", "number", "null", ... */
  private static String kind(JsonNode n) { return n.getNodeType().toString().toLowerCase(Locale.ROOT); }

  /** An integer that fits a long as it is (a BigInteger's {@code asLong} would silently wrap). */
  private static boolean isLong(JsonNode n) { return n.isIntegralNumber() && n.canConvertToLong(); }

  /**
   * Every byte of the data section belongs to exactly one tensor (the reference's "no holes, no overlaps" rule, which
   * also keeps a second file from hiding in the same bytes). Reports every overlap and every unclaimed range.
   */
  private static void checkCoverage(List<Range> ranges, long dataLen, List<String> problems) {
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.removeIf(r -> r.begin() == r.end()); // an empty tensor claims nothing
    sorted.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
    long covered = 0;
    Range last = null;
    for (Range r : sorted) {
      if (r.begin() > covered) {
        problems.add("data bytes [" + covered + ", " + r.begin() + ") belong to no tensor (a tensor missing from the header?)");
      } else if (r.begin() < covered) {
        problems.add("tensors '" + last.name() + "' and '" + r.name() + "' overlap at data bytes [" + r.begin() + ", "
            + Math.min(covered, r.end()) + ")");
      }
      if (r.end() > covered) {
        covered = r.end();
        last = r;
      }
    }
    if (covered < dataLen) {
      problems.add((dataLen - covered) + " data bytes after the last tensor, at [" + covered + ", " + dataLen
          + ") (trailing garbage, or a tensor missing from the header?)");
    }
  }
}
