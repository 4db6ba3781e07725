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
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The worker alone in its own JVM, for the profile part: the product's composition (Prometheus
 * registry, the worker's logging) with the no-op handler added, reading the table's stream from
 * TRIM_HORIZON twice under JFR. The first pass (its own application) starts cold: it is measured from
 * half-way, the JIT still compiling. The second pass, a new application reading the same records in
 * the same JVM, is the steady state: measured from its first record handled to its last. Then the
 * worker's CPU over {@link #IDLE} with nothing left to read. The recording starts with the JVM, so JFR's
 * own start-up is not measured. Writes each window, the process CPU spent in it (split into JIT
 * compilation, GC, JFR and the Java threads by {@link ThreadCpu}) and the records handled in it to a
 * properties file, the recording beside it, then halts (nothing to hand over).
 *
 * <p>Uses only the worker's public entry points, which the commit measured as the baseline has too:
 * the harness runs this class against that commit's build as well.
 *
 * <p>Usage: {@code DrainWorker RECORDS RECORDING.jfr RESULT.properties}, the worker's settings in the
 * environment.
 */
public final class DrainWorker {
  /** JFR's execution sampling interval; the JDK's "profile" settings use 10 ms. */
  static final Duration SAMPLE_PERIOD = Duration.ofMillis(2);
  /** How long the worker's CPU is measured once every record is handled, the stream read on (empty polls). */
  static final Duration IDLE = Duration.ofSeconds(5);
  static final String COLD = "cold";
  static final String HOT = "hot";
  private static final Duration MAX_WAIT = Duration.ofMinutes(4);
  /** How often the handled count is read (a registry search: not free, so not too often). */
  private static final Duration POLL = Duration.ofMillis(50);

  private final Properties result = new Properties();

  private DrainWorker() {}

  public static void main(String[] args) throws Exception {
    int records = Integer.parseInt(args[0]);
    Path recordingFile = Path.of(args[1]);
    Path resultFile = Path.of(args[2]);
    DrainWorker drain = new DrainWorker();
    try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
      recording.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
      recording.enable("jdk.ThreadStart").withStackTrace();
      recording.start();
      Map<String, String> env = new HashMap<>(System.getenv());
      String application = env.get("SHOP_APPLICATION_NAME");
      env.put("SHOP_APPLICATION_NAME", application + "-cold");
      ShopStreamWorker cold = drain.pass(COLD, env, records / 2, records, false);
      cold.stop();
      env.put("SHOP_APPLICATION_NAME", application);
      drain.pass(HOT, env, 1, records, true);
      recording.stop();
      recording.dump(recordingFile);
      try (var out = Files.newBufferedWriter(resultFile)) {
        drain.result.store(out, "DrainWorker");
      }
    } catch (Throwable e) {
      e.printStackTrace();
      Runtime.getRuntime().halt(1);
    }
    Runtime.getRuntime().halt(0);
  }

  /** Starts a worker and measures it from {@code from} records handled to {@code to}; then idle, if asked. */
  private ShopStreamWorker pass(String name, Map<String, String> env, long from, long to, boolean idle)
      throws InterruptedException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HandlerCatalogue catalogue = HandlerCatalogue.standard().with(NoopHandler.NAME, NoopHandler::new);
    ShopStreamWorker worker = CompositionRoot.create(CompositionRoot.configuration(env, catalogue), catalogue,
        Clock.systemUTC(), registry).worker();
    worker.start();
    Instant deadline = Instant.now().plus(MAX_WAIT);
    awaitHandled(registry, from, deadline);
    ThreadCpu threadsFrom = ThreadCpu.snapshot();
    long cpuFrom = processCpuNanos();
    long handledFrom = handled(registry);
    Instant start = Instant.now();
    awaitHandled(registry, to, deadline);
    Instant end = Instant.now();
    long cpuTo = processCpuNanos();
    long handledTo = handled(registry);
    ThreadCpu threadsTo = ThreadCpu.snapshot();
    result.setProperty(name + ".from", start.toString());
    result.setProperty(name + ".to", end.toString());
    result.setProperty(name + ".cpuNanos", Long.toString(cpuTo - cpuFrom));
    result.setProperty(name + ".records", Long.toString(handledTo - handledFrom));
    threadsTo.since(threadsFrom, cpuTo - cpuFrom).forEach((kind, nanos) ->
        result.setProperty(name + ".cpuNanos." + kind, Long.toString(nanos)));
    if (idle) {
      ThreadCpu idleFrom = ThreadCpu.snapshot();
      long idleCpuFrom = processCpuNanos();
      Thread.sleep(IDLE.toMillis());
      result.setProperty("idle.nanos", Long.toString(IDLE.toNanos()));
      result.setProperty("idle.cpuNanos", Long.toString(processCpuNanos() - idleCpuFrom));
      ThreadCpu.snapshot().byThreadGroup(idleFrom).forEach((thread, nanos) -> {
        if (nanos > 0) {
          result.setProperty("idle.thread." + thread, Long.toString(nanos));
        }
      });
    }
    return worker;
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
