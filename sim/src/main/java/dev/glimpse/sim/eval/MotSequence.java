package dev.glimpse.sim.eval;

import java.util.List;
import java.util.Objects;

/**
 * The rows of one sequence, ground truth or tracker output, with the sequence's length in frames (seqinfo.ini
 * {@code seqLength}): frames without rows still count as frames.
 *
 * @param name   sequence name, e.g. {@code MOT17-02-FRCNN}
 * @param length frames in the sequence; every row's frame is in [1, length]
 * @param rows   the rows, in any order
 */
public record MotSequence(String name, int length, List<MotRow> rows) {
  public MotSequence {
    Objects.requireNonNull(name, "name");
    rows = List.copyOf(rows);
    if (length < 0) throw new IllegalArgumentException("length must be >= 0: " + length);
    for (MotRow r : rows) {
      if (r.frame() > length) {
        throw new IllegalArgumentException("sequence " + name + " has a row at frame " + r.frame()
            + " beyond its length " + length);
      }
    }
  }
}
