package dev.glimpse.sim.eval;

/**
 * MOT metrics of one sequence, as TrackEval reports them (fractions in [0, 1], not percentages). HOTA, DetA,
 * AssA, LocA and their recall/precision parts are means over the 19 α thresholds 0.05..0.95.
 *
 * @param hota  higher-order tracking accuracy, √(DetA·AssA) averaged over α
 * @param deta  detection accuracy TP / (TP + FN + FP)
 * @param assa  association accuracy
 * @param loca  localisation accuracy, mean IoU of the HOTA true positives
 * @param detre detection recall
 * @param detpr detection precision
 * @param assre association recall
 * @param asspr association precision
 * @param mota  (TP − FP − IDSW) / (TP + FN) at IoU 0.5; may be negative
 * @param motp  mean IoU of the CLEAR true positives
 * @param idf1  identity F1
 * @param idp   identity precision
 * @param idr   identity recall
 * @param idsw  CLEAR identity switches
 * @param fp    CLEAR false positives
 * @param fn    CLEAR false negatives (misses)
 * @param tp    CLEAR true positives
 * @param frag  CLEAR fragmentations
 * @param mt    ground-truth ids tracked for more than 80 % of their length
 * @param ml    ground-truth ids tracked for less than 20 % of their length
 */
public record MotResult(double hota, double deta, double assa, double loca, double detre, double detpr, double assre,
                        double asspr, double mota, double motp, double idf1, double idp, double idr, int idsw, int fp,
                        int fn, int tp, int frag, int mt, int ml) {

  /** One line for logs and test messages, in percent like TrackEval's tables. */
  public String summary() {
    return String.format(java.util.Locale.ROOT,
        "HOTA %.2f DetA %.2f AssA %.2f LocA %.2f | MOTA %.2f MOTP %.2f IDSW %d FP %d FN %d | IDF1 %.2f IDP %.2f IDR %.2f",
        100 * hota, 100 * deta, 100 * assa, 100 * loca, 100 * mota, 100 * motp, idsw, fp, fn, 100 * idf1, 100 * idp,
        100 * idr);
  }
}
