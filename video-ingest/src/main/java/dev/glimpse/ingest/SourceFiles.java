package dev.glimpse.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Checks on a recorded-video path before any decoder sees it, with errors that name the file and the fix. */
final class SourceFiles {
  private SourceFiles() {}

  /** The absolute path of a readable, non-empty regular file, or a permanent error saying what is wrong. */
  static Path checked(SourceSpec spec, Path p) throws SourceException {
    Path abs = p.toAbsolutePath().normalize();
    if (!Files.exists(abs)) throw new SourceException(spec.name(), "no such file: " + abs, true);
    if (Files.isDirectory(abs)) {
      throw new SourceException(spec.name(), abs + " is a folder; for a folder of images use images://" + abs, true);
    }
    if (!Files.isReadable(abs)) throw new SourceException(spec.name(), "cannot read " + abs + " (permissions)", true);
    long size;
    try {
      size = Files.size(abs);
    } catch (IOException e) {
      throw new SourceException(spec.name(), "cannot read " + abs + ": " + e.getMessage(), true, e);
    }
    if (size == 0) throw new SourceException(spec.name(), "empty file: " + abs, true);
    return abs;
  }

  /** Whether the file starts with {@code magic} (false when it is shorter or unreadable: the decoder will say why). */
  static boolean startsWith(Path p, String magic) {
    byte[] want = magic.getBytes(StandardCharsets.US_ASCII);
    try (InputStream in = Files.newInputStream(p)) {
      return Arrays.equals(in.readNBytes(want.length), want);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
