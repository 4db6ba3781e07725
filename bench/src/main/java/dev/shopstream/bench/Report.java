package dev.shopstream.bench;

import java.nio.file.Path;

/** What bin/bench prints, collected for the markdown report. */
final class Report {
  private final StringBuilder text = new StringBuilder();
  private Path chart;

  void section(String title) {
    line("");
    line("## " + title);
  }

  void line(String line) {
    System.out.println(line);
    System.out.flush();
    text.append(line).append('\n');
  }

  void chart(Path path) {
    chart = path;
  }

  Path chart() {
    return chart;
  }

  String text() {
    return text.toString();
  }
}
