package dev.shopstream.bench;

import dev.shopstream.pipeline.kcl.EngineSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The records/s-against-window chart as a small SVG (log2 window axis, linear rate axis). */
final class WindowChart {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int LEFT = 70;
  private static final int BOTTOM = 50;
  private static final int TOP = 40;
  private static final int RIGHT = 20;
  private static final double TARGET = 1000;
  private static final int DEFAULT_WINDOW =
      Integer.parseInt(EngineSettings.MAX_IN_FLIGHT.defaultValue());

  private WindowChart() {}

  static Path write(List<EngineBench.Point> points, Path file) throws IOException {
    double maxRate = points.stream().mapToDouble(EngineBench.Point::recordsPerSecond).max().orElse(1);
    double top = niceCeiling(maxRate);
    int n = points.size();
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">Records/s per shard against the "
        + "in-flight window (handlers answer after 50 ms)</text>%n", LEFT));
    for (int i = 0; i <= 5; i++) {
      double value = top * i / 5;
      double y = y(value, top);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          LEFT, y, WIDTH - RIGHT, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n",
          LEFT - 6, y + 4, value));
    }
    if (TARGET <= top) {
      double y = y(TARGET, top);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d62728\" "
          + "stroke-dasharray=\"6 4\"/>%n", LEFT, y, WIDTH - RIGHT, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#d62728\">target: %.0f records/s "
          + "per shard (a flash sale's hot partition)</text>%n", LEFT + 8, y - 6, TARGET));
    }
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < n; i++) {
      EngineBench.Point p = points.get(i);
      double x = x(i, n);
      double y = y(p.recordsPerSecond(), top);
      line.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"/>%n", x, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\"%s>%d</text>%n", x,
          HEIGHT - BOTTOM + 18, p.window() == DEFAULT_WINDOW ? " font-weight=\"bold\"" : "", p.window()));
      if (p.window() == DEFAULT_WINDOW) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">default %d: %.0f/s"
            + "</text>%n", x - 6, y - 8, p.window(), p.recordsPerSecond()));
      }
    }
    svg.append("<path d=\"").append(line).append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">SHOP_MAX_IN_FLIGHT (records "
        + "of one shard in flight)</text>%n", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">"
        + "records/s</text>%n", (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2));
    svg.append("</svg>\n");
    Files.createDirectories(file.getParent());
    Files.writeString(file, svg.toString());
    return file;
  }

  private static double x(int index, int count) {
    return LEFT + (WIDTH - LEFT - RIGHT) * (count == 1 ? 0.5 : index / (double) (count - 1));
  }

  private static double y(double value, double top) {
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top);
  }

  private static double niceCeiling(double value) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(1, value))));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
