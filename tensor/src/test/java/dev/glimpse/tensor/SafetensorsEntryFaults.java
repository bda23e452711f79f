package dev.glimpse.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.tensor.SafetensorsCorpusTest.Case;
import dev.glimpse.tensor.SafetensorsCorpusTest.Expect;
import dev.glimpse.tensor.SafetensorsFixture.Entry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Faults in one tensor's header entry (its type, dtype, shape or data_offsets), each with what the error must say
 * after {@code tensor '<name>': }. Applied one at a time, and several at once to different tensors, where the error
 * must list every one of them.
 */
final class SafetensorsEntryFaults {
  private SafetensorsEntryFaults() {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  /** A fault: turns a tensor's entry into the damaged one (which may not be an object at all), and what that is called. */
  record Fault(String name, BiFunction<ObjectNode, Entry, JsonNode> apply, Function<Entry, String> says) {
    Fault(String name, BiFunction<ObjectNode, Entry, JsonNode> apply, String says) {
      this(name, apply, e -> says);
    }
  }

  static List<Fault> faults(SafetensorsFixture f) {
    long dataLen = f.data().length;
    List<Fault> x = new ArrayList<>();
    x.add(new Fault("entry is a number", (o, e) -> NODES.numberNode(5), "entry must be an object, not number"));
    x.add(new Fault("entry is an array", (o, e) -> NODES.arrayNode().add(o), "entry must be an object, not array"));
    x.add(new Fault("entry is null", (o, e) -> NODES.nullNode(), "entry must be an object, not null"));
    x.add(new Fault("dtype missing", (o, e) -> without(o, "dtype"), "unknown dtype (missing)"));
    x.add(new Fault("dtype a number", (o, e) -> o.put("dtype", 42), "unknown dtype 42"));
    x.add(new Fault("dtype unknown", (o, e) -> o.put("dtype", "F8_E4M3"), "unknown dtype \"F8_E4M3\""));
    x.add(new Fault("dtype in lower case", (o, e) -> o.put("dtype", lower(e)), e -> "unknown dtype \"" + lower(e) + "\""));
    x.add(new Fault("dtype empty", (o, e) -> o.put("dtype", ""), "unknown dtype \"\""));
    x.add(new Fault("dtype of another size", (o, e) -> o.put("dtype", e.dtype().bytes() == 8 ? "U8" : "F64"), "(expected "));
    x.add(new Fault("shape missing", (o, e) -> without(o, "shape"), "shape must be an array of dimensions, not (missing)"));
    x.add(new Fault("shape a string", (o, e) -> o.put("shape", "[4, 3]"), "shape must be an array of dimensions, not \"[4, 3]\""));
    x.add(new Fault("negative dimension", (o, e) -> shape(o, e, NODES.numberNode(-1)), "shape[0] = -1 is not a dimension"));
    x.add(new Fault("fractional dimension", (o, e) -> shape(o, e, NODES.numberNode(2.5)), "shape[0] = 2.5 is not a dimension"));
    x.add(new Fault("dimension a string", (o, e) -> shape(o, e, NODES.textNode("3")), "shape[0] = \"3\" is not a dimension"));
    x.add(new Fault("dimension null", (o, e) -> shape(o, e, NODES.nullNode()), "shape[0] = null is not a dimension"));
    x.add(new Fault("dimension an array", (o, e) -> shape(o, e, NODES.arrayNode().add(3)), "shape[0] = [3] is not a dimension"));
    x.add(new Fault("dimension past int", (o, e) -> shape(o, e, NODES.numberNode(1L << 31)), "shape[0] = 2147483648 is not"));
    // a reader that takes a BigInteger's low 64 bits would see exactly the tensor's element count
    x.add(new Fault("dimension 2^64 + numel", (o, e) -> o.set("shape", NODES.arrayNode().add(TWO_64.add(numel(e)))),
        "is not a dimension"));
    x.add(new Fault("dimension numel - 2^64", (o, e) -> o.set("shape", NODES.arrayNode().add(numel(e).subtract(TWO_64))),
        "is not a dimension"));
    x.add(new Fault("shape overflows", (o, e) -> o.set("shape", NODES.arrayNode().add(Integer.MAX_VALUE).add(Integer.MAX_VALUE)
        .add(Integer.MAX_VALUE)), "overflows a 64-bit byte count"));
    x.add(new Fault("shape of 2^34 elements", (o, e) -> o.set("shape", NODES.arrayNode().add(65536).add(65536).add(4)),
        "(expected " + (1L << 34) * e0(f)));
    x.add(new Fault("extra dimension", (o, e) -> with(o, "shape", ((ArrayNode) o.get("shape")).deepCopy().add(7)), "(expected "));
    x.add(new Fault("data_offsets missing", (o, e) -> without(o, "data_offsets"), "data_offsets must be [begin, end]"));
    x.add(new Fault("data_offsets one number", (o, e) -> o.set("data_offsets", NODES.arrayNode().add(e.end())), "data_offsets must be"));
    x.add(new Fault("data_offsets three numbers", (o, e) -> with(o, "data_offsets", ((ArrayNode) o.get("data_offsets")).deepCopy().add(e.end())), "data_offsets must be"));
    x.add(new Fault("data_offsets strings", (o, e) -> o.set("data_offsets", NODES.arrayNode().add("" + e.begin()).add("" + e.end())),
        "data_offsets must be"));
    x.add(new Fault("data_offsets fractional", (o, e) -> o.set("data_offsets", NODES.arrayNode().add(e.begin() + 0.5).add(e.end())),
        "data_offsets must be"));
    x.add(new Fault("data_offsets an object", (o, e) -> o.set("data_offsets", NODES.objectNode().put("begin", e.begin())),
        "data_offsets must be"));
    x.add(new Fault("data_offsets reversed", (o, e) -> offsets(o, e.end(), e.begin()), "are not a byte range"));
    x.add(new Fault("data_offsets negative", (o, e) -> offsets(o, -1, e.end()), "are not a byte range"));
    x.add(new Fault("data_offsets past the data", (o, e) -> offsets(o, e.begin(), dataLen + 1000), "outside the " + dataLen + "-byte data section"));
    x.add(new Fault("data_offsets wholly past the data", (o, e) -> offsets(o, dataLen + 8, dataLen + 8 + e.end() - e.begin()),
        "outside the " + dataLen + "-byte data section"));
    x.add(new Fault("data_offsets end i64 max", (o, e) -> offsets(o, e.begin(), Long.MAX_VALUE), "outside the"));
    x.add(new Fault("data_offsets 2^64 on", (o, e) -> o.set("data_offsets", NODES.arrayNode().add(TWO_64.add(BigInteger.valueOf(e.begin())))
        .add(TWO_64.add(BigInteger.valueOf(e.end())))), "data_offsets must be"));
    return x;
  }

  /** The dtype size of the first target, for the one message that spells out a byte count. */
  private static int e0(SafetensorsFixture f) { return targets(f).getFirst().dtype().bytes(); }

  private static String lower(Entry e) { return e.dtype().safetensorsName().toLowerCase(Locale.ROOT); }

  private static BigInteger numel(Entry e) { return BigInteger.valueOf(Tensor.numel(e.shape())); }

  private static ObjectNode with(ObjectNode o, String key, JsonNode value) {
    o.set(key, value);
    return o;
  }

  private static ObjectNode without(ObjectNode o, String key) {
    o.remove(key);
    return o;
  }

  private static ObjectNode shape(ObjectNode o, Entry e, JsonNode first) {
    ArrayNode s = NODES.arrayNode().add(first);
    for (int d : e.shape()) s.add(d);
    o.set("shape", s);
    return o;
  }

  private static ObjectNode offsets(ObjectNode o, long begin, long end) {
    o.set("data_offsets", NODES.arrayNode().add(begin).add(end));
    return o;
  }

  /** Tensors a fault can go on: the non-empty ones (an empty tensor's size cannot be wrong). */
  static List<Entry> targets(SafetensorsFixture f) {
    return f.tensors().values().stream().filter(e -> !e.empty()).toList();
  }

  /** Each fault alone, on the first target for the one that spells out a byte count, else in turn on every target. */
  static void singles(List<Case> out, SafetensorsFixture f) {
    List<Fault> faults = faults(f);
    List<Entry> targets = targets(f);
    for (int i = 0; i < faults.size(); i++) {
      Fault fault = faults.get(i);
      Entry target = fault.name().equals("shape of 2^34 elements") ? targets.getFirst() : targets.get(i % targets.size());
      out.add(apply(f, fault.name() + " on " + target.name(), Map.of(target, fault)));
    }
  }

  /** {@code count} seeded mixtures of 2..5 faults, each on a different tensor: all must be listed. */
  static void combinations(List<Case> out, SafetensorsFixture f, SplittableRandom rng, int count) {
    List<Fault> faults = faults(f).stream().filter(x -> !x.name().equals("shape of 2^34 elements")).toList();
    List<Entry> targets = targets(f);
    for (int i = 0; i < count; i++) {
      List<Entry> pool = new ArrayList<>(targets);
      Map<Entry, Fault> chosen = new LinkedHashMap<>();
      int k = 2 + rng.nextInt(4);
      for (int j = 0; j < k; j++) chosen.put(pool.remove(rng.nextInt(pool.size())), faults.get(rng.nextInt(faults.size())));
      List<String> names = chosen.entrySet().stream().map(e -> e.getValue().name() + " on " + e.getKey().name()).toList();
      out.add(apply(f, "mix " + i + ": " + String.join(" + ", names), chosen));
    }
  }

  private static Case apply(SafetensorsFixture f, String name, Map<Entry, Fault> faults) {
    ObjectNode h = f.headerCopy();
    List<String> says = new ArrayList<>();
    for (Map.Entry<Entry, Fault> e : faults.entrySet()) {
      Entry t = e.getKey();
      h.set(t.name(), e.getValue().apply().apply((ObjectNode) h.get(t.name()), t));
      says.add("tensor '" + t.name() + "': " + SafetensorsCorpusTest.IN_ONE_PROBLEM + e.getValue().says().apply(t));
    }
    byte[] damaged = f.withHeader(h);
    return new Case(f.name() + ": " + name, f, b -> damaged, Expect.REJECTED, says);
  }
}
