package dev.glimpse.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.glimpse.tracker.Association.Candidate;
import dev.glimpse.types.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sweep in {@link Association#match} against scoring every pair into a dense matrix, with and without a
 * C-BIoU buffer.
 */
class AssociationTest {

  @Test
  void sweepEqualsDenseScoringForBoxesAndPoints() {
    Random rng = new Random(9);
    Geometry[] geometries = {new Geometry.Boxes(), new Geometry.Points(64, 48), new Geometry.Boxes(true)};
    for (int trial = 0; trial < 600; trial++) {
      Geometry g = geometries[trial % 3];
      boolean fuse = trial % 4 != 0;
      double buffer = trial % 5 < 2 ? 0 : 1.5 * rng.nextDouble();
      double minSim = 0.1 + 0.5 * rng.nextDouble();
      List<STrack> tracks = new ArrayList<>();
      List<Candidate> cands = new ArrayList<>();
      int nt = rng.nextInt(12), nd = rng.nextInt(12);
      for (int i = 0; i < nt; i++) {
        Detection d = random(rng, g);
        STrack t = new STrack(i, d.label(), g.filter().axes(), 0, 0);
        g.footprint(d, t.footprint);
        tracks.add(t);
      }
      for (int j = 0; j < nd; j++) cands.add(candidate(g, random(rng, g)));

      double[][] cost = new double[nt][nd];
      for (int i = 0; i < nt; i++) {
        for (int j = 0; j < nd; j++) {
          double[] a = new double[4], b = new double[4];
          g.expand(tracks.get(i).footprint, buffer, a);
          g.expand(cands.get(j).footprint(), buffer, b);
          double sim = tracks.get(i).label.equals(cands.get(j).detection().label()) ? g.similarity(a, b) : 0;
          if (fuse) sim *= cands.get(j).detection().score();
          cost[i][j] = sim > 0 ? 1 - sim : Double.POSITIVE_INFINITY;
        }
      }
      assertArrayEquals(Lap.solveGated(cost, 1 - minSim), Association.match(g, tracks, cands, minSim, fuse, buffer),
          "trial " + trial);
    }
  }

  private static Detection random(Random rng, Geometry g) {
    String label = rng.nextInt(4) == 0 ? "cone" : "person";
    double x = rng.nextDouble() * 300, y = rng.nextDouble() * 300, score = 0.2 + 0.8 * rng.nextDouble();
    if (g instanceof Geometry.Points) return Frames.point(label, x, y, score);
    return Frames.box(label, x, y, 20 + rng.nextDouble() * 80, 40 + rng.nextDouble() * 120, score);
  }

  private static Candidate candidate(Geometry g, Detection d) {
    double[] fp = new double[Geometry.FOOTPRINT];
    double[] z = new double[g.filter().axes()];
    g.footprint(d, fp);
    g.measure(d, z);
    return new Candidate(d, fp, z);
  }
}
