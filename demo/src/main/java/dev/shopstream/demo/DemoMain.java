package dev.shopstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.logging.LoggingHandler;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.SentEmail;
import dev.shopstream.local.aws.ShopTableSetup;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import dev.shopstream.pipeline.app.WorkerConfig;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.snapshot.ExportLocation;
import dev.shopstream.pipeline.snapshot.Snapshot;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.testkit.Await;
import dev.shopstream.testkit.MetricsSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The README's first command: moto, the SES emulator and fauxqs on 127.0.0.1, the shop
 * table with its stream, the worker (KCL 3 + Streams adapter) with all handlers, a realistic
 * workload, what came out, read back from the emulators (the dead-letter queue included), and the snapshot an
 * analytics warehouse starts from.
 */
public final class DemoMain {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXPORT_BUCKET = "shop-demo-exports";

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
    // KCL leaves non-daemon threads behind; the demo must not hang on exit.
    System.exit(status);
  }

  private boolean run() {
    Clock clock = Clock.systemUTC();
    Path logs = Path.of(System.getProperty("demo.logs", "target/demo-logs"));
    say("1/7", "starting moto (DynamoDB + Streams), the SES emulator and fauxqs (SNS/SQS), all on 127.0.0.1 "
        + "(logs: " + logs + ")");
    try (LocalShopStack stack = LocalShopStack.start(logs)) {
      ShopTableSetup.createIfMissing(stack.dynamo, LocalShopStack.TABLE);
      ShopTableSetup.createIdempotencyTableIfMissing(stack.dynamo, LocalShopStack.IDEMPOTENCY_TABLE);
      say("", "DynamoDB " + stack.moto.endpoint() + ", SES " + stack.ses.endpoint() + ", SNS/SQS "
          + stack.fauxqs.endpoint());
      say("2/7", "created table 'shop' (stream NEW_AND_OLD_IMAGES, TTL on expiresAt), the idempotency table, topics "
          + "shop-waitlist.fifo and shop-analytics.fifo with a queue subscribed to each, and the dead-letter queue");

      Map<String, String> env = stack.workerEnvironment("shop-demo");
      env.put("SHOP_HANDLERS", "logging,email,waitlist,analytics");
      env.put("SHOP_EMAIL_LOCALE", "en-IE");
      env.put("SHOP_WORKER_ID", "demo-worker");
      env.put("SHOP_POLL_IDLE_MILLIS", "100");
      AtomicInteger events = new AtomicInteger();
      AtomicInteger rejected = new AtomicInteger();
      CountDownLatch allEvents = new CountDownLatch(ShopWorkload.EXPECTED_EVENTS);
      CountDownLatch allRejections = new CountDownLatch(ShopWorkload.EXPECTED_REJECTIONS);
      HandlerCatalogue handlers = HandlerCatalogue.standard()
          .with(LoggingHandler.NAME, () -> new LoggingHandler(line -> {
            events.incrementAndGet();
            allEvents.countDown();
            System.out.println("      event  " + line);
          }));
      // the worker's own registry: the counters are read back as a scrape of /metrics shows them
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Instant startedAt = Instant.now();
      WorkerConfig config = CompositionRoot.configuration(env, handlers);
      try (CompositionRoot root = CompositionRoot.create(config, handlers, clock, metrics)
          .observingDeadLetters(letter -> {
            rejected.incrementAndGet();
            allRejections.countDown();
            System.out.println("      DLQ    seq " + letter.source().sequenceNumber() + " " + letter.kind() + ": "
                + letter.errorMessage());
          });
          ShopStreamWorker worker = root.worker()) {
        say("3/7", "starting the worker with handlers " + config.handlers()
            + " (KCL 3 via the DynamoDB Streams adapter)");
        worker.start();
        if (!worker.awaitProcessing(Duration.ofSeconds(120))) {
          say("", "the worker did not take the shard's lease within 120 s");
          return false;
        }
        say("", "worker holds the shard lease after " + Duration.between(startedAt, Instant.now()).toSeconds() + " s");

        say("4/7", "running the workload; each event is printed as the logging handler receives it");
        new ShopWorkload(stack.dynamo, LocalShopStack.TABLE, clock, text -> System.out.println("    - " + text)).run();
        boolean complete = awaitAll(Duration.ofSeconds(60), allEvents, allRejections);
        List<Message> analytics = stack.analyticsTap.awaitAtLeast(ShopWorkload.EXPECTED_EVENTS, Duration.ofSeconds(10));
        List<Message> notifications = stack.waitlistTap.awaitAtLeast(ShopWorkload.EXPECTED_NOTIFICATIONS,
            Duration.ofSeconds(10));
        // the last checkpoint lands: a shard reports its handled records as it checkpoints them
        if (!Await.every(Duration.ofMillis(50)).within(Duration.ofSeconds(5), () -> checkpointedAll(worker, metrics))) {
          say("", "the last checkpoint had not landed within 5 s: the lease below may show an earlier one");
        }

        say("5/7", "what came out, read back from the emulators");
        printEmails(stack.ses.sentEmails());
        printNotifications(notifications);
        printAnalytics(analytics);
        printCounters(MetricsSnapshot.parse(metrics.scrape()),
            stack.dynamo.scan(r -> r.tableName("shop-demo")).items());
        List<DeadLetterRedrive.Entry> parked = root.deadLetterRedrive().list(10);
        System.out.println("    dead-letter queue: " + parked.size()
            + " entry(ies), each with the whole stream record; 'shop-stream dlq redrive' re-runs them after a fix");
        if (!complete || analytics.size() != ShopWorkload.EXPECTED_EVENTS
            || notifications.size() != ShopWorkload.EXPECTED_NOTIFICATIONS) {
          say("", "expected " + ShopWorkload.EXPECTED_EVENTS + " events, " + ShopWorkload.EXPECTED_REJECTIONS
              + " rejection and " + ShopWorkload.EXPECTED_NOTIFICATIONS + " notifications; saw " + events.get() + ", "
              + rejected.get() + " and " + notifications.size());
          return false;
        }
        if (!snapshot(stack, root)) {
          return false;
        }
        say("7/7", "stopping the worker gracefully (checkpoint, release lease), then the local services");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      say("", "interrupted");
      return false;
    }
    say("", "done: everything stopped cleanly");
    return true;
  }

  /**
   * The initial load an analytics warehouse starts from: a point-in-time export of the table after the workload,
   * every item's state published to the analytics topic (shop-stream snapshot --bucket, here in process).
   */
  private static boolean snapshot(LocalShopStack stack, CompositionRoot root) {
    say("6/7", "shop-stream snapshot: a point-in-time export of table 'shop', each item's state (*-state) to the "
        + "analytics topic only");
    stack.dynamo.updateContinuousBackups(r -> r.tableName(LocalShopStack.TABLE)
        .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    try (S3Client s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), stack.moto.endpoint())) {
      s3.createBucket(r -> r.bucket(EXPORT_BUCKET));
    }
    PrintStream out = System.out;
    Snapshot snapshot = root.snapshot(false, out);
    ExportLocation export = root.tableExports().request(LocalShopStack.TABLE, EXPORT_BUCKET, "demo", null,
        Duration.ofMinutes(2), root.snapshotCheckpointName(), out);
    Snapshot.Summary summary = snapshot.run(export, root.snapshotCheckpoint(export),
        new Snapshot.Options(false, Duration.ofMinutes(2), 8, Snapshot.DEFAULT_CHUNK_LINES));
    say("", "states published: " + summary.states() + " (of " + summary.rows() + " exported items; "
        + summary.rejected() + " rejected, " + summary.unrecognized() + " of no known entity) as of "
        + export.exportTime() + ", in " + summary.took().toMillis() + " ms");
    summary.rejections().forEach(reason -> say("", "  rejected: " + reason));
    return summary.complete() && summary.states() > 0;
  }

  private static void printEmails(List<SentEmail> emails) {
    System.out.println("    confirmation emails (SES emulator store): " + emails.size());
    emails.forEach(email -> System.out.println("      to " + String.join(",", email.to()) + "  \""
        + email.subject() + "\"  " + firstLine(email.text(), "Total:")));
  }

  private static void printNotifications(List<Message> notifications) {
    System.out.println("    waitlist notifications (queue subscribed to shop-waitlist.fifo): " + notifications.size());
    for (Message message : notifications) {
      JsonNode body = read(message.body());
      System.out.println("      " + body.path("channel").asText() + " to user " + body.path("userId").asText() + ": "
          + body.path("text").asText());
    }
  }

  private static void printAnalytics(List<Message> analytics) {
    System.out.println("    analytics events (FIFO queue subscribed to shop-analytics.fifo): " + analytics.size());
    for (Message message : analytics) {
      JsonNode envelope = read(message.body());
      System.out.printf("      %-42s %-38s data %s%n", envelope.path("type").asText(),
          envelope.path("subject").asText(), abbreviate(envelope.path("data").toString()));
    }
  }

  private static void printCounters(MetricsSnapshot metrics, List<Map<String, AttributeValue>> leases) {
    System.out.println("    stream records by outcome: "
        + counts(metrics.sumBy("shop_stream_records_total", "outcome")));
    System.out.println("    handler calls by result:   "
        + counts(metrics.sumBy("shop_handler_results_total", "handler", "result")));
    leases.forEach(lease -> System.out.println("    lease " + lease.get("leaseKey").s() + " owner "
        + (lease.containsKey("leaseOwner") ? lease.get("leaseOwner").s() : "-") + " checkpoint "
        + (lease.containsKey("checkpoint") ? lease.get("checkpoint").s() : "-")));
  }

  private static String firstLine(String text, String prefix) {
    return text == null ? "" : text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 110 ? text : text.substring(0, 107) + "...";
  }

  private static Map<String, Long> counts(Map<String, Double> sums) {
    Map<String, Long> counts = new TreeMap<>();
    sums.forEach((key, sum) -> counts.put(key, Math.round(sum)));
    return counts;
  }

  /** @return true when every latch reached zero within {@code timeout} (one deadline for all) */
  private static boolean awaitAll(Duration timeout, CountDownLatch... latches) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    for (CountDownLatch latch : latches) {
      Duration left = Duration.between(Instant.now(), deadline);
      if (!latch.await(Math.max(0, left.toNanos()), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The last checkpoint landed: nothing is in flight, and the shards reported (which they do as they checkpoint)
   * every record the pipeline counted.
   */
  private static boolean checkpointedAll(ShopStreamWorker worker, PrometheusMeterRegistry metrics) {
    long counted = MetricsSnapshot.parse(metrics.scrape()).counter("shop_stream_records_total");
    List<ShardProgress.Snapshot> shards = worker.progress().snapshot();
    return shards.stream().noneMatch(ShardProgress.Snapshot::pending)
        && shards.stream().mapToLong(ShardProgress.Snapshot::records).sum() >= counted;
  }

  private static void say(String step, String text) {
    System.out.println(step.isEmpty() ? "      " + text : "[" + step + "] " + text);
  }
}
