package dev.shopstream.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A worker's metrics as Prometheus text showed them once (a scrape of {@code /metrics}, or a registry's
 * {@code scrape()}), parsed once: every sample by name and labels. {@code # HELP} and {@code # TYPE} lines
 * and other comments are skipped; label values are unescaped ({@code \\}, {@code \"}, {@code \n}); {@code NaN},
 * {@code +Inf} and {@code -Inf} are read as the doubles they stand for; a timestamp after the value is ignored.
 * A label filter is given as pairs, {@code "handler", "email", "result", "done"}: a sample matches when it has
 * each of those labels with that value (other labels do not matter).
 */
public final class MetricsSnapshot {
  /** One line of the text: a series (name and labels) and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
      labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** The value of label {@code key}; null when the sample has no such label. */
    public String label(String key) {
      return labels.get(key);
    }

    boolean matches(String metric, Map<String, String> filter) {
      return name.equals(metric) && filter.entrySet().stream()
          .allMatch(wanted -> wanted.getValue().equals(labels.get(wanted.getKey())));
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);

  private final List<Sample> samples;

  private MetricsSnapshot(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  /**
   * Parses Prometheus text (exposition format 0.0.4; OpenMetrics' {@code # EOF} and exemplars are skipped too).
   *
   * @throws IllegalArgumentException naming the line that is not a sample
   */
  public static MetricsSnapshot parse(String text) {
    List<Sample> samples = new ArrayList<>();
    int number = 0;
    for (String line : text.split("\n")) {
      number++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        samples.add(new LineParser(trimmed).sample());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a Prometheus sample (line " + number + "): " + line, e);
      }
    }
    return new MetricsSnapshot(samples);
  }

  /** Scrapes {@code http://127.0.0.1:port/metrics}. */
  public static MetricsSnapshot scrape(int port) throws IOException, InterruptedException {
    return scrape(URI.create("http://127.0.0.1:" + port + "/metrics"));
  }

  /**
   * Scrapes a metrics endpoint with the JDK's HTTP client (2 s to connect, 5 s for the answer).
   *
   * @throws IOException when it does not answer, or answers other than 200
   */
  public static MetricsSnapshot scrape(URI metrics) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(metrics).timeout(SCRAPE_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(metrics + " answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  /** Every sample, in the order of the text. */
  public List<Sample> samples() {
    return samples;
  }

  /** The samples of {@code name} that match the label filter. */
  public List<Sample> samples(String name, String... labels) {
    Map<String, String> filter = filter(labels);
    return samples.stream().filter(s -> s.matches(name, filter)).toList();
  }

  /** Whether a sample of {@code name} matches the label filter. */
  public boolean has(String name, String... labels) {
    return !samples(name, labels).isEmpty();
  }

  /** The sum over the samples of {@code name} that match the label filter; 0 when none does. */
  public double sum(String name, String... labels) {
    return samples(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /**
   * A counter's count over the series that match the label filter, e.g. {@code counter("shop_stream_records_total")}
   * for all outcomes, or {@code counter("shop_events_total", "type", "order-placed")}; 0 before its first increment.
   */
  public long counter(String name, String... labels) {
    return Math.round(sum(name, labels));
  }

  /**
   * The value of the one series that matches the label filter (a gauge's, say).
   *
   * @throws IllegalStateException when several do
   */
  public Optional<Double> value(String name, String... labels) {
    List<Sample> matching = samples(name, labels);
    if (matching.size() > 1) {
      throw new IllegalStateException(matching.size() + " series of " + name + " match " + filter(labels) + ": "
          + matching);
    }
    return matching.stream().findFirst().map(Sample::value);
  }

  /**
   * The sum over the samples of {@code name} by the values of the labels {@code by} (joined with "/"), e.g.
   * {@code sumBy("shop_handler_results_total", "handler", "result")} gives {@code {email/done=3.0, ...}}.
   */
  public Map<String, Double> sumBy(String name, String... by) {
    Map<String, Double> sums = new TreeMap<>();
    for (Sample sample : samples(name)) {
      List<String> key = new ArrayList<>();
      for (String label : by) {
        key.add(String.valueOf(sample.label(label)));
      }
      sums.merge(String.join("/", key), sample.value(), Double::sum);
    }
    return sums;
  }

  /** The names of every sample (a histogram's {@code _bucket}, {@code _count} and {@code _sum} each). */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  @Override
  public String toString() {
    return samples.size() + " samples of " + names().size() + " series names";
  }

  private static Map<String, String> filter(String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("a label filter is pairs of name and value: " + List.of(labels));
    }
    Map<String, String> filter = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      filter.put(labels[i], labels[i + 1]);
    }
    return filter;
  }

  /** Reads one sample line: {@code name{label="value",...} value [timestamp]}. */
  private static final class LineParser {
    private final String line;
    private int at;

    LineParser(String line) {
      this.line = line;
    }

    Sample sample() {
      String name = name();
      Map<String, String> labels = new LinkedHashMap<>();
      skipSpaces();
      if (at < line.length() && line.charAt(at) == '{') {
        at++;
        labels(labels);
      }
      skipSpaces();
      int end = at;
      while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
        end++;
      }
      double value = number(line.substring(at, end));
      return new Sample(name, labels, value);
    }

    private String name() {
      int start = at;
      while (at < line.length() && isNameChar(line.charAt(at), at == start)) {
        at++;
      }
      if (at == start) {
        throw new IllegalArgumentException("no metric name");
      }
      return line.substring(start, at);
    }

    private void labels(Map<String, String> labels) {
      while (true) {
        skipSpaces();
        if (peek() == '}') {
          at++;
          return;
        }
        String key = name();
        skipSpaces();
        expect('=');
        skipSpaces();
        expect('"');
        StringBuilder value = new StringBuilder();
        for (char c = next(); c != '"'; c = next()) {
          if (c == '\\') {
            char escaped = next();
            value.append(escaped == 'n' ? '\n' : escaped);
          } else {
            value.append(c);
          }
        }
        labels.put(key, value.toString());
        skipSpaces();
        if (peek() == ',') {
          at++;
        } else if (peek() != '}') {
          throw new IllegalArgumentException("expected ',' or '}' at " + at);
        }
      }
    }

    private static double number(String text) {
      return switch (text) {
        case "NaN" -> Double.NaN;
        case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(text);
      };
    }

    private static boolean isNameChar(char c, boolean first) {
      return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9';
    }

    private void skipSpaces() {
      while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == '\t')) {
        at++;
      }
    }

    private char peek() {
      if (at >= line.length()) {
        throw new IllegalArgumentException("the line ends inside its labels");
      }
      return line.charAt(at);
    }

    private char next() {
      char c = peek();
      at++;
      return c;
    }

    private void expect(char wanted) {
      if (next() != wanted) {
        throw new IllegalArgumentException("expected '" + wanted + "' at " + (at - 1));
      }
    }
  }
}
