package dev.shopstream.bench;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.ShopTableSetup;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.testkit.WorkerProcess;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * (i) start-up: from launching the worker's JVM ({@code Main run}, as ECS starts a task) to the first
 * analytics event delivered, while an order is written every 100 ms. Three starts (see {@link Start}):
 * a new application, a new task on leases released on SIGTERM, and a new task after a SIGKILL (the
 * failover a single task's crash costs). Each is measured with KCL's start-up as shipped and with
 * shop-stream's defaults, alternately in the same run; KCL's worker settings are the product defaults
 * (only worker metrics are off: no ECS metadata here).
 */
final class StartupBench {
  private final Report report;
  private final LocalShopStack stack;
  private int scenario;

  private StartupBench(Report report, LocalShopStack stack) {
    this.report = report;
    this.stack = stack;
  }

  static void run(Report report, LocalShopStack stack, int rounds) throws Exception {
    new StartupBench(report, stack).compare(rounds);
  }

  /** The two ways of starting that are compared. */
  enum Variant {
    KCL_AS_SHIPPED(Map.of("SHOP_KCL_EAGER_LEASE_SYNC", "false", "SHOP_KCL_DISPATCH_MILLIS", "1000")),
    SHOP_STREAM_DEFAULTS(Map.of());

    final Map<String, String> env;

    Variant(Map<String, String> env) {
      this.env = env;
    }
  }

  /**
   * The three starts of a round, in order, each on what the one before left: a new application; the
   * leases the first task released on SIGTERM; the leases of a task killed with SIGKILL, which a new
   * task (new worker id, as ECS starts one) takes once they expire.
   */
  enum Start {
    FRESH("fresh", false),
    RELEASED("released leases", true),
    AFTER_KILL("after kill -9", false);

    final String label;
    /** How this start's worker is stopped, setting up the next start. */
    final boolean killed;

    Start(String label, boolean killed) {
      this.label = label;
      this.killed = killed;
    }
  }

  /** What is timed: the worker's own log lines, then the first event delivered. */
  private static final List<String> MARKS = List.of(" starting on table ", "KCL worker state STARTED",
      " taken (lease epoch ");
  private static final String HEADER = String.format(Locale.ROOT, "%-22s %-16s %7s %7s %7s %7s   %s",
      "variant", "lease table", "worker", "KCL", "shard", "event", "event, every round");

  private void compare(int rounds) throws Exception {
    report.section("(i) start-up: seconds from launching the worker's JVM (the image's flags) to its log lines "
        + "'worker starting' (configuration, pre-flight, clients), 'KCL worker state STARTED', 'shard taken', and to "
        + "the first event delivered; an order written every 100 ms, product defaults (lease 5 s); medians of " + rounds
        + " rounds, the variants alternating");
    report.line(HEADER);
    Map<Variant, Map<Start, List<double[]>>> times = new EnumMap<>(Variant.class);
    for (int round = 0; round < rounds; round++) {
      for (Variant variant : Variant.values()) {
        scenario++;
        String table = "startup-" + scenario;
        String app = "bench-startup-" + scenario + "-" + System.currentTimeMillis();
        ShopTableSetup.createIfMissing(stack.dynamo, table);
        Map<String, String> env = environment(table, app, variant);
        try (Orders orders = new Orders(table)) {
          for (Start start : Start.values()) {
            times.computeIfAbsent(variant, v -> new EnumMap<>(Start.class))
                .computeIfAbsent(start, s -> new ArrayList<>())
                .add(startAndStop(env, app + "-" + start.ordinal(), start.killed));
          }
        }
      }
    }
    for (Variant variant : Variant.values()) {
      for (Start start : Start.values()) {
        report.line(row(variant, start.label, times.get(variant).get(start)));
      }
    }
  }

  /**
   * Starts a worker with id {@code workerId}, times its first event, then stops it: SIGKILL if
   * {@code kill}, else SIGTERM.
   *
   * @return seconds from launch to each of {@link #MARKS}, then to the first event
   */
  private double[] startAndStop(Map<String, String> env, String workerId, boolean kill) throws Exception {
    Map<String, String> own = new HashMap<>(env);
    own.put("SHOP_WORKER_ID", workerId);
    Path log = Path.of("bench", "target", "startup", workerId + ".log");
    int before = stack.analyticsTap.drain().size();
    LocalTime launched = LocalTime.now();
    long start = System.nanoTime();
    try (WorkerProcess worker = WorkerProcess.start(own, log, List.of("-XX:MaxRAMPercentage=75"))) {
      long deadline = start + TimeUnit.SECONDS.toNanos(120);
      while (stack.analyticsTap.awaitAtLeast(before + 1, Duration.ofMillis(100)).size() == before) {
        if (!worker.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("worker " + workerId + " delivered nothing (" + (worker.isAlive()
              ? "120 s" : "exit " + worker.exitValue()) + "); its log: " + log);
        }
      }
      double[] seconds = new double[MARKS.size() + 1];
      seconds[MARKS.size()] = (System.nanoTime() - start) / 1e9;
      if (kill) {
        worker.kill();
      } else if (worker.terminate(Duration.ofSeconds(40)) == null) {
        throw new IllegalStateException("worker " + workerId + " did not stop within 40 s of SIGTERM; its log: " + log);
      }
      List<String> lines = Files.readAllLines(log);
      for (int i = 0; i < MARKS.size(); i++) {
        String mark = MARKS.get(i);
        seconds[i] = lines.stream().filter(l -> l.contains(mark)).findFirst()
            .map(l -> Duration.between(launched, LocalTime.parse(l.substring(0, 12))).toMillis() / 1e3)
            .orElse(Double.NaN);
      }
      return seconds;
    }
  }

  private static String row(Variant variant, String table, List<double[]> runs) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s %-16s",
        variant.name().toLowerCase(Locale.ROOT), table));
    for (int i = 0; i <= MARKS.size(); i++) {
      int column = i;
      List<Double> sorted = runs.stream().map(r -> r[column]).sorted().toList();
      line.append(String.format(Locale.ROOT, " %7.1f", sorted.get(sorted.size() / 2)));
    }
    line.append("   ").append(String.join(", ", runs.stream()
        .map(r -> String.format(Locale.ROOT, "%.1f", r[MARKS.size()])).toList()));
    return line.toString();
  }

  private Map<String, String> environment(String table, String app, Variant variant) {
    Map<String, String> env = stack.workerEnvironment(app);
    env.put("SHOP_TABLE", table);
    env.put("SHOP_HANDLERS", "analytics");
    env.put("SHOP_INITIAL_POSITION", "LATEST");
    // the product's KCL and polling defaults, not the tests' fast local ones
    env.remove("SHOP_POLL_IDLE_MILLIS");
    env.remove("SHOP_KCL_FAILOVER_MILLIS");
    env.remove("SHOP_KCL_LEASE_ASSIGNMENT_MILLIS");
    env.putAll(variant.env);
    return env;
  }

  /** Writes an order every 100 ms to {@code table} until closed. */
  private final class Orders implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private final Thread thread;

    Orders(String table) {
      thread = new Thread(() -> {
        while (running.get()) {
          int n = written.incrementAndGet();
          String user = "startup-" + n;
          stack.dynamo.putItem(r -> r.tableName(table).item(ShopItems.order(user, "2026-12-01", "o-" + n,
              "PLACED", "EUR", user + "@example.com",
              List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "startup-orders");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
