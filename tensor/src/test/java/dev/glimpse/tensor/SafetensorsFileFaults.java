package dev.glimpse.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.tensor.SafetensorsCorpusTest.Case;
import dev.glimpse.tensor.SafetensorsCorpusTest.Expect;
import dev.glimpse.tensor.SafetensorsFixture.Entry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Damage to a whole safetensors file rather than to one tensor's entry: the length field, the header's bytes (not
 * UTF-8, not JSON, not an object, repeated names, trailing content), the data section against the header (tensors
 * left out, moved, overlapping, bytes appended), metadata of the wrong type, and seeded random cuts, flips and
 * splices. Also the changes the format allows, which must open intact or be caught by the request for the tensors.
 */
final class SafetensorsFileFaults {
  private SafetensorsFileFaults() {}

  static Case rejected(String name, SafetensorsFixture base, UnaryOperator<byte[]> damage, String... says) {
    return new Case(base.name() + ": " + name, base, damage, Expect.REJECTED, List.of(says));
  }

  static Case expect(Expect e, String name, SafetensorsFixture base, UnaryOperator<byte[]> damage) {
    return new Case(base.name() + ": " + name, base, damage, e, List.of());
  }

  static UnaryOperator<byte[]> lengthField(long n) {
    return b -> {
      byte[] m = b.clone();
      ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
      return m;
    };
  }

  /** The 8-byte header length: zero, tiny, off by one either way, past the file, the spec's limit, huge as u64. */
  static void lengthCases(List<Case> c, SafetensorsFixture f) {
    int n = f.headerLength();
    long size = f.file().length;
    c.add(rejected("header length 0", f, lengthField(0), "header length 0 is impossible"));
    c.add(rejected("header length 1", f, lengthField(1), "header length 1 is impossible"));
    // one short: the JSON is still whole (a padding space drops out) but every tensor would be read a byte early
    c.add(rejected("header length one short", f, lengthField(n - 1), "1 data bytes after the last tensor"));
    c.add(rejected("header length one long", f, lengthField(n + 1), "header is not valid JSON"));
    c.add(rejected("header length 9 short", f, lengthField(n - 9), "header is not valid JSON")); // padding is 1..8
    c.add(rejected("header length covers the whole file", f, lengthField(size - 8), "header is not valid JSON"));
    c.add(rejected("header length one past the file", f, lengthField(size - 7), "is impossible for a " + size + "-byte file"));
    c.add(rejected("header length 2^40", f, lengthField(1L << 40), "header length 1099511627776 is impossible"));
    c.add(rejected("header length just over the limit", f, lengthField(Safetensors.MAX_HEADER_BYTES + 1), "is impossible"));
    c.add(rejected("header length i64 max", f, lengthField(Long.MAX_VALUE), "header length 9223372036854775807"));
    c.add(rejected("header length u64 max (-1 as i64)", f, lengthField(-1), "header length 18446744073709551615"));
    c.add(rejected("header length 2^63 (i64 min)", f, lengthField(Long.MIN_VALUE), "header length 9223372036854775808"));
    c.add(rejected("header length big-endian", f, lengthField(Long.reverseBytes(n)), "is impossible"));
    c.add(rejected("empty file", f, b -> new byte[0], "file is 0 bytes, shorter than"));
    c.add(rejected("7 bytes", f, b -> Arrays.copyOf(b, 7), "file is 7 bytes, shorter than"));
    c.add(rejected("only the length field", f, b -> Arrays.copyOf(b, 8), "is impossible for a 8-byte file"));
  }

  /** The header's bytes: not UTF-8, not JSON, not an object, duplicate names, trailing content. */
  static void textCases(List<Case> c, SafetensorsFixture f) {
    String h = f.headerText();
    String utf8 = "header is not valid UTF-8", json = "header is not valid JSON", object = "header is not a JSON object";
    c.add(rejected("0xFF in a tensor name", f, b -> f.withHeaderBytes(bytes(h, "\"mask\"", "\"ma", 0xFF, "sk\"")), utf8));
    c.add(rejected("overlong '/' in a name", f, b -> f.withHeaderBytes(bytes(h, "\"mask\"", "\"ma", 0xC0, 0xAF, "sk\"")), utf8));
    c.add(rejected("lone continuation byte", f, b -> f.withHeaderBytes(bytes(h, "\"mask\"", "\"ma", 0x80, "sk\"")), utf8));
    c.add(rejected("cut 2-byte sequence", f, b -> f.withHeaderBytes(bytes(h, "\"mask\"", "\"mask", 0xC3, "\"")), utf8));
    c.add(rejected("UTF-16 surrogate as UTF-8", f, b -> f.withHeaderBytes(bytes(h, "\"mask\"", "\"ma", 0xED, 0xA0, 0x80, "sk\"")), utf8));
    c.add(rejected("byte order mark", f, b -> f.withHeaderText("\uFEFF" + h), json));
    c.add(rejected("not JSON at all", f, b -> f.withHeaderText("safetensors, honest"), json));
    c.add(rejected("an opening brace only", f, b -> f.withHeaderText("{ "), json));
    c.add(rejected("no closing brace", f, b -> f.withHeaderText(h.substring(0, h.length() - 1) + " "), json));
    c.add(rejected("trailing comma", f, b -> f.withHeaderText(h.substring(0, h.length() - 1) + ",}"), json));
    c.add(rejected("single quotes", f, b -> f.withHeaderText(h.replace("\"mask\"", "'mask'")), json));
    c.add(rejected("control character in a name", f, b -> f.withHeaderText(h.replace("\"mask\"", "\"ma\u0001sk\"")), json));
    c.add(rejected("a second object after the header", f, b -> f.withHeaderText(h + " {}"), json));
    c.add(rejected("NUL padding", f, b -> f.withHeaderText(h + "\0\0\0\0\0"), json));
    c.add(rejected("a comment", f, b -> f.withHeaderText("/* weights */ " + h), json));
    c.add(rejected("NaN as a dimension", f, b -> f.withHeaderText(h.replace("\"shape\":[3]", "\"shape\":[NaN]")), json));
    c.add(rejected("nesting 5000 deep", f, b -> f.withHeaderText(h.replace("\"note\":\"corpus\"",
        "\"note\":" + "[".repeat(5000) + "]".repeat(5000))), json));
    c.add(rejected("an array", f, b -> f.withHeaderText("[" + h + "]"), object + " but array"));
    c.add(rejected("a string", f, b -> f.withHeaderText("\"model\""), object + " but string"));
    c.add(rejected("a number", f, b -> f.withHeaderText("42"), object + " but number"));
    c.add(rejected("null", f, b -> f.withHeaderText("null"), object + " but null"));
    c.add(rejected("spaces only", f, b -> f.withHeaderText("        "), object));
    // a repeated name would silently drop one tensor's entry (last one wins) and leave its bytes to no one
    c.add(rejected("duplicate tensor name", f, b -> f.withHeaderText(h.replace("\"pixels\"", "\"mask\"")), json, "Duplicate field 'mask'"));
    c.add(rejected("duplicate dtype in an entry", f, b -> f.withHeaderText(h.replace("\"dtype\":\"U8\"", "\"dtype\":\"U8\",\"dtype\":\"F32\"")),
        json, "Duplicate field 'dtype'"));
    c.add(rejected("duplicate __metadata__", f, b -> f.withHeaderText(h.substring(0, h.length() - 1) + ",\"__metadata__\":{}}"),
        json, "Duplicate field '__metadata__'"));
  }

  /** Replaces {@code target} in {@code h} by strings and raw bytes (ints), giving the header's bytes. */
  static byte[] bytes(String h, String target, Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = h.indexOf(target);
    out.writeBytes(h.substring(0, i).getBytes(StandardCharsets.UTF_8));
    for (Object p : parts) {
      if (p instanceof String s) out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      else out.write((Integer) p);
    }
    out.writeBytes(h.substring(i + target.length()).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** The data section against the header: tensors missing, moved, overlapping; bytes appended; metadata types. */
  static void structureCases(List<Case> c, SafetensorsFixture f) {
    String w = "enc.blocks.0.attn.q.weight";
    c.add(rejected("one byte appended", f, b -> append(b, 1), "1 data bytes after the last tensor"));
    c.add(rejected("4 KiB appended", f, b -> append(b, 4096), "4096 data bytes after the last tensor"));
    c.add(rejected("a second file appended", f, b -> append(b, f.file()), "after the last tensor"));
    c.add(rejected("a middle tensor left out", f, b -> f.withHeader(edit(f, h -> h.remove("tok.ids"))), "belong to no tensor"));
    c.add(rejected("the last tensor left out", f, b -> f.withHeader(edit(f, h -> h.remove("scale"))), "after the last tensor"));
    c.add(rejected("every tensor left out", f, b -> f.withHeaderText("{}"), "after the last tensor"));
    c.add(rejected("metadata only", f, b -> f.withHeaderText("{\"__metadata__\":{\"format\":\"pt\"}}"), "after the last tensor"));
    c.add(rejected("a tensor moved one byte on", f, b -> f.withHeader(edit(f, h -> shift(h, f, "mask", 1))),
        "tensors 'mask' and 'pixels' overlap", "belong to no tensor"));
    c.add(rejected("a tensor moved onto another", f, b -> f.withHeader(edit(f, h -> offsets(h, "pixels", 0, 5))),
        "overlap at data bytes [0, 5)", "'pixels'", "belong to no tensor"));
    c.add(rejected("two tensors on the same bytes", f, b -> f.withHeader(edit(f, h -> offsets(h, "mask", f.tensors().get("pixels").begin(),
        f.tensors().get("pixels").begin() + 3))), "overlap", "belong to no tensor"));
    c.add(rejected("__metadata__ is a string", f, b -> f.withHeader(edit(f, h -> h.put("__metadata__", "pt"))), "__metadata__ must be an object of strings, not string"));
    c.add(rejected("__metadata__ is an array", f, b -> f.withHeader(edit(f, h -> h.putArray("__metadata__").add("pt"))), "not array"));
    c.add(rejected("__metadata__ is null", f, b -> f.withHeader(edit(f, h -> h.putNull("__metadata__"))), "not null"));
    c.add(rejected("a metadata value is a number", f, b -> f.withHeader(edit(f, h -> meta(h).put("format", 3))),
        "__metadata__ 'format' must be a string, not 3"));
    c.add(rejected("a metadata value is an object", f, b -> f.withHeader(edit(f, h -> meta(h).putObject("note").put("a", "b"))),
        "__metadata__ 'note' must be a string"));
    c.add(rejected("a metadata value is null", f, b -> f.withHeader(edit(f, h -> meta(h).putNull("note"))), "__metadata__ 'note'"));
    // what the format allows: the loader must not reject these
    c.add(expect(Expect.INTACT, "entries in another order than their bytes", f, b -> f.withHeader(reversed(f.header()))));
    c.add(expect(Expect.INTACT, "pretty-printed header", f, b -> f.withHeaderText(f.header().toPrettyString())));
    c.add(expect(Expect.INTACT, "an escaped name", f, b -> f.withHeaderText(f.headerText().replace("\"mask\"", "\"\\u006dask\""))));
    c.add(expect(Expect.INTACT, "an unknown key in an entry", f, b -> f.withHeader(edit(f, h -> ((ObjectNode) h.get("mask")).put("note", 1)))));
    c.add(expect(Expect.INTACT, "the empty tensor placed inside another's bytes", f, b -> f.withHeader(edit(f, h -> offsets(h, "empty", 10, 10)))));
    c.add(expect(Expect.INTACT, "no metadata", f, b -> f.withHeader(edit(f, h -> h.remove("__metadata__")))));
    // what the format allows but the model asked for something else: only the request by name, dtype and shape can tell
    c.add(expect(Expect.MISMATCHED, "F32 relabelled I32", f, b -> f.withHeader(edit(f, h -> ((ObjectNode) h.get(w)).put("dtype", "I32")))));
    c.add(expect(Expect.MISMATCHED, "shape transposed", f, b -> f.withHeader(edit(f, h -> ((ObjectNode) h.get(w)).putArray("shape").add(3).add(4)))));
    c.add(expect(Expect.MISMATCHED, "shape flattened", f, b -> f.withHeader(edit(f, h -> ((ObjectNode) h.get(w)).putArray("shape").add(12)))));
    c.add(expect(Expect.MISMATCHED, "a scalar made a vector", f, b -> f.withHeader(edit(f, h -> ((ObjectNode) h.get("scale")).putArray("shape").add(1)))));
    c.add(expect(Expect.MISMATCHED, "a name with an accent", f, b -> f.withHeaderText(f.headerText().replace("\"mask\"", "\"mask\u00e9\""))));
    c.add(expect(Expect.MISMATCHED, "no tensors and no data", f, b -> SafetensorsFixture.assemble(SafetensorsFixture.padded("{}"), new byte[0])));
  }

  static ObjectNode edit(SafetensorsFixture f, Consumer<ObjectNode> change) {
    ObjectNode h = f.headerCopy();
    change.accept(h);
    return h;
  }

  static ObjectNode meta(ObjectNode h) { return (ObjectNode) h.get("__metadata__"); }

  static void offsets(ObjectNode h, String tensor, long begin, long end) {
    ((ObjectNode) h.get(tensor)).putArray("data_offsets").add(begin).add(end);
  }

  static void shift(ObjectNode h, SafetensorsFixture f, String tensor, long by) {
    Entry e = f.tensors().get(tensor);
    offsets(h, tensor, e.begin() + by, e.end() + by);
  }

  static ObjectNode reversed(ObjectNode h) {
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(h.properties());
    ObjectNode out = SafetensorsFixture.JSON.createObjectNode();
    for (int i = entries.size() - 1; i >= 0; i--) out.set(entries.get(i).getKey(), entries.get(i).getValue().deepCopy());
    return out;
  }

  static byte[] append(byte[] b, int n) { return Arrays.copyOf(b, b.length + n); }

  static byte[] append(byte[] b, byte[] more) {
    byte[] out = Arrays.copyOf(b, b.length + more.length);
    System.arraycopy(more, 0, out, b.length, more.length);
    return out;
  }

  /**
   * Seeded random damage: cuts at random offsets (always rejected: the data section is exactly covered), byte flips
   * and splices of printable junk inside the header, and random values of the length field (rejected unless equal).
   */
  static void randomCases(List<Case> c, SafetensorsFixture f, SplittableRandom rng, int cuts, int flips,
      int splices, int lengths) {
    int n = f.headerLength(), size = f.file().length;
    for (int i = 0; i < cuts; i++) {
      // half inside the header (where the structure is), half anywhere
      int at = i % 2 == 0 ? rng.nextInt(8 + n) : rng.nextInt(size);
      c.add(rejected("cut at " + at, f, b -> Arrays.copyOf(b, at), "truncated"));
    }
    for (int i = 0; i < flips; i++) {
      int k = 1 + rng.nextInt(3);
      int[] at = new int[k], xor = new int[k];
      for (int j = 0; j < k; j++) {
        at[j] = 8 + rng.nextInt(n);
        xor[j] = 1 + rng.nextInt(255);
      }
      c.add(expect(Expect.ANY, "flip " + Arrays.toString(at), f, b -> {
        byte[] m = b.clone();
        for (int j = 0; j < k; j++) m[at[j]] ^= (byte) xor[j];
        return m;
      }));
    }
    for (int i = 0; i < splices; i++) {
      int at = 8 + rng.nextInt(n), len = 1 + rng.nextInt(Math.min(16, 8 + n - at));
      byte[] junk = new byte[len];
      for (int j = 0; j < len; j++) junk[j] = (byte) (' ' + rng.nextInt(95));
      c.add(expect(Expect.ANY, "splice " + len + " at " + at, f, b -> {
        byte[] m = b.clone();
        System.arraycopy(junk, 0, m, at, len);
        return m;
      }));
    }
    for (int i = 0; i < lengths; i++) {
      long v = switch (i % 3) {
        case 0 -> rng.nextLong();
        case 1 -> rng.nextLong(2L * n + 16);
        default -> n + rng.nextLong(1, size);
      };
      if (v == n) continue;
      c.add(rejected("length field " + Long.toUnsignedString(v), f, lengthField(v), ""));
    }
  }
}
