package dev.shopstream.bench;

import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.app.ShopStreamWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The worker alone in its own JVM, for the profile part: the product's composition (Prometheus
 * registry, the worker's logging) with the no-op handler added, reading the table's stream from
 * TRIM_HORIZON under JFR. The recording starts with the JVM, so JFR's own start-up is not measured;
 * the measured window opens once {@code warmup} records are handled (the JIT's first compilations and
 * each client's first call are start-up) and closes at {@code records}. Writes the window, the
 * process CPU spent in it (split into JIT compilation, GC, JFR and the Java threads by {@link ThreadCpu})
 * and the records handled in it to a properties file, then its CPU over {@link #IDLE} with nothing left to
 * read (the fixed cost of polling and leases), the recording beside it, then halts (each run is its own application: nothing to hand over).
 *
 * <p>Uses only the worker's public entry points, which the commit measured as the baseline has too:
 * the harness runs this class against that commit's build as well.
 *
 * <p>Usage: {@code DrainWorker RECORDS WARMUP RECORDING.jfr RESULT.properties}, the worker's settings in
 * the environment.
 */
public final class DrainWorker {
  /** JFR's execution sampling interval; the JDK's "profile" settings use 10 ms. */
  static final Duration SAMPLE_PERIOD = Duration.ofMillis(2);
  private static final Duration MAX_WAIT = Duration.ofMinutes(4);
  /** How long the worker's CPU is measured once every record is handled, the stream read on (empty polls). */
  static final Duration IDLE = Duration.ofSeconds(5);
  /** How often the handled count is read (a registry search: not free, so not too often). */
  private static final Duration POLL = Duration.ofMillis(50);

  private DrainWorker() {}

  public static void main(String[] args) throws Exception {
    int records = Integer.parseInt(args[0]);
    int warmup = Integer.parseInt(args[1]);
    Path recordingFile = Path.of(args[2]);
    Path resultFile = Path.of(args[3]);
    try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
      recording.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
      recording.enable("jdk.ThreadStart").withStackTrace();
      recording.start();

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      HandlerCatalogue catalogue = HandlerCatalogue.standard().with(NoopHandler.NAME, NoopHandler::new);
      ShopStreamWorker worker = CompositionRoot.create(CompositionRoot.configuration(System.getenv(), catalogue),
          catalogue, Clock.systemUTC(), registry).worker();
      worker.start();
      Instant deadline = Instant.now().plus(MAX_WAIT);
      awaitHandled(registry, warmup, deadline);
      ThreadCpu threadsFrom = ThreadCpu.snapshot();
      long cpuFrom = processCpuNanos();
      long handledFrom = handled(registry);
      Instant from = Instant.now();
      awaitHandled(registry, records, deadline);
      Instant to = Instant.now();
      long cpuTo = processCpuNanos();
      long handledTo = handled(registry);
      ThreadCpu threadsTo = ThreadCpu.snapshot();
      // then the worker with nothing to read: what it spends per second whatever the records
      Thread.sleep(IDLE.toMillis());
      long cpuIdle = processCpuNanos() - cpuTo;
      long handledIdle = handled(registry) - handledTo;
      recording.stop();
      recording.dump(recordingFile);

      Properties result = new Properties();
      result.setProperty("from", from.toString());
      result.setProperty("to", to.toString());
      result.setProperty("cpuNanos", Long.toString(cpuTo - cpuFrom));
      result.setProperty("records", Long.toString(handledTo - handledFrom));
      result.setProperty("idleNanos", Long.toString(IDLE.toNanos()));
      result.setProperty("idleCpuNanos", Long.toString(cpuIdle));
      result.setProperty("idleRecords", Long.toString(handledIdle));
      threadsTo.since(threadsFrom, cpuTo - cpuFrom).forEach((kind, nanos) ->
          result.setProperty("cpuNanos." + kind, Long.toString(nanos)));
      try (var out = Files.newBufferedWriter(resultFile)) {
        result.store(out, "DrainWorker");
      }
    } catch (Throwable e) {
      e.printStackTrace();
      Runtime.getRuntime().halt(1);
    }
    Runtime.getRuntime().halt(0);
  }

  private static void awaitHandled(MeterRegistry registry, long count, Instant deadline) throws InterruptedException {
    while (handled(registry) < count) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("only " + handled(registry) + " of " + count + " records handled within "
            + MAX_WAIT.toMinutes() + " min");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private static long handled(MeterRegistry registry) {
    return (long) registry.find("shop.stream.records").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
