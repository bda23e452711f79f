package dev.glimpse.ros.msg;

import java.util.List;
import java.util.Objects;

/**
 * The shape of a ROS 2 message as its IDL declares it: just enough type model to describe every message the
 * bridge speaks, so that the DDS type descriptor (Cyclone's serializer program, see
 * {@code dev.glimpse.ros.dds.OpsCompiler}) is generated from the same description that the tests check against
 * the {@code .msg} files and against {@code idlc}'s output.
 */
public sealed interface Schema {

  /** A primitive: its size in bytes is also its CDR alignment (XCDR1). */
  enum Prim implements Schema {
    /** {@code uint8}, {@code byte} (IDL octet). */
    OCTET(1, false, false),
    UINT16(2, false, false),
    INT32(4, true, false),
    UINT32(4, false, false),
    FLOAT32(4, false, true),
    FLOAT64(8, false, true);

    public final int size;
    public final boolean signed;
    public final boolean floatingPoint;

    Prim(int size, boolean signed, boolean floatingPoint) {
      this.size = size;
      this.signed = signed;
      this.floatingPoint = floatingPoint;
    }
  }

  /** An unbounded {@code string}. */
  record Str() implements Schema {}

  /** An unbounded {@code sequence<element>} ({@code T[]} in a .msg file). */
  record Seq(Schema element) implements Schema {
    public Seq {
      Objects.requireNonNull(element, "element");
    }
  }

  /** A fixed-length array of a primitive ({@code float64[36]}). */
  record Arr(Prim element, int length) implements Schema {
    public Arr {
      Objects.requireNonNull(element, "element");
      if (length < 1) throw new IllegalArgumentException("array length must be ≥ 1: " + length);
    }
  }

  /** A struct; {@code name} is its DDS name, e.g. {@code std_msgs::msg::dds_::Header_}. */
  record Struct(String name, List<Member> members) implements Schema {
    public Struct {
      Objects.requireNonNull(name, "name");
      members = List.copyOf(members);
      if (members.isEmpty()) throw new IllegalArgumentException("struct " + name + " has no members");
    }

    public static Struct of(String name, Member... members) {
      return new Struct(name, List.of(members));
    }
  }

  /** A named member of a struct. */
  record Member(String name, Schema type) {
    public Member {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  static Member member(String name, Schema type) {
    return new Member(name, type);
  }

  /** The one string type. */
  Str STR = new Str();
}
