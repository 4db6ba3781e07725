package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.local.LocalShopStack;
import dev.shopstream.local.SentEmail;
import dev.shopstream.local.ShopItems;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.pipeline.testing.WorkerProcess;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The worker as its own JVM, killed with SIGKILL three times during a workload of 1,020 writes
 * (900 orders, 10 products restocked twice with 80 waitlisted users), and each time replaced by a
 * worker with a new id, as ECS replaces a task.
 *
 * <p>At the end every event id is in the analytics queue exactly once, every order has its
 * confirmation and every waitlisted user their notification. The one window that cannot be closed
 * is a kill after SES or SNS accepted an effect and before its claim was completed: that effect is
 * repeated once the claim goes stale. The test requires any repeat to be such a case (a claim that
 * was taken over) and at most one per kill for emails (one record is in flight per shard).
 */
@org.junit.jupiter.api.Tag("process")
class CrashRecoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ORDERS = 900;
  private static final int PRODUCTS = 10;
  private static final int FIRST_WAITERS = 5;
  private static final int LATER_WAITERS = 3;
  /** absent->0 per product, 5+3 joins, 3 stock changes and 2 back-in-stock per product, one per order. */
  private static final int EXPECTED_EVENTS = PRODUCTS * (1 + FIRST_WAITERS + LATER_WAITERS + 3 + 2) + ORDERS;
  private static final int KILLS = 3;

  @Test
  void killedThreeTimesMidWorkloadNothingIsLostAndRepeatsOnlyComeFromTakenOverClaims() throws Exception {
    Path logs = Path.of("target", "crash-test");
    try (LocalShopStack stack = LocalWorkers.stack()) {
      Map<String, String> env = stack.workerEnvironment("crash-test");
      env.put("SHOP_IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", "3");
      env.put("SHOP_KCL_FAILOVER_MILLIS", "4000");
      env.put("SHOP_RETRY_INITIAL_MILLIS", "50");
      env.put("SHOP_RETRY_MAX_MILLIS", "500");
      // Every restart is a new worker id, as ECS starts a new task: it takes the dead worker's lease once
      // that has gone unrenewed for a lease duration (SHOP_KCL_ASSIGNMENT=WORKERS, the default; with KCL 3's
      // leader it would wait ~2 min for the dead leader's lock).
      env.put("SHOP_WORKER_ID", "crash-test-worker-0");

      AtomicInteger written = new AtomicInteger();
      Thread writer = new Thread(() -> writeWorkload(stack, written), "workload");
      List<Message> analytics = new ArrayList<>();
      WorkerProcess worker = WorkerProcess.start(env, logs.resolve("worker-0.log"));
      writer.start();
      for (int kill = 1; kill <= KILLS; kill++) {
        int progress = kill * EXPECTED_EVENTS / (KILLS + 1);
        analytics = stack.analyticsTap.awaitAtLeast(progress, Duration.ofSeconds(180));
        assertThat(analytics.size()).as("analytics progress before kill %d (log: %s)", kill, worker.log()).isGreaterThanOrEqualTo(progress);
        worker.kill();
        env.put("SHOP_WORKER_ID", "crash-test-worker-" + kill);
        worker = WorkerProcess.start(env, logs.resolve("worker-" + kill + ".log"));
      }
      writer.join(Duration.ofSeconds(60).toMillis());
      assertThat(written).hasValue(ORDERS + PRODUCTS * (1 + FIRST_WAITERS + 3 + LATER_WAITERS));
      analytics = stack.analyticsTap.awaitAtLeast(EXPECTED_EVENTS, Duration.ofSeconds(240));
      List<SentEmail> emails = stack.ses.awaitAtLeast(ORDERS, Duration.ofSeconds(60));
      List<Message> notifications = stack.waitlistTap.awaitAtLeast(PRODUCTS * (FIRST_WAITERS + LATER_WAITERS), Duration.ofSeconds(60));
      Thread.sleep(3000);
      analytics = stack.analyticsTap.drain();
      notifications = stack.waitlistTap.drain();
      emails = stack.ses.sentEmails();
      worker.close();

      Set<String> eventIds = new HashSet<>();
      for (Message message : analytics) {
        eventIds.add(JSON.readTree(message.body()).get("id").asText());
      }
      // analytics is at least once: every event id arrives; redeliveries inside SNS FIFO's 5-minute
      // deduplication window are dropped, consumers deduplicate the rest by id
      assertThat(eventIds).as("distinct event ids in the analytics queue").hasSize(EXPECTED_EVENTS);

      Map<String, Long> emailsPerOrder = emails.stream().collect(Collectors.groupingBy(e -> e.to().get(0), Collectors.counting()));
      assertThat(emailsPerOrder).as("every order confirmed").hasSize(ORDERS);
      Map<String, Long> repeatedEmails = repeats(emailsPerOrder);
      assertThat(repeatedEmails.size()).as("repeated emails %s", repeatedEmails).isLessThanOrEqualTo(KILLS);
      for (String recipient : repeatedEmails.keySet()) {
        String orderId = recipient.substring("buyer-".length(), recipient.indexOf('@'));
        String userId = "u-" + (Integer.parseInt(orderId.substring(1)) % 97);
        assertThat(takeovers(stack, "email#user/" + userId + "/order/" + orderId)).as("claim of repeated order %s", orderId)
            .isPositive();
      }

      Map<String, Long> perWaiter = new java.util.HashMap<>();
      for (Message message : notifications) {
        JsonNode body = JSON.readTree(message.body());
        perWaiter.merge(body.get("productId").asText() + "/" + body.get("userId").asText(), 1L, Long::sum);
      }
      assertThat(perWaiter).as("every waitlisted user notified").hasSize(PRODUCTS * (FIRST_WAITERS + LATER_WAITERS));
      assertThat(repeats(perWaiter).size()).as("repeated notifications %s", repeats(perWaiter))
          .isLessThanOrEqualTo(KILLS * 10);
      assertThat(stack.sqs.receiveMessage(r -> r.queueUrl(stack.deadLetterQueueUrl)).messages()).as("dead letters").isEmpty();
      System.out.printf("crash test: %d event ids in %d analytics messages, %d emails (%d repeated after takeovers), "
          + "%d notifications (%d repeated)%n", eventIds.size(), analytics.size(), emails.size(), repeatedEmails.size(),
          notifications.size(), repeats(perWaiter).size());
    }
  }

  private static Map<String, Long> repeats(Map<String, Long> counts) {
    return counts.entrySet().stream().filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static long takeovers(LocalShopStack stack, String id) {
    var item = stack.dynamo.getItem(r -> r.tableName(LocalShopStack.IDEMPOTENCY_TABLE)
        .key(Map.of("id", AttributeValue.fromS(id)))).item();
    return item == null || !item.containsKey("takeovers") ? 0 : Long.parseLong(item.get("takeovers").n());
  }


  /** 1,020 writes at about 150 per second, restock cycles interleaved with orders. */
  private static void writeWorkload(LocalShopStack stack, AtomicInteger written) {
    List<Runnable> writes = new ArrayList<>();
    for (int p = 0; p < PRODUCTS; p++) {
      String product = "p-" + p;
      writes.add(() -> put(stack, ShopItems.product(product, "Product " + product, new BigDecimal("10"), 0)));
      for (int w = 0; w < FIRST_WAITERS; w++) {
        String user = "w-" + p + "-" + w;
        writes.add(() -> put(stack, ShopItems.waitlistEntry(product, user, user + "@example.com")));
      }
    }
    List<Runnable> restocks = new ArrayList<>();
    for (int p = 0; p < PRODUCTS; p++) {
      String product = "p-" + p;
      restocks.add(() -> stock(stack, product, 5));
      restocks.add(() -> stock(stack, product, 0));
      for (int w = 0; w < LATER_WAITERS; w++) {
        String user = "late-" + p + "-" + w;
        String phone = "+44163290" + p + w;
        restocks.add(() -> put(stack, ShopItems.waitlistEntry(product, user, phone)));
      }
      restocks.add(() -> stock(stack, product, 7));
    }
    int every = ORDERS / restocks.size();
    int nextRestock = 0;
    for (int o = 0; o < ORDERS; o++) {
      int n = o;
      String orderId = "o" + n;
      writes.add(() -> put(stack, ShopItems.order("u-" + (n % 97), "2026-11-27", orderId, "PLACED", "EUR",
          "buyer-" + orderId + "@example.com", List.of(new ShopItems.Line("p-" + (n % PRODUCTS), "Thing", 1, new BigDecimal("10"))))));
      if ((o + 1) % every == 0 && nextRestock < restocks.size()) {
        writes.add(restocks.get(nextRestock++));
      }
    }
    while (nextRestock < restocks.size()) {
      writes.add(restocks.get(nextRestock++));
    }
    for (Runnable write : writes) {
      write.run();
      written.incrementAndGet();
      try {
        Thread.sleep(6);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void put(LocalShopStack stack, Map<String, AttributeValue> item) {
    stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(item));
  }

  private static void stock(LocalShopStack stack, String product, long stock) {
    stack.dynamo.updateItem(r -> r.tableName(LocalShopStack.TABLE).key(ShopItems.productKey(product))
        .updateExpression("SET stock = :s").expressionAttributeValues(Map.of(":s", AttributeValue.fromN(Long.toString(stock)))));
  }
}
