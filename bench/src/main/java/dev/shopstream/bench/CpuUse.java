package dev.shopstream.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time spent by this JVM (the worker and the harness) and by each local service it started
 * (moto, the SES emulator, fauxqs), between two snapshots: shows which process bounds a figure.
 */
final class CpuUse {
  private final Map<String, Duration> start;
  private final long startNanos = System.nanoTime();

  private CpuUse(Map<String, Duration> start) {
    this.start = start;
  }

  static CpuUse start() {
    return new CpuUse(snapshot());
  }

  /** CPU microseconds per record of each process, and how busy the machine's cores were. */
  String perRecord(long records) {
    Map<String, Duration> end = snapshot();
    double wall = (System.nanoTime() - startNanos) / 1e9;
    StringBuilder out = new StringBuilder("cpu per record:");
    double total = 0;
    for (var entry : end.entrySet()) {
      double seconds = (entry.getValue().toNanos() - start.getOrDefault(entry.getKey(), Duration.ZERO).toNanos()) / 1e9;
      total += seconds;
      out.append(String.format(Locale.ROOT, " %s %.0f us,", entry.getKey(), seconds * 1e6 / Math.max(1, records)));
    }
    out.append(String.format(Locale.ROOT, " cores busy %.0f%% of %d", 100 * total / (wall * Runtime.getRuntime()
        .availableProcessors()), Runtime.getRuntime().availableProcessors()));
    return out.toString();
  }

  /** The CPU used since the start, per process, for callers that compute their own figures. */
  Figures figures() {
    Map<String, Duration> end = snapshot();
    Map<String, Long> used = new LinkedHashMap<>();
    end.forEach((name, total) -> used.put(name, total.toNanos() - start.getOrDefault(name, Duration.ZERO).toNanos()));
    return new Figures(used);
  }

  record Figures(Map<String, Long> nanos) {
    double microsPerRecord(String process, long records) {
      return nanos.getOrDefault(process, 0L) / 1e3 / Math.max(1, records);
    }

    /** "moto N us, fauxqs N us, ..." for every process but the worker's. */
    String others(long records) {
      StringBuilder out = new StringBuilder();
      nanos.forEach((name, used) -> {
        if (!name.equals("worker+harness")) {
          out.append(out.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.0f us", name,
              used / 1e3 / Math.max(1, records)));
        }
      });
      return out.toString();
    }
  }

  private static Map<String, Duration> snapshot() {
    Map<String, Duration> cpu = new LinkedHashMap<>();
    cpu.put("worker+harness", ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO));
    ProcessHandle.current().descendants().forEach(child -> {
      String command = child.info().commandLine().orElse("");
      String name = command.contains("moto_server") ? "moto" : command.contains("fauxqs") ? "fauxqs"
          : command.contains("ses-loopback") ? "ses" : null;
      if (name != null) {
        cpu.merge(name, child.info().totalCpuDuration().orElse(Duration.ZERO), Duration::plus);
      }
    });
    return cpu;
  }
}
