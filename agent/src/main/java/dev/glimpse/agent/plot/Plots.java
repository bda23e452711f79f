package dev.glimpse.agent.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Small PNG charts for reports (the sim report's latency histogram and series over frames, the reliability runs'
 * series over time or cycles), drawn with Java 2D, headless.
 */
public final class Plots {
  private static final int W = 720, H = 360, L = 70, R = 20, T = 40, B = 50;

  private Plots() {}

  /** A named series of y values over x = 1..n. */
  public record Series(String name, double[] y, Color color) {}

  /** A named series of (x, y) values, drawn as a line or, with {@code dots}, as points; NaN y values leave a gap. */
  public record XySeries(String name, double[] x, double[] y, Color color, boolean dots) {
    public XySeries {
      if (x.length != y.length) throw new IllegalArgumentException(name + ": " + x.length + " x values, " + y.length + " y values");
    }
  }

  /** Histogram of values (ms) in {@code bins} equal bins. */
  public static void histogram(Path png, String title, String xLabel, double[] values, int bins) throws IOException {
    BufferedImage img = canvas();
    Graphics2D g = graphics(img);
    double lo = 0, hi = 1;
    for (double v : values) hi = Math.max(hi, v);
    hi *= 1.05;
    int[] counts = new int[bins];
    for (double v : values) counts[Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins))]++;
    int max = 1;
    for (int c : counts) max = Math.max(max, c);
    axes(g, title, xLabel, "frames", lo, hi, 0, max);
    g.setColor(new Color(70, 110, 200));
    double bw = (double) (W - L - R) / bins;
    for (int i = 0; i < bins; i++) {
      int h = (int) Math.round((double) counts[i] / max * (H - T - B));
      g.fillRect(L + (int) (i * bw), H - B - h, Math.max(1, (int) bw - 1), h);
    }
    ImageIO.write(img, "png", png.toFile());
  }

  /** Line chart of series over frames. */
  public static void lines(Path png, String title, String yLabel, List<Series> series) throws IOException {
    BufferedImage img = canvas();
    Graphics2D g = graphics(img);
    int n = 1;
    double ymax = 1e-9;
    for (Series s : series) {
      n = Math.max(n, s.y().length);
      for (double v : s.y()) if (Double.isFinite(v)) ymax = Math.max(ymax, v);
    }
    ymax *= 1.1;
    axes(g, title, "frame", yLabel, 1, n, 0, ymax);
    int ly = T + 5;
    for (Series s : series) {
      g.setColor(s.color());
      g.setStroke(new BasicStroke(1.6f));
      int px = -1, py = -1;
      for (int i = 0; i < s.y().length; i++) {
        if (!Double.isFinite(s.y()[i])) continue;
        int x = L + (int) Math.round((double) i / Math.max(1, n - 1) * (W - L - R));
        int y = H - B - (int) Math.round(s.y()[i] / ymax * (H - T - B));
        if (px >= 0) g.drawLine(px, py, x, y);
        px = x;
        py = y;
      }
      g.drawString(s.name(), W - R - 180, ly += 14);
    }
    ImageIO.write(img, "png", png.toFile());
  }

  /**
   * Chart of (x, y) series, y from 0 (so that a slope is seen at its true scale), x over the range of the data.
   */
  public static void xy(Path png, String title, String xLabel, String yLabel, List<XySeries> series) throws IOException {
    BufferedImage img = canvas();
    Graphics2D g = graphics(img);
    double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY, ymax = 1e-9;
    for (XySeries s : series) {
      for (int i = 0; i < s.x().length; i++) {
        xmin = Math.min(xmin, s.x()[i]);
        xmax = Math.max(xmax, s.x()[i]);
        if (Double.isFinite(s.y()[i])) ymax = Math.max(ymax, s.y()[i]);
      }
    }
    if (!(xmax > xmin)) {
      xmin = Double.isFinite(xmin) ? xmin : 0;
      xmax = xmin + 1;
    }
    ymax *= 1.1 + 0.06 * series.size(); // headroom for the legend
    axes(g, title, xLabel, yLabel, xmin, xmax, 0, ymax);
    for (XySeries s : series) {
      g.setColor(s.color());
      g.setStroke(new BasicStroke(1.6f));
      int px = -1, py = -1;
      for (int i = 0; i < s.x().length; i++) {
        if (!Double.isFinite(s.y()[i])) {
          px = -1;
          continue;
        }
        int x = L + (int) Math.round((s.x()[i] - xmin) / (xmax - xmin) * (W - L - R));
        int y = H - B - (int) Math.round(s.y()[i] / ymax * (H - T - B));
        if (s.dots()) g.fillOval(x - 2, y - 2, 5, 5);
        else if (px >= 0) g.drawLine(px, py, x, y);
        px = x;
        py = y;
      }
    }
    legend(g, series.stream().map(XySeries::name).toList(), series.stream().map(XySeries::color).toList());
    ImageIO.write(img, "png", png.toFile());
  }

  /** Names in their colours, top right, on white so that lines under them do not hide them. */
  private static void legend(Graphics2D g, List<String> names, List<Color> colors) {
    int w = 0;
    for (String n : names) w = Math.max(w, g.getFontMetrics().stringWidth(n));
    int x = W - R - w - 12, y = T + 4;
    g.setColor(new Color(255, 255, 255, 230));
    g.fillRect(x - 4, y, w + 10, 14 * names.size() + 6);
    for (int i = 0; i < names.size(); i++) {
      g.setColor(colors.get(i));
      g.drawString(names.get(i), x, y + 14 * (i + 1));
    }
  }

  private static BufferedImage canvas() { return new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB); }

  private static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }

  private static void axes(Graphics2D g, String title, String xLabel, String yLabel, double x0, double x1, double y0,
      double y1) {
    g.setColor(Color.BLACK);
    g.drawString(title, L, 22);
    g.drawLine(L, H - B, W - R, H - B);
    g.drawLine(L, T, L, H - B);
    for (int i = 0; i <= 4; i++) {
      double xv = x0 + (x1 - x0) * i / 4, yv = y0 + (y1 - y0) * i / 4;
      int x = L + (W - L - R) * i / 4, y = H - B - (H - T - B) * i / 4;
      g.drawString(fmt(xv), x - 10, H - B + 16);
      g.drawString(fmt(yv), 8, y + 4);
      g.setColor(new Color(225, 225, 225));
      if (i > 0) g.drawLine(L + 1, y, W - R, y);
      g.setColor(Color.BLACK);
    }
    g.drawString(xLabel, (W - L) / 2 + L - 20, H - 12);
    g.drawString(yLabel, 8, T - 8);
  }

  private static String fmt(double v) {
    return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }
}
