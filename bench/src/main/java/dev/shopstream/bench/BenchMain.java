package dev.shopstream.bench;

import dev.shopstream.pipeline.kcl.EngineSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bin/bench}: every figure side by side in one run, each with the baseline it is compared
 * with measured in the same run (these machines are noisy). Writes a markdown report and the
 * records/s-against-window chart under {@code bench/target/}.
 *
 * <p>Usage: {@code bin/bench [--parts engine,drain,...,profile] [--records N] [--heap-minutes M] [--rounds R]
 * [--baseline REF]}; each part by its name ({@link #PARTS}) or the letter of its section in docs/benchmarks.md.
 */
public final class BenchMain {
  static final int[] WINDOWS = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  static final Duration REMOTE_CALL = Duration.ofMillis(50);
  /** What (l) measures against by default: the worker before issue 23 cut its CPU per record. */
  static final String PROFILE_BASELINE = "674f66e36d735cef6546ed0a6a5944256f5eca24";
  /** Each part's name (what --parts takes, in docs/benchmarks.md's commands) and its letter (its section there). */
  static final Map<String, String> PARTS = parts();
  private static final String USAGE = "usage: bin/bench [--parts " + String.join(",", PARTS.keySet()) + "] "
      + "[--records N] [--heap-minutes M] [--rounds R] [--baseline REF|none]";

  private static Map<String, String> parts() {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("engine", "a"); // the record engine alone against the in-flight window
    parts.put("drain", "b"); // KCL + adapter + engine on the local stack, no effects
    parts.put("effects", "c"); // each handler's real effects on the local stack
    parts.put("remote", "d"); // effects 50 ms away, as a real AWS round trip
    parts.put("latency", "e"); // live write -> effect latency
    parts.put("jmh", "f"); // CPU of diff + route and of the analytics envelope (JMH)
    parts.put("heap", "g"); // heap under a steady load
    parts.put("shards", "h"); // shards x workers through the topology proxy
    parts.put("startup", "i"); // launch to first event, failover
    parts.put("ses-rate", "j"); // a flash sale against SES's send rate
    parts.put("sync", "k"); // the analytics sync check
    parts.put("profile", "l"); // worker CPU per record under JFR
    return parts;
  }

  /** A part by its name, or by its letter (the section it reports in). */
  static String letter(String part) {
    if (PARTS.containsKey(part)) {
      return PARTS.get(part);
    }
    if (PARTS.containsValue(part)) {
      return part;
    }
    System.err.println("unknown part '" + part + "'; " + USAGE);
    System.exit(2);
    return null;
  }

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Set<String> parts = new LinkedHashSet<>(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"));
    int records = 2000;
    int heapMinutes = 5;
    Integer rounds = null;
    String baseline = PROFILE_BASELINE;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--parts" -> {
          parts = new LinkedHashSet<>();
          for (String part : args[++i].split(",")) {
            parts.add(letter(part.trim()));
          }
        }
        case "--records" -> records = Integer.parseInt(args[++i]);
        case "--heap-minutes" -> heapMinutes = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--baseline" -> baseline = args[++i];
        default -> {
          System.err.println("unknown argument " + args[i] + "; " + USAGE);
          System.exit(2);
        }
      }
    }
    Report report = new Report();
    report.line("# bin/bench " + String.join(" ", args));
    report.line(Machine.describe());
    if (parts.contains("a")) {
      engineAlone(report);
    }
    double drain = 0;
    if (parts.stream().anyMatch(p -> Set.of("b", "c", "d", "e", "g", "h", "i", "j", "l").contains(p))) {
      // (i) repeats each start 3 times by default; (l) alternates the two builds once
      drain = StackBench.run(report, parts, records, heapMinutes, rounds == null ? 3 : rounds,
          rounds == null ? 1 : rounds, baseline);
    }
    if (parts.contains("k")) {
      SyncBench.run(report, drain);
    }
    if (parts.contains("f")) {
      diffAndRoute(report);
    }
    Path out = Path.of("bench", "target", "bench-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.text());
    System.out.println();
    System.out.println("report: " + out + (report.chart() == null ? "" : ", chart: " + report.chart()));
  }

  private static void engineAlone(Report report) throws InterruptedException, IOException {
    report.section("(a) engine alone, in process: stub handler answering after " + REMOTE_CALL.toMillis()
        + " ms, one shard, orders of 10,000 distinct users");
    report.line(String.format(Locale.ROOT, "%8s %10s %14s %12s", "window", "records", "records/s", "x window 1"));
    List<EngineBench.Point> points = new ArrayList<>();
    for (int window : WINDOWS) {
      EngineBench.Point point = EngineBench.run(window, REMOTE_CALL, 10_000);
      points.add(point);
      report.line(String.format(Locale.ROOT, "%8d %10d %14.1f %12.1f", window, point.records(),
          point.recordsPerSecond(), point.recordsPerSecond() / points.get(0).recordsPerSecond()));
    }
    report.chart(WindowChart.write(points, Path.of("bench", "target", "engine-window.svg")));
    int defaultWindow = Integer.parseInt(EngineSettings.MAX_IN_FLIGHT.defaultValue());
    EngineBench.Point hot = EngineBench.run(defaultWindow, REMOTE_CALL, 1);
    report.line(String.format(Locale.ROOT,
        "one hot key (every record the same partition key), window %d: %.1f records/s "
        + "(ordering keeps one key serial)", defaultWindow, hot.recordsPerSecond()));
  }

  private static void diffAndRoute(Report report) throws RunnerException {
    report.section("(f) CPU per record of diff + route (JMH, 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement)");
    var options = new OptionsBuilder().include(DiffRouteBench.class.getSimpleName()).forks(1)
        .warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(5)
        .measurementTime(TimeValue.seconds(1)).shouldDoGC(true).build();
    for (RunResult result : new Runner(options).run()) {
      var primary = result.getPrimaryResult();
      String what = result.getParams().getBenchmark().endsWith("diffAndRouteOneOrder")
          ? "diff + route of one order insert" : "analytics envelope + JSON Schema check of one order-placed";
      report.line(String.format(Locale.ROOT, "%-58s %8.1f +- %.1f us (%.0f per second per core)", what,
          primary.getScore() / 1000, primary.getScoreError() / 1000, 1e9 / primary.getScore()));
    }
  }
}
