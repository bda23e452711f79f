package dev.glimpse.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A valid safetensors file taken apart (header object, data section, each tensor's dtype, shape and byte range) so
 * that damaged copies can be put together from its pieces: a header edited as a tree or as text, then the same data.
 *
 * @param name     a label for messages
 * @param file     the whole file, untouched
 * @param header   the header object as the file has it
 * @param data     the data section
 * @param tensors  every tensor in header order
 */
record SafetensorsFixture(String name, byte[] file, ObjectNode header, byte[] data, Map<String, Entry> tensors) {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One tensor as its header entry describes it. */
  record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    boolean empty() { return begin == end; }
  }

  /** Takes a valid file apart; fails on anything the test's own parser does not expect. */
  static SafetensorsFixture of(String name, byte[] file) {
    long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    try {
      ObjectNode header = (ObjectNode) JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
      Map<String, Entry> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : header.properties()) {
        if (e.getKey().equals("__metadata__")) continue;
        JsonNode v = e.getValue();
        int[] shape = new int[v.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = v.get("shape").get(i).asInt();
        tensors.put(e.getKey(), new Entry(e.getKey(), DType.ofSafetensors(v.get("dtype").asText()), shape,
            v.get("data_offsets").get(0).asLong(), v.get("data_offsets").get(1).asLong()));
      }
      return new SafetensorsFixture(name, file, header, Arrays.copyOfRange(file, (int) (8 + n), file.length), tensors);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A small file with every kind of tensor the loader meets: float (F32, BF16, F16), integer (I64, U8) and BOOL
   * tensors, a scalar, an empty tensor, and metadata. Sizes in bytes are all different, so no two tensors can trade
   * byte ranges and still match their shapes. The header is padded with at least one space.
   */
  static SafetensorsFixture mixed(SplittableRandom rng) {
    List<Entry> layout = List.of(
        new Entry("enc.blocks.0.attn.q.weight", DType.F32, new int[] {4, 3}, 0, 0),
        new Entry("enc.blocks.0.attn.q.bias", DType.BF16, new int[] {3}, 0, 0),
        new Entry("enc.norm.weight", DType.F16, new int[] {2, 2}, 0, 0),
        new Entry("tok.ids", DType.I64, new int[] {2}, 0, 0),
        new Entry("mask", DType.BOOL, new int[] {3}, 0, 0),
        new Entry("pixels", DType.U8, new int[] {5}, 0, 0),
        new Entry("empty", DType.F32, new int[] {0, 4}, 0, 0),
        new Entry("scale", DType.F32, new int[] {}, 0, 0));
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt").put("note", "corpus");
    long offset = 0;
    for (Entry e : layout) {
      long end = offset + Tensor.numel(e.shape()) * e.dtype().bytes();
      ObjectNode t = header.putObject(e.name());
      t.put("dtype", e.dtype().safetensorsName());
      t.set("shape", JSON.valueToTree(e.shape()));
      t.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] data = new byte[(int) offset];
    for (int i = 0; i < data.length; i++) data[i] = (byte) ('A' + rng.nextInt(26)); // printable: see lengthCases
    return of("mixed", assemble(padded(text(header)), data));
  }

  static String text(JsonNode header) {
    try {
      return JSON.writeValueAsString(header);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** UTF-8 of {@code json}, padded with 1..8 spaces to a multiple of 8 (the spec allows trailing spaces). */
  static byte[] padded(String json) {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(h, h.length + 8 - h.length % 8);
    Arrays.fill(out, h.length, out.length, (byte) ' ');
    return out;
  }

  /** The 8-byte little-endian header length, the header, the data. */
  static byte[] assemble(byte[] header, byte[] data) {
    return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(header.length).put(header).put(data).array();
  }

  int headerLength() { return file.length - data.length - 8; }

  /** A deep copy of the header, to edit. */
  ObjectNode headerCopy() { return header.deepCopy(); }

  /** This file with another header (written compactly and padded) and the same data. */
  byte[] withHeader(JsonNode h) { return assemble(padded(text(h)), data); }

  /** This file with a header of exactly these characters and the same data. */
  byte[] withHeaderText(String h) { return assemble(h.getBytes(StandardCharsets.UTF_8), data); }

  /** This file with a header of exactly these bytes and the same data. */
  byte[] withHeaderBytes(byte[] h) { return assemble(h, data); }

  /** The header's JSON text without its padding. */
  String headerText() { return new String(file, 8, headerLength(), StandardCharsets.UTF_8).stripTrailing(); }

  /** The bytes of one tensor in the untouched file. */
  byte[] bytesOf(String tensor) {
    Entry e = tensors.get(tensor);
    return Arrays.copyOfRange(data, (int) e.begin(), (int) e.end());
  }
}
