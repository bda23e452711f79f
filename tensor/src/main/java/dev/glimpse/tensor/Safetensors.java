package dev.glimpse.tensor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped safetensors file (format: 8-byte little-endian header length N, N bytes of JSON
 * {@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}, then the data).
 * Opening validates the whole header against the file before any tensor is read, so a malformed or truncated
 * file is a {@link SafetensorsException} listing every problem, never an out-of-bounds read.
 * Tensors are views into the mapping, valid while the arena is open.
 */
public final class Safetensors {
  /** Largest header accepted (the reference implementation's limit is 100 MB). */
  public static final long MAX_HEADER_BYTES = 100L << 20;

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

  /** Maps and validates {@code file}; the mapping lives as long as {@code arena}. */
  public static Safetensors open(Path file, Arena arena) throws IOException {
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
      throw new SafetensorsException(file, List.of("header length " + n + " is impossible for a " + size
          + "-byte file (must be 2.." + Math.min(MAX_HEADER_BYTES, size - 8) + "): not a safetensors file or truncated"));
    }
    byte[] headerBytes = all.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(new String(headerBytes, StandardCharsets.UTF_8).stripTrailing());
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(file, List.of("header is not valid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) throw new SafetensorsException(file, List.of("header is not a JSON object"));
    long dataStart = 8 + n, dataLen = size - dataStart;
    List<String> problems = new ArrayList<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    List<String> rangeNames = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) {
          problems.add("__metadata__ must be an object of strings");
          continue;
        }
        v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      String where = "tensor '" + name + "'";
      if (!v.isObject()) {
        problems.add(where + ": entry must be an object");
        continue;
      }
      JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
      DType dtype = dt != null && dt.isTextual() ? DType.ofSafetensors(dt.asText()) : null;
      if (dtype == null) problems.add(where + ": unknown dtype " + (dt == null ? "(missing)" : dt));
      int[] shape = null;
      if (sh == null || !sh.isArray()) {
        problems.add(where + ": shape must be an array");
      } else {
        shape = new int[sh.size()];
        for (int i = 0; i < shape.length; i++) {
          JsonNode d = sh.get(i);
          if (!d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
            problems.add(where + ": shape[" + i + "] = " + d + " is not a dimension");
            shape = null;
            break;
          }
          shape[i] = d.asInt();
        }
      }
      long begin = -1, end = -1;
      if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
        problems.add(where + ": data_offsets must be [begin, end]");
      } else {
        begin = off.get(0).asLong();
        end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
          problems.add(where + ": data_offsets [" + begin + ", " + end + "] outside the " + dataLen
              + "-byte data section (file truncated?)");
          begin = -1;
        }
      }
      if (dtype == null || shape == null || begin < 0) continue;
      long expected;
      try {
        expected = Math.multiplyExact(Tensor.numel(shape), dtype.bytes());
      } catch (ArithmeticException ex) {
        problems.add(where + ": shape overflows");
        continue;
      }
      if (end - begin != expected) {
        problems.add(where + ": " + (end - begin) + " bytes for " + dtype + " " + java.util.Arrays.toString(shape)
            + " (expected " + expected + ")");
        continue;
      }
      ranges.add(new long[] {begin, end});
      rangeNames.add(name);
      tensors.put(name, new Tensor(name, dtype, shape, all.asSlice(dataStart + begin, end - begin)));
    }
    checkOverlaps(ranges, rangeNames, problems);
    if (!problems.isEmpty()) throw new SafetensorsException(file, problems);
    return new Safetensors(file, tensors, metadata);
  }

  private static void checkOverlaps(List<long[]> ranges, List<String> names, List<String> problems) {
    Integer[] order = new Integer[ranges.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> Long.compare(ranges.get(a)[0], ranges.get(b)[0]));
    for (int k = 1; k < order.length; k++) {
      long[] prev = ranges.get(order[k - 1]), cur = ranges.get(order[k]);
      if (cur[0] < prev[1] && cur[1] > cur[0] && prev[1] > prev[0]) {
        problems.add("tensors '" + names.get(order[k - 1]) + "' and '" + names.get(order[k]) + "' overlap");
      }
    }
  }
}
