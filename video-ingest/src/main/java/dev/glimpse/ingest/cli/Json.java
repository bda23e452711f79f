package dev.glimpse.ingest.cli;

/** One-line JSON objects for the CLI's machine-readable output (no JSON library needed for flat records). */
final class Json {
  private Json() {}

  /** {@code {"k1": v1, ...}} from alternating keys and values (String, Number, Boolean or null). */
  static String object(Object... kv) {
    if (kv.length % 2 != 0) throw new IllegalArgumentException("keys and values must alternate");
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < kv.length; i += 2) {
      if (i > 0) sb.append(", ");
      string(sb, (String) kv[i]);
      sb.append(": ");
      Object v = kv[i + 1];
      if (v == null) {
        sb.append("null");
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(v);
      } else {
        string(sb, v.toString());
      }
    }
    return sb.append('}').toString();
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
