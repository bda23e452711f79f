package dev.glimpse.ros.dds;

import dev.glimpse.ros.msg.Schema;
import dev.glimpse.ros.msg.Schema.Arr;
import dev.glimpse.ros.msg.Schema.Member;
import dev.glimpse.ros.msg.Schema.Prim;
import dev.glimpse.ros.msg.Schema.Seq;
import dev.glimpse.ros.msg.Schema.Str;
import dev.glimpse.ros.msg.Schema.Struct;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a {@link Schema.Struct} into the serializer program Cyclone DDS keeps in a topic descriptor
 * ({@code m_ops}, the opcode language of {@code dds/ddsc/dds_opcodes.h}, 0.10.x) together with the C memory layout
 * ({@code m_size}, {@code m_align}) that the program's offsets refer to, exactly as {@code idlc} 0.10.2 lays them out:
 * the top-level struct first, then every nested struct once, in depth-first pre-order of first use, each ending in
 * RTS; nested structs are reached through {@code EXT} (member) or {@code SEQ|STU} (sequence) jumps.
 *
 * <p>Cyclone runs this program to validate ("normalize") every sample it receives or that {@code dds_writecdr}
 * is given, so it must describe the wire layout exactly. The C layout matters only for the one zero sample the
 * sertype bootstrap writes with {@code dds_write}: x86-64 / aarch64 LP64 ({@code char*} and
 * {@code dds_sequence_t} = {@code {uint32 _maximum, uint32 _length, void* _buffer, bool _release}} = 24 bytes).
 */
public final class OpsCompiler {
  private OpsCompiler() {}

  // dds_opcodes.h
  static final int OP_RTS = 0x00 << 24;
  static final int OP_ADR = 0x01 << 24;
  static final int VAL_1BY = 0x01;
  static final int VAL_2BY = 0x02;
  static final int VAL_4BY = 0x03;
  static final int VAL_8BY = 0x04;
  static final int VAL_STR = 0x05;
  static final int VAL_SEQ = 0x07;
  static final int VAL_ARR = 0x08;
  static final int VAL_STU = 0x0a;
  static final int VAL_EXT = 0x0d;
  static final int FLAG_FP = 1 << 1;
  static final int FLAG_SGN = 1 << 2;

  static final int POINTER_SIZE = 8;
  static final int SEQUENCE_SIZE = 24;

  /**
   * A compiled type.
   *
   * @param ops the program, in 32-bit words
   * @param instructions {@code m_nops}: instructions (one per member plus one RTS per struct), as idlc counts them;
   *     Cyclone recounts them itself
   * @param size {@code sizeof} the top-level C struct
   * @param align its alignment
   */
  public record Compiled(String typeName, int[] ops, int instructions, int size, int align) {}

  /** C size and alignment of a type. */
  record CLayout(int size, int align) {}

  public static Compiled compile(Struct top) {
    List<Struct> order = new ArrayList<>();
    collect(top, order, new LinkedHashMap<>());
    Map<String, Integer> start = new HashMap<>();
    int at = 0;
    for (Struct s : order) {
      start.put(s.name(), at);
      at += opsLength(s);
    }
    int[] ops = new int[at];
    int p = 0;
    int instructions = 0;
    for (Struct s : order) {
      instructions += s.members().size() + 1;
      List<Integer> offsets = offsets(s);
      for (int i = 0; i < s.members().size(); i++) p = emit(ops, p, s.members().get(i).type(), offsets.get(i), start);
      ops[p++] = OP_RTS;
    }
    CLayout l = layout(top);
    return new Compiled(top.name(), ops, instructions, l.size(), l.align());
  }

  private static void collect(Struct s, List<Struct> order, Map<String, Struct> seen) {
    Struct previous = seen.putIfAbsent(s.name(), s);
    if (previous != null) {
      if (!previous.equals(s)) throw new IllegalArgumentException("two different structs named " + s.name());
      return;
    }
    order.add(s);
    for (Member m : s.members()) {
      Schema t = m.type() instanceof Seq(Schema e) ? e : m.type();
      if (t instanceof Struct nested) collect(nested, order, seen);
    }
  }

  private static int opsLength(Struct s) {
    int n = 1; // RTS
    for (Member m : s.members()) {
      n += switch (m.type()) {
        case Prim p -> 2;
        case Str str -> 2;
        case Arr a -> 3;
        case Struct nested -> 3;
        case Seq(Struct e) -> 4;
        case Seq(Prim e) -> 2;
        case Seq(Str e) -> 2;
        case Seq q -> throw new IllegalArgumentException("unsupported sequence element in " + s.name() + ": " + q);
      };
    }
    return n;
  }

  private static int emit(int[] ops, int p, Schema t, int offset, Map<String, Integer> start) {
    switch (t) {
      case Prim prim -> {
        ops[p] = OP_ADR | (valOf(prim) << 16) | flags(prim);
        ops[p + 1] = offset;
        return p + 2;
      }
      case Str s -> {
        ops[p] = OP_ADR | (VAL_STR << 16);
        ops[p + 1] = offset;
        return p + 2;
      }
      case Arr(Prim e, int n) -> {
        ops[p] = OP_ADR | (VAL_ARR << 16) | (valOf(e) << 8) | flags(e);
        ops[p + 1] = offset;
        ops[p + 2] = n;
        return p + 3;
      }
      case Struct nested -> {
        ops[p] = OP_ADR | (VAL_EXT << 16);
        ops[p + 1] = offset;
        ops[p + 2] = jump(3, start.get(nested.name()) - p);
        return p + 3;
      }
      case Seq(Struct e) -> {
        ops[p] = OP_ADR | (VAL_SEQ << 16) | (VAL_STU << 8);
        ops[p + 1] = offset;
        ops[p + 2] = layout(e).size();
        ops[p + 3] = jump(4, start.get(e.name()) - p);
        return p + 4;
      }
      case Seq(Prim e) -> {
        ops[p] = OP_ADR | (VAL_SEQ << 16) | (valOf(e) << 8) | flags(e);
        ops[p + 1] = offset;
        return p + 2;
      }
      case Seq(Str e) -> {
        ops[p] = OP_ADR | (VAL_SEQ << 16) | (VAL_STR << 8);
        ops[p + 1] = offset;
        return p + 2;
      }
      case Seq q -> throw new IllegalArgumentException("unsupported sequence " + q);
    }
  }

  /** {@code [next-insn, elem-insn]}: unsigned 16-bit length of this instruction, signed 16-bit jump to the struct. */
  private static int jump(int next, int elem) {
    return (next << 16) | (elem & 0xffff);
  }

  private static int valOf(Prim p) {
    return switch (p.size) {
      case 1 -> VAL_1BY;
      case 2 -> VAL_2BY;
      case 4 -> VAL_4BY;
      case 8 -> VAL_8BY;
      default -> throw new IllegalArgumentException("size " + p.size);
    };
  }

  private static int flags(Prim p) {
    return (p.floatingPoint ? FLAG_FP : 0) | (p.signed ? FLAG_SGN : 0);
  }

  /** C layout of any schema type (LP64). */
  static CLayout layout(Schema t) {
    return switch (t) {
      case Prim p -> new CLayout(p.size, p.size);
      case Str s -> new CLayout(POINTER_SIZE, POINTER_SIZE);
      case Seq q -> new CLayout(SEQUENCE_SIZE, POINTER_SIZE);
      case Arr a -> new CLayout(a.length() * a.element().size, a.element().size);
      case Struct s -> {
        int off = 0;
        int align = 1;
        for (Member m : s.members()) {
          CLayout l = layout(m.type());
          off = alignUp(off, l.align()) + l.size();
          align = Math.max(align, l.align());
        }
        yield new CLayout(alignUp(off, align), align);
      }
    };
  }

  /** C offsets of a struct's members. */
  static List<Integer> offsets(Struct s) {
    List<Integer> out = new ArrayList<>();
    int off = 0;
    for (Member m : s.members()) {
      CLayout l = layout(m.type());
      off = alignUp(off, l.align());
      out.add(off);
      off += l.size();
    }
    return out;
  }

  private static int alignUp(int v, int a) {
    return (v + a - 1) & -a;
  }
}
