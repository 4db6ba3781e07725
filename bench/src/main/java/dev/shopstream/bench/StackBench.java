package dev.shopstream.bench;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.ForwardingEventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.DynamoIdempotencyStore;
import dev.shopstream.testkit.LatencyProxy;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import dev.shopstream.local.aws.ShopTableSetup;
import dev.shopstream.pipeline.kcl.EngineSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * (b)-(e), (g): the real worker (KCL 3 + the Streams adapter) on the local stack, each scenario a
 * fresh application (own lease tables) reading the same stream from TRIM_HORIZON, so every figure
 * of a run reads the same records. Rates count from the moment the worker holds the shard, so
 * KCL's start-up is left out.
 */
final class StackBench {
  private static final String NOOP = NoopHandler.NAME;
  private static final Duration MAX_SCENARIO = Duration.ofSeconds(90);
  static final int DEFAULT_WINDOW = Integer.parseInt(EngineSettings.MAX_IN_FLIGHT.defaultValue());
  private static final int STEADY_RATE = 200;
  private static final int STEADY_SECONDS = 15;

  private final Report report;
  private final LocalShopStack stack;
  private int scenarios;

  private StackBench(Report report, LocalShopStack stack) {
    this.report = report;
    this.stack = stack;
  }

  /** @return the no-op drain in records/s when part b ran, else 0 */
  static double run(Report report, Set<String> parts, int records, int heapMinutes, int rounds, int profileRounds,
      String baseline) throws Exception {
    double drain = 0;
    try (LocalShopStack stack = LocalShopStack.start(Path.of("bench", "target", "local-services"))) {
      ShopTableSetup.createIfMissing(stack.dynamo, LocalShopStack.TABLE);
      ShopTableSetup.createIdempotencyTableIfMissing(stack.dynamo, LocalShopStack.IDEMPOTENCY_TABLE);
      StackBench bench = new StackBench(report, stack);
      report.section("local stack: writing " + records + " orders of distinct users (BatchWriteItem, 4 threads)");
      double writes = bench.write(records, 0);
      report.line(String.format(Locale.ROOT, "write ceiling: %.0f items/s", writes));
      if (parts.contains("b") || parts.contains("c") || parts.contains("d")) {
        drain = bench.throughput(parts, records);
      }
      if (parts.contains("e")) {
        bench.live(records);
      }
      if (parts.contains("g")) {
        bench.heap(heapMinutes);
      }
      if (parts.contains("h")) {
        ScaleBench.run(report, stack, records, "analytics");
      }
      if (parts.contains("i")) {
        StartupBench.run(report, stack, rounds);
      }
      if (parts.contains("j")) {
        SesRateBench.run(report, stack, records);
      }
      if (parts.contains("l")) {
        ProfileBench.run(report, stack, records, baseline, profileRounds);
      }
    }
    return drain;
  }

  private double throughput(Set<String> parts, int records) throws Exception {
    report.section("(b)-(d) one shard, " + records + " records from TRIM_HORIZON, records/s from the first handled "
        + "record to the last");
    report.line(String.format(Locale.ROOT, "%-58s %8s %10s %12s", "scenario", "window", "records/s", "x baseline"));
    double drain = measure("(b) no-op drain (KCL + adapter + engine, no effects)", NOOP, DEFAULT_WINDOW,
        false, records, 0);
    double claims = claimCeiling();
    report.line(String.format(Locale.ROOT, "%-58s %8s %10.1f %12s",
        "    emulator ceiling: email claim + complete (2 writes)", "64 thr", claims, "-"));
    if (parts.contains("c")) {
      measure("(c) analytics (PublishBatch to SNS FIFO)", "analytics", DEFAULT_WINDOW, false, records, drain);
      measure("(c) email (claim, SES v2, complete) vs the claim ceiling", "email", DEFAULT_WINDOW, false,
          records, claims);
      measure("(c) email + waitlist + analytics", "email,waitlist,analytics", DEFAULT_WINDOW, false, records, claims);
    }
    if (parts.contains("d")) {
      measure("(d) analytics, 50 ms before SNS, window 1 (today)", "analytics", 1, true, Math.min(records, 300), drain);
      measure("(d) analytics, 50 ms before SNS", "analytics", DEFAULT_WINDOW, true, records, drain);
      measure("(d) email, 50 ms before SES, vs the claim ceiling", "email", DEFAULT_WINDOW, true, records, claims);
    }
    return drain;
  }

  /** @return records/s; printed with its ratio to {@code baseline} (0: none) */
  private double measure(String name, String handlers, int window, boolean slow, int records, double baseline)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<String, String> env = environment(handlers, window);
    List<LatencyProxy> proxies = new ArrayList<>();
    if (slow) {
      LatencyProxy ses = LatencyProxy.start(stack.ses.endpoint(), BenchMain.REMOTE_CALL);
      LatencyProxy sns = LatencyProxy.start(stack.fauxqs.endpoint(), BenchMain.REMOTE_CALL);
      proxies.add(ses);
      proxies.add(sns);
      env.put("SHOP_SES_ENDPOINT", ses.endpoint().toString());
      env.put("SHOP_SNS_ENDPOINT", sns.endpoint().toString());
    }
    try (ShopStreamWorker worker = start(env, registry, event -> { })) {
      awaitLease(worker);
      // The clock starts at the first handled record: the first GetRecords and each client's first
      // call (connection, schema loading) are start-up, not throughput.
      while (HandledRecords.in(registry) == 0) {
        Thread.sleep(5);
      }
      CpuUse cpu = CpuUse.start();
      long first = HandledRecords.in(registry);
      long start = System.nanoTime();
      long end = start + MAX_SCENARIO.toNanos();
      while (HandledRecords.in(registry) < records && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long done = HandledRecords.in(registry);
      double rate = (done - first) / seconds;
      report.line(String.format(Locale.ROOT, "%-58s %8d %10.1f %12s", name, window, rate,
          baseline <= 0 ? "(baseline)" : String.format(Locale.ROOT, "%.2f", rate / baseline))
          + (done < records ? "  (" + done + " of " + records + " in " + MAX_SCENARIO.toSeconds() + " s)" : ""));
      report.line("    " + cpu.perRecord(done - first));
      return rate;
    } finally {
      proxies.forEach(LatencyProxy::close);
    }
  }

  /**
   * (e) write -> effect latency, for the no-op consumer and the analytics pipeline (the path the
   * emulator does not bound), under a burst at the local write ceiling and under a steady rate the
   * local stream can be read at.
   */
  private void live(int records) throws Exception {
    report.section("(e) live: write -> effect latency (effect = handler call returned), worker started at LATEST");
    report.line(String.format(Locale.ROOT, "%-52s %-10s %9s %9s %8s", "load", "consumer", "p50 ms",
        "p99 ms", "effects"));
    int steady = STEADY_RATE * STEADY_SECONDS;
    for (boolean burst : new boolean[] {true, false}) {
      String load = burst ? records + " orders at the write ceiling (one burst)"
          : STEADY_RATE + " orders/s for " + STEADY_SECONDS + " s";
      long noopP99 = 0;
      for (String handlers : List.of(NOOP, "analytics")) {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> env = environment(handlers, DEFAULT_WINDOW);
        env.put("SHOP_INITIAL_POSITION", "LATEST");
        int expected = burst ? records : steady;
        // Prometheus's registry, as the worker runs: it keeps the histogram's buckets (the simple registry does not)
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ShopStreamWorker worker = start(env, registry,
            event -> latencies.add(Duration.between(event.metadata().occurredAt(), Instant.now()).toMillis()))) {
          awaitLease(worker);
          Thread.sleep(2000);
          int firstUser = 1_000_000 + scenarios * 100_000;
          if (burst) {
            write(records, firstUser);
          } else {
            for (int second = 0; second < STEADY_SECONDS; second++) {
              long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
              write(STEADY_RATE, firstUser + second * STEADY_RATE);
              Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
            }
          }
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (latencies.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long p99 = percentile(sorted, 0.99);
        if (handlers.equals(NOOP)) {
          noopP99 = p99;
        }
        long p50 = percentile(sorted, 0.50);
        // the worker's own shop.write.to.effect histogram, read as a dashboard's histogram_quantile reads it
        Timer histogram = registry.find("shop.write.to.effect").tag("handler", handlers).timer();
        double histogramP50 = HistogramQuantile.millis(histogram, 0.50);
        double histogramP99 = HistogramQuantile.millis(histogram, 0.99);
        report.line(String.format(Locale.ROOT, "%-52s %-10s %9d %9d %8d%s", load, handlers, p50, p99,
            sorted.size(), handlers.equals(NOOP) ? "" : String.format(Locale.ROOT, "   p99 x no-op: %.2f",
                p99 / (double) Math.max(1, noopP99))));
        report.line(String.format(Locale.ROOT, "%-52s %-10s %9.0f %9.0f %8d   histogram / measured: p50 %.2f, p99 %.2f",
            "  the worker's shop_write_to_effect histogram", handlers, histogramP50, histogramP99,
            histogram == null ? 0 : histogram.count(), histogramP50 / Math.max(1, p50),
            histogramP99 / Math.max(1, p99)));
      }
    }
  }

  /** Waits on the worker's first-shard event, not a poll of {@code isProcessing()}. */
  static void awaitLease(ShopStreamWorker worker) throws InterruptedException {
    if (!worker.awaitProcessing(Duration.ofSeconds(180))) {
      throw new IllegalStateException("the worker took no lease within 180 s (or KCL gave up: see its log)");
    }
  }

  /** (g) heap after minutes of steady load through the whole pipeline. */
  private void heap(int minutes) throws Exception {
    report.section("(g) heap after " + minutes + " min of steady load (100 orders/s, email + waitlist + analytics)");
    Map<String, String> env = environment("email,waitlist,analytics", DEFAULT_WINDOW);
    env.put("SHOP_INITIAL_POSITION", "LATEST");
    try (ShopStreamWorker worker = start(env, new SimpleMeterRegistry(), event -> { })) {
      awaitLease(worker);
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
      int base = 5_000_000;
      while (System.nanoTime() < end) {
        write(100, base);
        base += 100;
        Thread.sleep(1000);
      }
      System.gc();
      Thread.sleep(500);
      System.gc();
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      report.line(String.format(Locale.ROOT, "heap used after GC: %d MB (worker, emulator clients and this harness in "
          + "one JVM; -Xmx1g)", used >> 20));
    }
  }

  /** Conditional writes per second the local DynamoDB takes for email claims, 64 threads, 5 s. */
  private double claimCeiling() throws InterruptedException {
    String table = "bench-claims-ceiling";
    ShopTableSetup.createIdempotencyTableIfMissing(stack.dynamo, table);
    DynamoIdempotencyStore store = new DynamoIdempotencyStore(stack.dynamo, table, Clock.systemUTC(),
        Duration.ofMinutes(2), Duration.ofHours(48));
    AtomicInteger orders = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(64);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long start = System.nanoTime();
    for (int t = 0; t < 64; t++) {
      threads.execute(() -> {
        while (System.nanoTime() < end) {
          String key = "order/" + orders.incrementAndGet();
          store.claim("email", key, key, key, "bench", null);
          store.complete("email", key, key, "ceiling");
        }
      });
    }
    threads.shutdown();
    threads.awaitTermination(1, TimeUnit.MINUTES);
    return orders.get() / ((System.nanoTime() - start) / 1e9);
  }

  private Map<String, String> environment(String handlers, int window) {
    scenarios++;
    return environment(stack, "bench-" + scenarios + "-" + System.currentTimeMillis(), handlers, window);
  }

  /** A worker's environment on the stack: its own application (lease tables) and claims table. */
  static Map<String, String> environment(LocalShopStack stack, String application, String handlers, int window) {
    Map<String, String> env = stack.workerEnvironment(application);
    env.put("SHOP_HANDLERS", handlers);
    env.put("SHOP_MAX_IN_FLIGHT", Integer.toString(window));
    env.put("SHOP_LOG_FORMAT", "text");
    String claims = "claims-" + application;
    ShopTableSetup.createIdempotencyTableIfMissing(stack.dynamo, claims);
    env.put("SHOP_IDEMPOTENCY_TABLE", claims);
    return env;
  }

  static ShopStreamWorker start(Map<String, String> env, MeterRegistry registry,
      Consumer<DomainEvent> effectDone) {
    HandlerCatalogue catalogue = HandlerCatalogue.standard()
        .with(NOOP, NoopHandler::new)
        .map(handler -> new TimedHandler(handler, effectDone));
    ShopStreamWorker worker = CompositionRoot.create(CompositionRoot.configuration(env, catalogue), catalogue,
        Clock.systemUTC(), registry).worker();
    worker.start();
    return worker;
  }

  /** Writes {@code count} orders of distinct users with 4 threads; @return items/s */
  private double write(int count, int firstUser) throws InterruptedException {
    return writeOrders(stack, count, firstUser);
  }

  /** Writes {@code count} orders of distinct users with 4 threads; @return items/s */
  static double writeOrders(LocalShopStack stack, int count, int firstUser) throws InterruptedException {
    ExecutorService writers = Executors.newFixedThreadPool(4);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    for (int t = 0; t < 4; t++) {
      writers.execute(() -> {
        for (int from; (from = next.getAndAdd(25)) < count; ) {
          List<WriteRequest> batch = new ArrayList<>();
          for (int i = from; i < Math.min(count, from + 25); i++) {
            String user = "u" + (firstUser + i);
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(ShopItems.order(user, "2026-11-27",
                "o-" + (firstUser + i), "PLACED", "EUR", user + "@example.com",
                List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))).build()).build());
          }
          Map<String, List<WriteRequest>> pending = Map.of(LocalShopStack.TABLE, batch);
          while (!pending.isEmpty()) {
            Map<String, List<WriteRequest>> left = pending;
            pending = stack.dynamo.batchWriteItem(r -> r.requestItems(left)).unprocessedItems();
          }
        }
      });
    }
    writers.shutdown();
    writers.awaitTermination(10, TimeUnit.MINUTES);
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }

  /** Tells when each handler call finished. */
  private static final class TimedHandler extends ForwardingEventHandler {
    private final Consumer<DomainEvent> done;

    TimedHandler(EventHandler inner, Consumer<DomainEvent> done) {
      super(inner);
      this.done = done;
    }

    @Override
    public HandlerResult handle(DomainEvent event) {
      HandlerResult result = super.handle(event);
      done.accept(event);
      return result;
    }
  }
}
