package dev.glimpse.sim.eval;

import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads and writes MOTChallenge files in TrackEval's layout: {@code <seq>/seqinfo.ini}, {@code <seq>/gt/gt.txt}
 * (9 columns: frame, id, box, consider, class, visibility) and tracker files {@code <seq>.txt} (10 columns,
 * x = y = z = -1). Values are separated by commas (spaces are accepted when reading) and written in their
 * shortest exact decimal form, so a file read back gives the same doubles.
 */
public final class MotChallengeIo {

  private MotChallengeIo() {}

  /** Rows of a MOTChallenge text file. At least 7 columns; missing x, y, z read as -1. */
  public static List<MotRow> readRows(Path txt) throws IOException {
    List<MotRow> rows = new ArrayList<>();
    int lineNo = 0;
    for (String raw : Files.readAllLines(txt, StandardCharsets.UTF_8)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty()) continue;
      String[] f = line.split("[,\\s]+");
      if (f.length < 7) throw new IOException(txt + ":" + lineNo + ": expected at least 7 columns, got " + f.length);
      try {
        double[] v = new double[10];
        for (int i = 0; i < 10; i++) v[i] = i < f.length ? Double.parseDouble(f[i]) : -1;
        rows.add(new MotRow((int) v[0], (long) v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]));
      } catch (IllegalArgumentException e) {
        throw new IOException(txt + ":" + lineNo + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }

  /** Writes rows sorted by frame then id: 9 columns for ground truth, 10 for a tracker. */
  public static void writeRows(Path txt, List<MotRow> rows, boolean groundTruth) throws IOException {
    List<MotRow> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingInt(MotRow::frame).thenComparingLong(MotRow::id));
    List<String> lines = new ArrayList<>(sorted.size());
    for (MotRow r : sorted) {
      StringBuilder sb = new StringBuilder();
      sb.append(r.frame()).append(',').append(r.id());
      double[] rest = groundTruth
          ? new double[] {r.left(), r.top(), r.width(), r.height(), r.conf(), r.x(), r.y()}
          : new double[] {r.left(), r.top(), r.width(), r.height(), r.conf(), r.x(), r.y(), r.z()};
      for (double v : rest) sb.append(',').append(number(v));
      lines.add(sb.toString());
    }
    Path parent = txt.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    Files.write(txt, lines, StandardCharsets.UTF_8);
  }

  /** A ground-truth sequence folder: {@code seqinfo.ini} and {@code gt/gt.txt}. */
  public static MotSequence readGroundTruth(Path seqDir) throws IOException {
    SeqInfo info = SeqInfo.read(seqDir.resolve("seqinfo.ini"));
    return new MotSequence(info.name(), info.seqLength(), readRows(seqDir.resolve("gt").resolve("gt.txt")));
  }

  /** A tracker file for a sequence of known length. */
  public static MotSequence readTracker(Path txt, String name, int length) throws IOException {
    return new MotSequence(name, length, readRows(txt));
  }

  /** Writes a ground-truth sequence folder. */
  public static void writeGroundTruth(Path seqDir, MotSequence gt, SeqInfo info) throws IOException {
    Files.createDirectories(seqDir.resolve("gt"));
    info.write(seqDir.resolve("seqinfo.ini"));
    writeRows(seqDir.resolve("gt").resolve("gt.txt"), gt.rows(), true);
  }

  /**
   * Tracker rows for one frame: the box tracks that are TRACKED (matched in this frame), as ByteTrack's demo
   * writes them; lost, removed and point tracks are not MOTChallenge output.
   *
   * @param frame 1-based frame number
   */
  public static List<MotRow> rowsOf(int frame, List<Track> tracks) {
    List<MotRow> rows = new ArrayList<>();
    for (Track t : tracks) {
      if (t.state() == TrackState.TRACKED && t.box() != null) rows.add(MotRow.ofTracker(frame, t.id(), t.box(), t.score()));
    }
    return rows;
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return BigDecimal.valueOf(v).toPlainString();
  }
}
