package dev.shopstream.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
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
 * TRIM_HORIZON several times under JFR, each pass a new application (and worker) in the same JVM, each
 * measured from the end of its first GetRecords to its last record. The first pass starts cold, the JIT
 * compiling all along, as a new task does; the later passes (their figures summed) are the JVM warming
 * to its steady state. Then the last worker's CPU over {@link #IDLE} with nothing left to read. The recording starts
 * with the JVM, so JFR's own start-up is not measured. Writes each window, the process CPU spent in it (split into JIT
 * compilation, GC, JFR and the Java threads by {@link ThreadCpu}) and the records handled in it to a
 * properties file, the recording beside it, then halts (nothing to hand over).
 *
 * <p>Uses only the worker's public entry points, which the commit measured as the baseline has too:
 * the harness runs this class against that commit's build as well.
 *
 * <p>Usage: {@code DrainWorker RECORDS PASSES RECORDING.jfr RESULT.properties}, the worker's settings in
 * the environment.
 */
public final class DrainWorker {
  /** JFR's execution sampling interval; the JDK's "profile" settings use 10 ms. */
  static final Duration SAMPLE_PERIOD = Duration.ofMillis(2);
  /** How long the worker's CPU is measured once every record is handled, the stream read on (empty polls). */
  static final Duration IDLE = Duration.ofSeconds(5);
  static final String COLD = "cold";
  /** A pass is measured from the end of its first GetRecords: the new worker's start is left out. */
  private static final int FIRST_BATCH = 1000;
  static final String HOT = "hot";
  private static final Duration MAX_WAIT = Duration.ofMinutes(4);
  /** How often the handled count is read (a registry search: not free, so not too often). */
  private static final Duration POLL = Duration.ofMillis(50);

  private final Properties result = new Properties();

  private DrainWorker() {}

  public static void main(String[] args) throws Exception {
    int records = Integer.parseInt(args[0]);
    int passes = Integer.parseInt(args[1]);
    Path recordingFile = Path.of(args[2]);
    Path resultFile = Path.of(args[3]);
    DrainWorker drain = new DrainWorker();
    try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
      recording.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
      recording.enable("jdk.ThreadStart").withStackTrace();
      recording.start();
      Map<String, String> env = new HashMap<>(System.getenv());
      String application = env.get("SHOP_APPLICATION_NAME");
      for (int pass = 1; pass <= passes; pass++) {
        env.put("SHOP_APPLICATION_NAME", application + "-" + pass);
        boolean last = pass == passes;
        ShopStreamWorker worker = drain.pass(pass == 1 ? COLD : HOT, env, Math.min(FIRST_BATCH, records / 2),
            records, last);
        if (!last) {
          worker.stop();
        }
      }
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
    long handledFrom = HandledRecords.in(registry);
    long batchesFrom = PublishBatchCount.CALLS.get();
    long entriesFrom = PublishBatchCount.ENTRIES.get();
    Instant start = Instant.now();
    awaitHandled(registry, to, deadline);
    Instant end = Instant.now();
    long cpuTo = processCpuNanos();
    long handledTo = HandledRecords.in(registry);
    ThreadCpu threadsTo = ThreadCpu.snapshot();
    add(name + ".windows", start + "/" + end);
    add(name + ".cpuNanos", cpuTo - cpuFrom);
    add(name + ".records", handledTo - handledFrom);
    add(name + ".publishBatches", PublishBatchCount.CALLS.get() - batchesFrom);
    add(name + ".publishBatchEntries", PublishBatchCount.ENTRIES.get() - entriesFrom);
    threadsTo.since(threadsFrom, cpuTo - cpuFrom).forEach((kind, nanos) -> add(name + ".cpuNanos." + kind, nanos));
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

  /** Sums a figure over the passes of the same name. */
  private void add(String key, long value) {
    String before = result.getProperty(key);
    result.setProperty(key, Long.toString(value + (before == null ? 0 : Long.parseLong(before))));
  }

  /** Lists a window after those of the earlier passes of the same name. */
  private void add(String key, String window) {
    String before = result.getProperty(key);
    result.setProperty(key, before == null ? window : before + "," + window);
  }

  private static void awaitHandled(MeterRegistry registry, long count, Instant deadline) throws InterruptedException {
    while (HandledRecords.in(registry) < count) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("only " + HandledRecords.in(registry) + " of " + count
            + " records handled within " + MAX_WAIT.toMinutes() + " min");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
