package dev.glimpse.sim.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glimpse.types.Box;
import dev.glimpse.types.Track;
import dev.glimpse.types.TrackState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotChallengeIoTest {

  @TempDir Path dir;

  @Test
  void groundTruthFolderRoundTrips() throws IOException {
    List<MotRow> rows = List.of(
        MotRow.ofGroundTruth(2, 7, Box.ofLtwh(10.25, 20, 30.125, 40), true, 1, 0.75),
        MotRow.ofGroundTruth(1, 3, Box.ofLtwh(1e-3, 2, 3, 4), false, 7, 1));
    SeqInfo info = new SeqInfo("seq-a", "img1", 25, 2, 640, 480, ".png");
    MotChallengeIo.writeGroundTruth(dir.resolve("seq-a"), new MotSequence("seq-a", 2, rows), info);

    assertEquals(List.of("1,3,0.001,2,3,4,0,7,1", "2,7,10.25,20,30.125,40,1,1,0.75"),
        Files.readAllLines(dir.resolve("seq-a/gt/gt.txt")), "9 columns, sorted by frame, shortest decimals");
    MotSequence back = MotChallengeIo.readGroundTruth(dir.resolve("seq-a"));
    assertEquals("seq-a", back.name());
    assertEquals(2, back.length());
    assertEquals(List.of(rows.get(1), rows.get(0)), back.rows());
    assertEquals(info, SeqInfo.read(dir.resolve("seq-a/seqinfo.ini")));
    assertEquals(false, back.rows().get(0).considered());
    assertEquals(7, back.rows().get(0).classId());
    assertEquals(0.75, back.rows().get(1).visibility());
  }

  @Test
  void trackerRowsComeFromTrackedBoxTracksOnly() throws IOException {
    List<Track> tracks = List.of(
        new Track(4, "person", new Box(10, 20, 50, 100), null, 0.8, 0, 0, 3, TrackState.TRACKED),
        new Track(5, "person", new Box(10, 20, 50, 100), null, 0.8, 0, 0, 3, TrackState.LOST),
        new Track(6, "person", null, new dev.glimpse.types.Point(1, 2), 0.8, 0, 0, 3, TrackState.TRACKED));
    List<MotRow> rows = MotChallengeIo.rowsOf(9, tracks);
    assertEquals(List.of(new MotRow(9, 4, 10, 20, 40, 80, 0.8, -1, -1, -1)), rows);
    Path txt = dir.resolve("t/seq.txt");
    MotChallengeIo.writeRows(txt, rows, false);
    assertEquals(List.of("9,4,10,20,40,80,0.8,-1,-1,-1"), Files.readAllLines(txt));
    assertEquals(rows, MotChallengeIo.readRows(txt));
  }

  @Test
  void readerAcceptsSpacesAndRejectsShortRowsAndZeroFrames() throws IOException {
    Path txt = dir.resolve("a.txt");
    Files.writeString(txt, "1, 2, 3, 4, 5, 6, 0.5\n\n");
    assertEquals(List.of(new MotRow(1, 2, 3, 4, 5, 6, 0.5, -1, -1, -1)), MotChallengeIo.readRows(txt));
    Files.writeString(txt, "1,2,3,4,5,6\n");
    assertThrows(IOException.class, () -> MotChallengeIo.readRows(txt));
    Files.writeString(txt, "0,2,3,4,5,6,1\n");
    assertThrows(IOException.class, () -> MotChallengeIo.readRows(txt));
  }

  @Test
  void seqinfoNeedsSeqLength() throws IOException {
    Path ini = dir.resolve("seqinfo.ini");
    Files.writeString(ini, "[Sequence]\nname=x\n");
    assertThrows(IOException.class, () -> SeqInfo.read(ini));
  }

  @Test
  void duplicateIdsInAFrameAreRejectedLikeTrackEval() {
    List<MotRow> gt = List.of(MotRow.ofGroundTruth(1, 1, Box.ofLtwh(0, 0, 10, 10), true, 1, 1));
    List<MotRow> pred = List.of(MotRow.ofTracker(1, 1, Box.ofLtwh(0, 0, 10, 10), 1),
        MotRow.ofTracker(1, 1, Box.ofLtwh(50, 0, 10, 10), 1));
    assertThrows(IllegalArgumentException.class,
        () -> MotMetrics.evaluate(new MotSequence("s", 1, gt), new MotSequence("s", 1, pred)));
  }
}
