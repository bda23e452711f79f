package dev.glimpse.sim.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A MOTChallenge {@code seqinfo.ini}: the {@code [Sequence]} section. TrackEval reads only {@code seqLength};
 * the other keys describe the images.
 *
 * @param name      sequence name
 * @param imDir     image folder, relative to the sequence folder
 * @param frameRate frames per second
 * @param seqLength frames in the sequence
 * @param imWidth   image width, pixels
 * @param imHeight  image height, pixels
 * @param imExt     image file extension, with the dot
 */
public record SeqInfo(String name, String imDir, double frameRate, int seqLength, int imWidth, int imHeight,
                      String imExt) {

  public SeqInfo {
    if (seqLength < 0) throw new IllegalArgumentException("seqLength must be >= 0: " + seqLength);
  }

  /** Reads {@code [Sequence]}; {@code seqLength} is required, the rest default to MOT17's usual values. */
  public static SeqInfo read(Path ini) throws IOException {
    Map<String, String> kv = new LinkedHashMap<>();
    boolean inSequence = false;
    for (String raw : Files.readAllLines(ini, StandardCharsets.UTF_8)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) continue;
      if (line.startsWith("[")) {
        inSequence = line.equalsIgnoreCase("[Sequence]");
        continue;
      }
      int eq = line.indexOf('=');
      if (inSequence && eq > 0) kv.put(line.substring(0, eq).strip().toLowerCase(), line.substring(eq + 1).strip());
    }
    String length = kv.get("seqlength");
    if (length == null) throw new IOException(ini + ": [Sequence] seqLength is required");
    Path parent = ini.toAbsolutePath().getParent();
    String fallbackName = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    return new SeqInfo(kv.getOrDefault("name", fallbackName), kv.getOrDefault("imdir", "img1"),
        Double.parseDouble(kv.getOrDefault("framerate", "30")), Integer.parseInt(length),
        Integer.parseInt(kv.getOrDefault("imwidth", "0")), Integer.parseInt(kv.getOrDefault("imheight", "0")),
        kv.getOrDefault("imext", ".jpg"));
  }

  /** Writes the file in the layout of MOT17's. */
  public void write(Path ini) throws IOException {
    String rate = frameRate == Math.rint(frameRate) ? Long.toString((long) frameRate) : Double.toString(frameRate);
    Files.write(ini, List.of("[Sequence]", "name=" + name, "imDir=" + imDir, "frameRate=" + rate,
        "seqLength=" + seqLength, "imWidth=" + imWidth, "imHeight=" + imHeight, "imExt=" + imExt), StandardCharsets.UTF_8);
  }
}
