package dev.glimpse.encoder;

import java.util.Arrays;

/**
 * The image block of one frame in DeepSeek's N-layout (docs/model.md §4.2): lead pads so START sits at a position
 * ≡ 3 (mod 4), then the merged grid with a NEWLINE after each row, row pairs interleaved column by column (so every 4
 * consecutive grid slots form a 2×2 cell and CSA's m = 4 pools 2×2 neighbourhoods), a pad row when n_h is odd,
 * trailing pads, END.
 *
 * @param types slot types, one per token of the block (START, PAD, IMAGE, NEWLINE, END)
 * @param perm  for each IMAGE slot in order, the row-major merged-token index r·n_w + c it takes its row from
 */
public record ImageBlock(int[] types, int[] perm) {
  /** Slot types; the token id of a slot is vocab_size + type. */
  public static final int START = 0, PAD = 1, IMAGE = 2, NEWLINE = 3, END = 4;

  public ImageBlock {
    types = types.clone();
    perm = perm.clone();
  }

  /** The block for an n_h × n_w merged grid whose first slot is at sequence position {@code startPos}. */
  public static ImageBlock of(int nH, int nW, int startPos) {
    if (nH < 1 || nW < 1 || startPos < 0) {
      throw new IllegalArgumentException("grid " + nH + "x" + nW + " at " + startPos + ": sizes must be >= 1, position >= 0");
    }
    int lead = 3 - startPos % 4;
    int rows = nH + nH % 2, rowLen = nW + 1;
    int padLast = (rows / 2 * rowLen) % 2 * 2;
    int[] types = new int[lead + 1 + rows * rowLen + padLast + 1];
    int[] perm = new int[nH * nW];
    int t = 0, k = 0;
    for (int i = 0; i < lead; i++) types[t++] = PAD;
    types[t++] = START;
    for (int p = 0; p < rows / 2; p++) {
      for (int c = 0; c < rowLen; c++) {
        for (int s = 0; s < 2; s++) {
          int r = 2 * p + s;
          if (r >= nH) {
            types[t++] = PAD;
          } else if (c == nW) {
            types[t++] = NEWLINE;
          } else {
            types[t++] = IMAGE;
            perm[k++] = r * nW + c;
          }
        }
      }
    }
    for (int i = 0; i < padLast; i++) types[t++] = PAD;
    types[t] = END;
    return new ImageBlock(types, perm);
  }

  public int length() { return types.length; }

  @Override
  public int[] types() { return types.clone(); }

  @Override
  public int[] perm() { return perm.clone(); }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageBlock b && Arrays.equals(types, b.types) && Arrays.equals(perm, b.perm);
  }

  @Override
  public int hashCode() { return 31 * Arrays.hashCode(types) + Arrays.hashCode(perm); }

  @Override
  public String toString() { return "ImageBlock[" + types.length + " slots, " + perm.length + " image rows]"; }
}
