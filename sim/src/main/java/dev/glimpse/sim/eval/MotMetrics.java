package dev.glimpse.sim.eval;

/**
 * HOTA, CLEAR and Identity metrics of a tracker's output against ground truth, computed in Java with the
 * algorithms of TrackEval (JonathonLuiten/TrackEval @12c8791) for {@code MotChallenge2DBox}, MOT17 benchmark,
 * class pedestrian: similarity is IoU, CLEAR and Identity use IoU ≥ 0.5, ground truth is preprocessed as
 * {@link EvalData} describes. {@code TrackEvalAgreementTest} compares the numbers with TrackEval's on fixture
 * sequences.
 *
 * <p>Pipeline: {@link EvalData#prepare} → {@link Hota}, {@link Clear}, {@link Identity} → {@link MotResult}.
 */
public final class MotMetrics {

  private MotMetrics() {}

  /**
   * @param gt   ground truth (class in column 8, consider flag in column 7)
   * @param pred tracker output of the same sequence, no longer than the ground truth
   */
  public static MotResult evaluate(MotSequence gt, MotSequence pred) {
    EvalData data = EvalData.prepare(gt, pred);
    Hota.Result h = Hota.evaluate(data);
    Clear.Result c = Clear.evaluate(data);
    Identity.Result id = Identity.evaluate(data);
    return new MotResult(Hota.Result.mean(h.hota()), Hota.Result.mean(h.detA()), Hota.Result.mean(h.assA()),
        Hota.Result.mean(h.locA()), Hota.Result.mean(h.detRe()), Hota.Result.mean(h.detPr()),
        Hota.Result.mean(h.assRe()), Hota.Result.mean(h.assPr()), c.mota(), c.motp(), id.idf1(), id.idp(), id.idr(),
        c.idsw(), c.fp(), c.fn(), c.tp(), c.frag(), c.mt(), c.ml());
  }
}
