package dev.glimpse.cuda.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} pairs of the check and benchmark mains (repeatable names keep every value). */
final class Args {
  private final Map<String, List<String>> values = new HashMap<>();

  Args(String[] args, List<String> known) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !known.contains(a.substring(2)) || i + 1 >= args.length) {
        throw new IllegalArgumentException("bad argument '" + a + "'; known (each with a value): --" + String.join(", --", known));
      }
      values.computeIfAbsent(a.substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
  }

  String get(String name, String dflt) {
    List<String> v = values.get(name);
    return v == null ? dflt : v.getLast();
  }

  int getInt(String name, int dflt) { return Integer.parseInt(get(name, Integer.toString(dflt))); }

  /** Every --lib-dir, then the directories in GLIMPSE_CUDA_LIB_DIRS. */
  List<Path> libDirs() {
    List<Path> dirs = new ArrayList<>();
    for (String d : values.getOrDefault("lib-dir", List.of())) dirs.add(Path.of(d));
    Arrays.stream(System.getenv().getOrDefault("GLIMPSE_CUDA_LIB_DIRS", "").split(":")).filter(s -> !s.isBlank())
        .map(Path::of).forEach(dirs::add);
    return dirs;
  }
}
