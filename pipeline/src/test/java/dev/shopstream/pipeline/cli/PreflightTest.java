package dev.shopstream.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.Preflight;
import dev.shopstream.pipeline.testing.LocalWorkers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** What {@code run} checks before starting, against the real local stack. */
@Tag("integration")
class PreflightTest {
  private static LocalShopStack stack;

  @BeforeAll
  static void start() {
    stack = LocalWorkers.stack();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static Preflight.Report preflight(Map<String, String> env) {
    try (CompositionRoot root = LocalWorkers.root(env)) {
      return root.preflight();
    }
  }

  @Test
  void theLocalStackAsConfiguredPasses() {
    assertThat(preflight(stack.workerEnvironment("preflight")).problems()).isEmpty();
  }

  @Test
  void eachMissingOrWrongDependencyIsOneLineNamingItsSetting() {
    Map<String, String> env = stack.workerEnvironment("preflight");
    env.put("SHOP_TABLE", "no-such-table");
    env.put("SHOP_IDEMPOTENCY_TABLE", "no-such-claims");
    env.put("SHOP_DLQ_URL", stack.deadLetterQueueUrl.replaceAll("[^/]+$", "no-such-queue"));
    env.put("SHOP_WAITLIST_TOPIC_ARN", stack.waitlistTopic.replace(".fifo", "-gone.fifo"));
    env.put("SHOP_ANALYTICS_TOPIC_ARN", stack.analyticsTopic.replace(".fifo", "-gone.fifo"));
    env.put("SHOP_DLQ_OVERFLOW_BUCKET", "no-such-bucket");
    assertThat(preflight(env).problems()).hasSize(6)
        .anySatisfy(p ->
            assertThat(p).startsWith("DynamoDB (SHOP_TABLE=no-such-table): table 'no-such-table' does not exist"))
        .anySatisfy(p -> assertThat(p).startsWith("SHOP_IDEMPOTENCY_TABLE: table 'no-such-claims' does not exist"))
        .anySatisfy(p -> assertThat(p).startsWith("SHOP_DLQ_URL: queue ").contains("no-such-queue"))
        .anySatisfy(p -> assertThat(p).startsWith("SHOP_WAITLIST_TOPIC_ARN: cannot use topic "))
        .anySatisfy(p -> assertThat(p).startsWith("SHOP_ANALYTICS_TOPIC_ARN: cannot use topic "))
        .anySatisfy(p -> assertThat(p).startsWith("SHOP_DLQ_OVERFLOW_BUCKET: bucket 'no-such-bucket' does not exist"))
        .allSatisfy(p -> assertThat(p).doesNotContain("\n"));
  }

  @Test
  void aMissingSesSendEventsQueueIsOneActionableLine() {
    Map<String, String> env = stack.workerEnvironment("preflight");
    String missing = stack.deadLetterQueueUrl.replaceAll("[^/]+$", "no-such-ses-events");
    env.put("SHOP_SES_EVENTS_QUEUE_URL", missing);
    assertThat(preflight(env).problems()).containsExactly("SHOP_SES_EVENTS_QUEUE_URL: queue " + missing
        + " does not exist: set the URL of the queue subscribed to the SES configuration set's event topic ("
        + "docs/architecture.md, Reconciliation source), or leave it empty to run without");

    env.put("SHOP_SES_EVENTS_QUEUE_URL", stack.deadLetterQueueUrl);
    assertThat(preflight(env).problems()).as("an existing queue passes").isEmpty();
  }

  @Test
  void onlyWhatTheEnabledHandlersUseIsChecked() {
    Map<String, String> env = stack.workerEnvironment("preflight");
    env.put("SHOP_WAITLIST_TOPIC_ARN", stack.waitlistTopic.replace(".fifo", "-gone.fifo"));
    env.put("SHOP_IDEMPOTENCY_TABLE", "no-such-claims");
    env.put("SHOP_HANDLERS", "logging,analytics");
    assertThat(preflight(env).problems()).as("no handler claims effects, the waitlist is off").isEmpty();
  }

  @Test
  void runRefusesToStartWithOneLinePerProblemAndExitTwo() {
    Map<String, String> env = stack.workerEnvironment("preflight");
    env.put("SHOP_IDEMPOTENCY_TABLE", "no-such-claims");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.commandLine(new Main(env)).execute("run");
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
        "shop-stream cannot start: 1 dependency not usable",
        "  SHOP_IDEMPOTENCY_TABLE: table 'no-such-claims' does not exist: create it with a string key 'id' and TTL on "
            + "'expiresAt' (docs/architecture.md, Delivery guarantees); without it every email and notice would fail");
  }

  /**
   * The lease table of application "preflight-twin" has a lease owned by worker "twin" whose counter a
   * live holder keeps raising (every 300 ms here): a start under that id is refused in one line.
   */
  @Test
  void aWorkerIdThatAnotherRunningWorkerRenewsLeasesUnderIsRefused() throws Exception {
    String leaseTable = "preflight-twin";
    stack.dynamo.createTable(r -> r.tableName(leaseTable).billingMode("PAY_PER_REQUEST")
        .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH)));
    AtomicLong counter = new AtomicLong();
    Runnable renew = () -> stack.dynamo.putItem(r -> r.tableName(leaseTable).item(Map.of(
        "leaseKey", AttributeValue.fromS("shardId-1"), "leaseOwner", AttributeValue.fromS("twin"),
        "leaseCounter", AttributeValue.fromN(Long.toString(counter.incrementAndGet())))));
    renew.run();
    ScheduledExecutorService twin = Executors.newSingleThreadScheduledExecutor();
    try {
      twin.scheduleAtFixedRate(renew, 300, 300, TimeUnit.MILLISECONDS);
      Map<String, String> env = stack.workerEnvironment(leaseTable);
      env.put("SHOP_WORKER_ID", "twin");
      env.put("SHOP_KCL_FAILOVER_MILLIS", "1000");
      assertThat(preflight(env).problems()).singleElement().asString()
          .startsWith("SHOP_WORKER_ID=twin is in use: another running worker renewed 1 lease(s) under it");
      env.put("SHOP_WORKER_ID", "");
      assertThat(preflight(env).problems()).as("the default id, host name plus a random suffix").isEmpty();
    } finally {
      twin.shutdownNow();
    }
  }
}
