package dev.glimpse.csa;

import java.util.Arrays;

/** A growable list of float rows of one width (compressed entries, indexer keys): data [n, width], row-major. */
final class RowStore {
  private final int width;
  private float[] data;
  private int n;

  RowStore(int width) {
    this.width = width;
    this.data = new float[width * 16];
  }

  void add(float[] src, int off) {
    if ((n + 1) * width > data.length) data = Arrays.copyOf(data, data.length * 2);
    System.arraycopy(src, off, data, n * width, width);
    n++;
  }

  int size() { return n; }

  /** Drops the first k rows (the oldest); later rows move to the front. */
  void dropFirst(int k) {
    if (k <= 0) return;
    k = Math.min(k, n);
    System.arraycopy(data, k * width, data, 0, (n - k) * width);
    n -= k;
  }

  int width() { return width; }

  /** The backing array (row i at i·width); valid until the next {@link #add}. */
  float[] data() { return data; }

  /** A copy of rows [0, n) as [n, width]. */
  float[] copyRows() { return Arrays.copyOf(data, n * width); }

  RowStore copy() {
    RowStore c = new RowStore(width);
    c.data = data.clone();
    c.n = n;
    return c;
  }
}
