package dev.shopstream.demo;

import dev.shopstream.handlers.logging.LoggingHandler;
import dev.shopstream.local.DynamoDbLocal;
import dev.shopstream.pipeline.app.AwsClients;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.app.ShopStreamWorker;
import dev.shopstream.pipeline.app.ShopTableSetup;
import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.processing.RejectionSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The README's first command: DynamoDB Local on 127.0.0.1, the shop table with its stream, the
 * worker (KCL 3 + Streams adapter), a realistic workload, and what came out.
 */
public final class DemoMain {
  private static final String TABLE = "shop";

  private DemoMain() {}

  public static void main(String[] args) {
    int status;
    try {
      status = new DemoMain().run() ? 0 : 1;
    } catch (RuntimeException e) {
      System.out.println("demo failed: " + e);
      e.printStackTrace(System.out);
      status = 1;
    }
    // DynamoDB Local and KCL leave non-daemon threads behind; the demo must not hang on exit.
    System.exit(status);
  }

  private boolean run() {
    Clock clock = Clock.systemUTC();
    Path logs = Path.of(System.getProperty("demo.logs", "target/demo-logs"));
    say("1/5", "starting DynamoDB Local (in memory, 127.0.0.1 only; its log: " + logs + ")");
    try (DynamoDbLocal local = DynamoDbLocal.start(logs)) {
      say("", "listening on " + local.endpoint());
      var dynamo = local.client();
      ShopTableSetup.createIfMissing(dynamo, TABLE);
      say("2/5", "created table '" + TABLE + "': PK/SK, stream NEW_AND_OLD_IMAGES, TTL on expiresAt");

      Map<String, String> env = Map.of(
          "SHOP_TABLE", TABLE,
          "SHOP_APPLICATION_NAME", "shop-demo",
          "SHOP_DYNAMODB_ENDPOINT", local.endpoint().toString(),
          "SHOP_INITIAL_POSITION", "TRIM_HORIZON",
          "SHOP_POLL_IDLE_MILLIS", "100",
          "SHOP_KCL_LEASE_ASSIGNMENT_MILLIS", "1000",
          "SHOP_KCL_WORKER_METRICS", "false",
          "SHOP_WORKER_ID", "demo-worker");
      AtomicInteger events = new AtomicInteger();
      AtomicInteger rejected = new AtomicInteger();
      HandlerCatalogue handlers = HandlerCatalogue.standard().with(LoggingHandler.NAME, () -> new LoggingHandler(line -> {
        events.incrementAndGet();
        System.out.println("      event  " + line);
      }));
      RejectionSink rejections = rejection -> {
        rejected.incrementAndGet();
        System.out.println("      REJECT seq " + rejection.source().sequenceNumber() + ": " + rejection.reason()
            + " (kept whole for the dead-letter queue)");
      };
      WorkerConfig config = WorkerConfig.load(env, handlers.names(), "demo-worker");
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      Instant startedAt = Instant.now();
      try (ShopStreamWorker worker = ShopStreamWorker.create(config, AwsClients.create(config, env), handlers, rejections,
          metrics, clock)) {
        say("3/5", "starting the worker (KCL 3 via the DynamoDB Streams adapter; a fresh lease table takes KCL ~30 s)");
        worker.start();
        if (!waitFor(worker::isProcessing, Duration.ofSeconds(120))) {
          say("", "the worker did not take the shard's lease within 120 s");
          return false;
        }
        say("", "worker holds the shard lease after " + Duration.between(startedAt, Instant.now()).toSeconds() + " s");

        say("4/5", "running the workload; each event is printed as the logging handler receives it");
        new ShopWorkload(dynamo, TABLE, clock, text -> System.out.println("    - " + text)).run();
        boolean complete = waitFor(() -> events.get() >= ShopWorkload.EXPECTED_EVENTS
            && rejected.get() >= ShopWorkload.EXPECTED_REJECTIONS, Duration.ofSeconds(60));
        waitFor(() -> false, Duration.ofMillis(500)); // let the last checkpoint land
        summarize(metrics, dynamo.scan(r -> r.tableName("shop-demo")).items());
        if (!complete) {
          say("", "expected " + ShopWorkload.EXPECTED_EVENTS + " events and " + ShopWorkload.EXPECTED_REJECTIONS
              + " rejection, saw " + events.get() + " and " + rejected.get());
          return false;
        }
        say("5/5", "stopping the worker gracefully (checkpoint, release lease)");
      }
      dynamo.close();
    }
    say("", "done: everything stopped cleanly");
    return true;
  }

  private static void summarize(SimpleMeterRegistry metrics, java.util.List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> leases) {
    Map<String, Long> byType = new TreeMap<>();
    metrics.find("shop.events").counters().forEach(c -> byType.put(c.getId().getTag("type"), (long) c.count()));
    Map<String, Long> byOutcome = new TreeMap<>();
    metrics.find("shop.stream.records").counters().forEach(c -> byOutcome.put(c.getId().getTag("outcome"), (long) c.count()));
    System.out.println();
    System.out.println("    stream records by outcome: " + byOutcome);
    System.out.println("    events by type:");
    byType.forEach((type, count) -> System.out.printf("      %-24s %d%n", type, count));
    leases.forEach(lease -> System.out.println("    lease " + lease.get("leaseKey").s() + " owner "
        + (lease.containsKey("leaseOwner") ? lease.get("leaseOwner").s() : "-") + " checkpoint "
        + (lease.containsKey("checkpoint") ? lease.get("checkpoint").s() : "-")));
    System.out.println();
  }

  private static boolean waitFor(BooleanSupplier condition, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }

  private static void say(String step, String text) {
    System.out.println(step.isEmpty() ? "      " + text : "[" + step + "] " + text);
  }
}
