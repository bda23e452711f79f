package dev.glimpse.config;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" suggestions for near misses: unknown keys, enum values, URL schemes, units.
 *
 * <p>Names are compared after folding case and dropping {@code _}, {@code -} and spaces, so {@code trackBuffer},
 * {@code Track-Buffer} and {@code BEST_EFFORT} find {@code track_buffer} and {@code best_effort}. The distance is
 * optimal-string-alignment Damerau-Levenshtein (insert, delete, substitute, swap two neighbours, each 1). A
 * candidate is suggested when its distance is at most {@code (n - 1) / 3}, n the longer folded length: about one
 * edit in three characters, so {@code trackr → tracker} and {@code rstp → rtsp} are suggested while
 * {@code gpu → cpu} (one edit in three letters, a different word) is not. A single swap of two neighbours is
 * always suggested ({@code rso → ros}): typing order slips are the commonest typo.
 */
public final class DidYouMean {
  private DidYouMean() {}

  /** The closest candidate within the threshold; the first one listed wins ties. */
  public static Optional<String> suggest(String input, Collection<String> candidates) {
    String in = fold(input);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      String folded = fold(c);
      int d = distance(in, folded);
      if (d < bestDistance && acceptable(in, folded, d)) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code "; did you mean 'x'?"} or the empty string, ready to append to a message. */
  static String hint(String input, Collection<String> candidates) {
    return suggest(input, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
  }

  /** Optimal-string-alignment distance: Levenshtein plus transposition of two adjacent characters. */
  public static int distance(String a, String b) {
    int n = a.length(), m = b.length();
    int[][] d = new int[n + 1][m + 1]; // (n+1, m+1): d[i][j] = distance of a[0,i) and b[0,j)
    for (int i = 0; i <= n; i++) d[i][0] = i;
    for (int j = 0; j <= m; j++) d[0][j] = j;
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[n][m];
  }

  private static boolean acceptable(String in, String candidate, int d) {
    if (d == 0) return true;
    if (d == 1 && in.length() == candidate.length() && in.length() > 1 && sameLetters(in, candidate)) return true;
    return d <= (Math.max(in.length(), candidate.length()) - 1) / 3;
  }

  private static boolean sameLetters(String a, String b) {
    char[] x = a.toCharArray(), y = b.toCharArray();
    Arrays.sort(x);
    Arrays.sort(y);
    return Arrays.equals(x, y);
  }

  private static String fold(String s) {
    return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
  }
}
