package dev.shopstream.bench;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.ShopTableSetup;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.testkit.topology.StreamTopologyProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * (h) records/s and CPU per record with 1, 2, 4, 8 shards and 1, 2 workers: the table's stream seen
 * through {@link StreamTopologyProxy} as N shards; the workers (in this JVM, each its own KCL
 * scheduler and worker id) start with the proxy holding records back until the leases are shared
 * out, so the figure is the drain of the same records by the whole group, not KCL's start-up or
 * lease stealing. The proxy's own CPU (it serves GetRecords from memory) is measured by thread and
 * taken out of the worker's.
 */
final class ScaleBench {
  static final int[] SHARDS = {1, 2, 4, 8};
  static final int[] WORKERS = {1, 2};
  private static final String TABLE = "shop-scale-bench";

  private final Report report;
  private final LocalShopStack stack;
  private final int records;
  private int scenario;

  private ScaleBench(Report report, LocalShopStack stack, int records) {
    this.report = report;
    this.stack = stack;
    this.records = records;
  }

  static void run(Report report, LocalShopStack stack, int records, String handlers) throws Exception {
    new ScaleBench(report, stack, records).matrix(handlers);
  }

  private void matrix(String handlers) throws Exception {
    ShopTableSetup.createIfMissing(stack.dynamo, TABLE);
    write();
    report.section("(h) " + records + " orders of distinct users from TRIM_HORIZON, handlers " + handlers
        + ", N shards through the topology proxy, W workers (each its own KCL scheduler), records held back until the "
        + "leases are shared out");
    report.line(String.format(Locale.ROOT, "%6s %7s %10s %14s %22s %s", "shards", "workers", "records/s",
        "worker us/rec", "leases (per worker)", "other processes per record"));
    for (int shards : SHARDS) {
      for (int workers : WORKERS) {
        measure(shards, workers, handlers);
      }
    }
  }

  private void measure(int shards, int workers, String handlers) throws Exception {
    String app = "bench-scale-" + (++scenario) + "-" + System.currentTimeMillis();
    try (StreamTopologyProxy proxy = StreamTopologyProxy.start(stack.moto.endpoint(), TABLE, shards)) {
      proxy.holdRecords(true);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      List<ShopStreamWorker> group = new ArrayList<>();
      try {
        for (int w = 0; w < workers; w++) {
          Map<String, String> env = StackBench.environment(stack, app, handlers, StackBench.DEFAULT_WINDOW);
          env.put("SHOP_TABLE", TABLE);
          env.put("SHOP_DYNAMODB_ENDPOINT", proxy.endpoint().toString());
          group.add(StackBench.start(env, registry, event -> { }));
        }
        String spread = awaitSpread(app, shards, workers);
        // every worker that holds a lease has its shard consumers polling (empty answers) before records flow
        long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (group.stream().filter(ShopStreamWorker::isProcessing).count() < Math.min(shards, workers)
            && System.nanoTime() < ready) {
          Thread.sleep(50);
        }
        Thread.sleep(3000);
        // the proxy serves from its copy of moto's shard: the whole stream in it first, so moto's read rate is not
        // measured
        while (proxy.recordsRead() < records && System.nanoTime() < ready + TimeUnit.SECONDS.toNanos(60)) {
          Thread.sleep(50);
        }
        proxy.holdRecords(false);
        while (HandledRecords.in(registry) == 0) {
          Thread.sleep(5);
        }
        CpuUse cpu = CpuUse.start();
        Map<Long, Long> proxyCpuStart = proxyThreadCpu();
        long first = HandledRecords.in(registry);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(120);
        while (HandledRecords.in(registry) < records && System.nanoTime() < end) {
          Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long done = HandledRecords.in(registry) - first;
        CpuUse.Figures figures = cpu.figures();
        double proxyMicros = proxyCpuSince(proxyCpuStart) / 1e3 / Math.max(1, done);
        double workerMicros = figures.microsPerRecord("worker+harness", done) - proxyMicros;
        report.line(String.format(Locale.ROOT, "%6d %7d %10.1f %14.0f %22s proxy %.0f us, %s%s", shards, workers,
            done / seconds, workerMicros, spread, proxyMicros, figures.others(done),
            done + first < records ? "  (" + (done + first) + " of " + records + " in 120 s)" : ""));
      } finally {
        group.forEach(ShopStreamWorker::close);
      }
    }
  }

  /** Waits (at most 3 min) until every shard is leased and, with several workers, each holds its share. */
  private String awaitSpread(String app, int shards, int workers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    Map<String, Integer> held = Map.of();
    while (System.nanoTime() < deadline) {
      held = leasesPerOwner(app);
      int leased = held.values().stream().mapToInt(Integer::intValue).sum();
      int fairShare = (shards + workers - 1) / workers;
      if (leased == shards && held.size() == Math.min(shards, workers)
          && held.values().stream().allMatch(n -> n <= fairShare)) {
        return held.values().toString();
      }
      Thread.sleep(200);
    }
    return held.values() + " (not spread in 3 min)";
  }

  private Map<String, Integer> leasesPerOwner(String app) {
    Map<String, Integer> held = new HashMap<>();
    try {
      for (Map<String, AttributeValue> item : stack.dynamo.scanPaginator(r -> r.tableName(app)).items()) {
        AttributeValue owner = item.get("leaseOwner");
        if (owner != null) {
          held.merge(owner.s(), 1, Integer::sum);
        }
      }
    } catch (ResourceNotFoundException e) {
      // not created yet
    }
    return held;
  }

  /** CPU nanoseconds per live thread of the proxy (its server pool, its tail and its HTTP client). */
  private static Map<Long, Long> proxyThreadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && (info.getThreadName().startsWith("topology-")
          || info.getThreadName().startsWith("stream-tail") || info.getThreadName().startsWith("HttpClient"))) {
        cpu.put(info.getThreadId(), Math.max(0, threads.getThreadCpuTime(info.getThreadId())));
      }
    }
    return cpu;
  }

  /**
   * CPU the proxy's threads used since {@code start}, thread by thread (a thread that ended in between
   * is not counted: an underestimate, never a negative figure).
   */
  private static long proxyCpuSince(Map<Long, Long> start) {
    long total = 0;
    for (Map.Entry<Long, Long> now : proxyThreadCpu().entrySet()) {
      total += Math.max(0, now.getValue() - start.getOrDefault(now.getKey(), 0L));
    }
    return total;
  }

  private void write() throws InterruptedException {
    List<WriteRequest> batch = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      String user = "s" + i;
      batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(ShopItems.order(user, "2026-11-27",
          "o-" + i, "PLACED", "EUR", user + "@example.com",
          List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))).build()).build());
      if (batch.size() == 25 || i == records - 1) {
        Map<String, List<WriteRequest>> pending = Map.of(TABLE, List.copyOf(batch));
        while (!pending.isEmpty()) {
          Map<String, List<WriteRequest>> left = pending;
          pending = stack.dynamo.batchWriteItem(r -> r.requestItems(left)).unprocessedItems();
        }
        batch.clear();
      }
    }
  }
}
