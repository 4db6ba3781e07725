package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.TableModel;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.testkit.Await;
import dev.shopstream.pipeline.testing.ClaimTakeovers;
import dev.shopstream.pipeline.testing.LeaseTable;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.testkit.SesWithSendEvents;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.testkit.WorkerProcess;
import dev.shopstream.testkit.topology.StreamTopologyProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The churn test, counted from outside: what the lease fencing is for. Real worker processes (real KCL,
 * {@code SHOP_KCL_ASSIGNMENT=WORKERS}, so a new worker steals leases from busy ones while their holders still
 * run) on one stream shown as 8 shards by {@link StreamTopologyProxy}, under a steady order writer and rounds of
 * waitlist joins and restocks (2,000 waiters), through deploy cycles (a worker with a new id starts and steals
 * leases, then the oldest worker gets SIGTERM and must exit within the template's stop timeout), kill -9s of
 * the busiest worker (replaced by a new id), and an SES outage in the middle (every call answered 503, then a
 * spell of answers later than the client's timeout while SES accepts the mail) with reconciliation on (SES send
 * events through {@link SesWithSendEvents} to the worker's queue).
 *
 * <p>Counted at the SES emulator's store, the waitlist topic's tap and the dead-letter queue, never in the
 * worker: every order has exactly one email, every waiter who joined before a restock of their product exactly
 * one notice, nobody who joined after the last restock any, and nothing is dead-lettered. Any duplicate or
 * missing item fails the test and names the key with the worker log lines about it. Printed: cycles done, the
 * counts, and per shard the longest stall seen from outside (the longest write-to-email delay of its orders,
 * with and without the orders the SES outage held, and the longest time its lease was held by no running
 * worker).
 */
@Tag("process")
class LeaseChurnTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP = "lease-churn";
  private static final int SHARDS = 8;
  private static final int WORKERS = 3;
  private static final int DEPLOYS = 10;
  private static final int KILLS = 3;
  private static final int PRODUCTS = 8;
  private static final int ROUNDS = 5;
  private static final int WAVE = 50;
  private static final int LATE = 5;
  private static final int USERS = 64;
  private static final Duration ORDER_EVERY = Duration.ofMillis(125);
  private static final Duration ROUND_EVERY = Duration.ofSeconds(30);
  /** A join and a restock of one product are this far apart: the screen compares them at whole seconds. */
  private static final Duration JOIN_GAP = Duration.ofMillis(1200);
  /** docker/shop-stream.yaml, the worker container's {@code StopTimeout}: ECS sends SIGKILL after it. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration OUTAGE_AFTER = Duration.ofSeconds(60);
  private static final Duration OUTAGE = Duration.ofSeconds(105); // with the late answers: the 2 minutes
  private static final Duration LATE_ANSWERS = Duration.ofSeconds(15);
  /** Cycles stop once the churn has run this long (the test's CI budget), whatever is left. */
  private static final Duration CHURN_BUDGET = Duration.ofMinutes(3);
  private static final Path LOGS = Path.of("target", "lease-churn");

  private final Map<String, WorkerProcess> live = new LinkedHashMap<>();
  private final List<String> figures = new ArrayList<>();
  private final List<String> failedStarts = new ArrayList<>();
  private int started;

  @Test
  void deploysKillsAndAnSesOutageNeitherLoseNorRepeatAnEmailOrNotice() throws Exception {
    long testStart = System.nanoTime();
    try (LocalShopStack stack = LocalWorkers.stack();
        StreamTopologyProxy proxy = StreamTopologyProxy.start(stack.moto.endpoint(), LocalShopStack.TABLE, SHARDS);
        SesWithSendEvents ses = SesWithSendEvents.start(stack.ses.endpoint(), stack.sns, sendEventsTopic(stack))) {
      Map<String, String> env = environment(stack, proxy, ses);
      LeaseTable leases = new LeaseTable(stack.dynamo, APP);
      List<String> shards = List.copyOf(proxy.shardIds());
      Orders orders = new Orders(stack, proxy);
      Restocks restocks = new Restocks(stack);
      restocks.seed();

      long t0 = System.nanoTime();
      for (int i = 0; i < WORKERS; i++) {
        start(env);
      }
      awaitThat("every shard held, by all " + WORKERS + " workers", Duration.ofSeconds(120), () -> {
        Map<String, Integer> held = LeaseTable.heldPerOwner(leases.leases(), shards);
        return held.keySet().containsAll(live.keySet()) && sum(held) == SHARDS;
      });
      figure("fresh lease table: %d workers hold all %d shards after %.1f s", WORKERS, SHARDS, seconds(t0));

      LeaseWatch watch = new LeaseWatch(leases, shards);
      SesOutage outage = new SesOutage(ses);
      List<Thread> load = List.of(new Thread(orders, "orders"), restocks,
          new Thread(outage, "ses-outage"), watch);
      load.forEach(Thread::start);
      int deploys = 0;
      int kills = 0;
      List<Double> stops = new ArrayList<>();
      long churnStart = System.nanoTime();
      try {
        for (int cycle = 1; cycle <= DEPLOYS + KILLS && System.nanoTime() - churnStart < CHURN_BUDGET.toNanos();
            cycle++) {
          if (cycle % 4 == 3) {
            killBusiest(leases, shards, watch);
            startHolding(env, leases, shards); // ECS replaces the dead task
            kills++;
          } else {
            startHolding(env, leases, shards);
            stops.add(terminateOldest(watch));
            deploys++;
          }
        }
        figure("churn: %d deploy cycles, %d kill -9 in %.1f s; SIGTERM to exit %s s", deploys, kills,
            seconds(churnStart), stops.stream().map(s -> String.format("%.1f", s)).toList());
        figure("workers that exited before holding a lease (replaced, as ECS would): %d %s", failedStarts.size(),
            failedStarts);
        restocks.join(); // its rounds are paced to end within the churn; wait if the machine was slow
      } finally {
        orders.stop();
        restocks.halt();
        for (Thread thread : load) {
          thread.interrupt();
          thread.join(10_000);
        }
      }
      figure("SES outage: 503 for %.0f s (%d calls refused), then answers after the client's timeout for %.0f s",
          outage.down.toMillis() / 1000.0, ses.refused(), LATE_ANSWERS.toSeconds() * 1.0);

      long drain = System.nanoTime();
      Map<String, Long> emailsPerOrder = awaitEmails(stack, orders.count());
      Map<String, Long> noticesPerWaiter = awaitNotices(stack, restocks.expectedNotices().size());
      figure("drained %d orders and %d notices %.1f s after the churn", orders.count(), noticesPerWaiter.size(),
          seconds(drain));

      stalls(orders, outage, watch, shards); // before the assertions: a failing run needs them most
      assertEmails(orders, emailsPerOrder);
      assertNotices(stack, restocks, noticesPerWaiter);
      List<Message> deadLetters = stack.sqs.receiveMessage(r -> r.queueUrl(stack.deadLetterQueueUrl)
          .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
      assertThat(deadLetters).as("dead letters").isEmpty();
      figure("%d orders: %d emails, 0 duplicate, 0 missing; %d waiters (%d joined after the last restock): %d "
          + "notices, 0 missing; 0 dead letters; SES accepted %d", orders.count(),
          total(emailsPerOrder), restocks.expectedNotices().size() + restocks.late.size(), restocks.late.size(),
          total(noticesPerWaiter), ses.accepted());
    } finally {
      live.values().forEach(WorkerProcess::close);
      figure("test took %.1f s", seconds(testStart));
      figures.forEach(f -> System.out.println("lease-churn: " + f));
    }
  }

  private static Map<String, String> environment(LocalShopStack stack, StreamTopologyProxy proxy,
      SesWithSendEvents ses) {
    Map<String, String> env = stack.workerEnvironment(APP);
    env.put("SHOP_DYNAMODB_ENDPOINT", proxy.endpoint().toString());
    env.put("SHOP_SES_ENDPOINT", ses.endpoint().toString());
    env.put("SHOP_SES_EVENTS_QUEUE_URL", stack.sqs.getQueueUrl(r -> r.queueName("ses-send-events")).queueUrl());
    env.put("SHOP_SES_EVENTS_SETTLE_SECONDS", "5");
    env.put("SHOP_KCL_ASSIGNMENT", "WORKERS"); // KCL 2.x-style taking: new workers steal from busy ones
    env.put("SHOP_KCL_FAILOVER_MILLIS", "3000");
    env.put("SHOP_IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", "5");
    env.put("SHOP_EFFECT_CALL_TIMEOUT_MILLIS", "2000"); // effect window 4 s, inside the 5 s claim timeout
    env.put("SHOP_EFFECT_START_GRACE_MILLIS", "2000");
    env.put("SHOP_RETRY_INITIAL_MILLIS", "50");
    env.put("SHOP_RETRY_MAX_MILLIS", "1000");
    return env;
  }

  /** SES send events: a topic the stand-in publishes to, and the worker's queue subscribed to it. */
  private static String sendEventsTopic(LocalShopStack stack) {
    String topic = stack.sns.createTopic(r -> r.name("ses-send-events")).topicArn();
    String queue = stack.sqs.createQueue(r -> r.queueName("ses-send-events")).queueUrl();
    String queueArn = stack.sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    stack.sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn));
    return topic;
  }

  private String start(Map<String, String> env) {
    String id = "churn-worker-" + (++started);
    Map<String, String> own = new HashMap<>(env);
    own.put("SHOP_WORKER_ID", id);
    live.put(id, WorkerProcess.start(own, LOGS.resolve(id + ".log")));
    return id;
  }

  /**
   * Starts a worker with a new id and waits until it holds a lease (taken from the others: KCL 2.x-style taking
   * steals). A process that exits first (its start-up checks failed, as during the SES outage) is replaced by
   * another with a new id, as ECS replaces a task that stopped; each is noted in {@link #failedStarts}.
   */
  private void startHolding(Map<String, String> env, LeaseTable leases, List<String> shards)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    String worker = start(env);
    while (LeaseTable.heldPerOwner(leases.leases(), shards).getOrDefault(worker, 0) == 0) {
      WorkerProcess process = live.get(worker);
      if (!process.isAlive()) {
        String log = process.log().strip();
        failedStarts.add(String.format("%s exit %d: %s", worker, process.exitValue(),
            log.substring(log.lastIndexOf('\n') + 1).strip()));
        live.remove(worker);
        Thread.sleep(2000);
        worker = start(env);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no new worker held a lease within 150 s; workers " + live.keySet()
            + ", failed starts " + failedStarts);
      }
      Thread.sleep(200);
    }
  }

  /** SIGTERM to the longest-running worker, as a rolling deploy stops it; returns seconds to its exit. */
  private double terminateOldest(LeaseWatch watch) throws InterruptedException {
    String oldest = live.keySet().iterator().next();
    watch.gone(oldest);
    Duration stop = live.remove(oldest).terminate(STOP_TIMEOUT);
    assertThat(stop).as("%s exits within the template's stop timeout of %s", oldest, STOP_TIMEOUT).isNotNull();
    return stop.toMillis() / 1000.0;
  }

  private void killBusiest(LeaseTable leases, List<String> shards, LeaseWatch watch) throws InterruptedException {
    String busiest = LeaseTable.heldPerOwner(leases.leases(), shards).entrySet().stream()
        .filter(e -> live.containsKey(e.getKey())).max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    watch.gone(busiest);
    live.remove(busiest).kill();
  }

  /** Recipient -> emails, once every order has one (or the bound passed), and a few seconds for late repeats. */
  private static Map<String, Long> awaitEmails(LocalShopStack stack, int orders) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (perRecipient(stack).size() < orders && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    Thread.sleep(3000);
    return perRecipient(stack);
  }

  private static Map<String, Long> perRecipient(LocalShopStack stack) {
    return stack.ses.sentEmails().stream().collect(Collectors.groupingBy(e -> e.to().get(0), Collectors.counting()));
  }

  /** "productId/userId" -> notices, once there are {@code expected} (or the bound passed), and a few seconds. */
  private static Map<String, Long> awaitNotices(LocalShopStack stack, int expected) throws InterruptedException {
    stack.waitlistTap.awaitAtLeast(expected, Duration.ofMinutes(2));
    Thread.sleep(3000);
    Map<String, Long> perWaiter = new TreeMap<>();
    for (Message notice : stack.waitlistTap.drain()) {
      JsonNode body = read(notice.body());
      perWaiter.merge(body.get("productId").asText() + "/" + body.get("userId").asText(), 1L, Long::sum);
    }
    return perWaiter;
  }

  private static void assertEmails(Orders orders, Map<String, Long> perRecipient) throws IOException {
    Map<String, Long> repeated = repeated(perRecipient);
    assertThat(repeated).as("orders emailed more than once; worker log lines:%n%s",
        evidence(repeated.keySet(), LeaseChurnTest::orderOf)).isEmpty();
    List<String> missing = orders.recipients().stream().filter(r -> !perRecipient.containsKey(r)).toList();
    assertThat(missing).as("orders never emailed; worker log lines:%n%s", evidence(missing, LeaseChurnTest::orderOf))
        .isEmpty();
    assertThat(perRecipient.keySet()).as("emails to nobody who ordered").isSubsetOf(orders.attempted());
  }

  /**
   * Notices: exactly one per waiter. A kill -9 between a PublishBatch and its claims' completion makes the
   * next holder publish again (a taken-over claim); the waitlist topic is FIFO and the repeat carries the
   * same deduplication id, so it must not arrive. Such repeats are counted in the figures.
   */
  private void assertNotices(LocalShopStack stack, Restocks restocks, Map<String, Long> perWaiter) throws IOException {
    Map<String, Long> repeated = repeated(perWaiter);
    assertThat(repeated).as("waiters notified more than once; worker log lines:%n%s",
        evidence(repeated.keySet(), LeaseChurnTest::userOf)).isEmpty();
    figure("waitlist claims taken over after a worker stopped mid-publish (published again, dropped by the "
        + "topic's deduplication): %d", ClaimTakeovers.of(stack, "waitlist#restock/", "/user/"));
    List<String> missing = restocks.expectedNotices().stream().filter(w -> !perWaiter.containsKey(w)).toList();
    assertThat(missing).as("waiters who joined before a restock but were never notified; worker log lines:%n%s",
        evidence(missing, LeaseChurnTest::userOf)).isEmpty();
    assertThat(perWaiter.keySet()).as("notices to waiters who joined after the last restock")
        .doesNotContainAnyElementsOf(restocks.late);
    assertThat(perWaiter.keySet()).as("notices to nobody waiting").isSubsetOf(restocks.expectedNotices());
  }

  /** How the worker's claim keys name an order ({@code email user/u-1/order/o7}): from its recipient. */
  private static String orderOf(String recipient) {
    return "/order/" + recipient.substring("buyer-".length(), recipient.indexOf('@'));
  }

  /** How the waitlist's claim keys name a waiter ({@code restock/<event>/user/<user>}). */
  private static String userOf(String waiter) {
    return "/user/" + waiter.substring(waiter.indexOf('/') + 1);
  }

  private static Map<String, Long> repeated(Map<String, Long> counts) {
    return counts.entrySet().stream().filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  /** The worker log lines naming each key (at most 10 keys, 12 lines each), for the engineer reading a failure. */
  private static String evidence(Collection<String> items, Function<String, String> key)
      throws IOException {
    if (items.isEmpty() || !Files.isDirectory(LOGS)) {
      return "";
    }
    List<Path> logs;
    try (Stream<Path> files = Files.list(LOGS)) {
      logs = files.sorted().toList();
    }
    StringBuilder out = new StringBuilder();
    for (String item : items.stream().limit(10).toList()) {
      String needle = key.apply(item);
      Pattern named = Pattern.compile(Pattern.quote(needle) + "(?![0-9])");
      out.append(item).append(" (").append(needle).append("):\n");
      for (Path log : logs) {
        try (Stream<String> lines = Files.lines(log)) {
          lines.filter(l -> named.matcher(l).find()).limit(12)
              .forEach(l -> out.append("  ").append(log.getFileName()).append(": ").append(l).append('\n'));
        }
      }
    }
    return out.toString();
  }

  /** Per shard: longest write-to-email delay (all orders; orders the SES outage did not hold) and time unowned. */
  private void stalls(Orders orders, SesOutage outage, LeaseWatch watch, List<String> shards) {
    Map<String, Long> sentAt = orders.emailedAtMillis();
    Map<String, Long> all = new TreeMap<>();
    Map<String, Long> outsideOutage = new TreeMap<>();
    for (Orders.Written order : orders.written.values()) {
      Long sent = sentAt.get(order.recipient());
      if (sent == null) {
        continue; // never emailed: the assertions name it
      }
      long delay = Math.max(0, sent - order.atMillis());
      all.merge(order.shard(), delay, Math::max);
      if (!outage.held(order.atMillis())) {
        outsideOutage.merge(order.shard(), delay, Math::max);
      }
    }
    figure("longest write-to-email delay per shard, s (SES's 1 s resolution): %s", inSeconds(shards, all));
    figure("  the same without orders written during the SES outage or 10 s before it: %s",
        inSeconds(shards, outsideOutage));
    figure("longest time a shard's lease was held by no running worker, s: %s", inSeconds(shards, watch.longest));
  }

  private static List<String> inSeconds(List<String> shards, Map<String, Long> millis) {
    return shards.stream().map(s -> String.format("%s=%.1f", shortId(s), millis.getOrDefault(s, 0L) / 1000.0)).toList();
  }

  private static String shortId(String shard) {
    return shard.substring(Math.max(0, shard.length() - 4));
  }

  private void figure(String format, Object... args) {
    String line = String.format(format, args);
    figures.add(line);
    System.out.println("lease-churn: " + line);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static int sum(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitThat(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    Await.polling().until(what, timeout, condition, () -> "workers " + live.keySet());
  }

  /** An order every {@link #ORDER_EVERY} from {@link #USERS} users until stopped; when and to which shard each went. */
  private static final class Orders implements Runnable {
    record Written(String recipient, String shard, long atMillis) {}

    private final LocalShopStack stack;
    private final StreamTopologyProxy proxy;
    private final Map<String, Written> written = new ConcurrentHashMap<>();
    /** Every order a write was started for: one cut short at the end (interrupted) may still be in the table. */
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);

    Orders(LocalShopStack stack, StreamTopologyProxy proxy) {
      this.stack = stack;
      this.proxy = proxy;
    }

    @Override
    public void run() {
      for (int i = 0; running.get(); i++) {
        String user = "u-" + (i % USERS);
        String orderId = "o" + i;
        String recipient = "buyer-" + orderId + "@example.com";
        attempted.add(recipient);
        stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.order(user, "2026-12-02", orderId,
            "PLACED", "EUR", recipient, List.of(new ShopItems.Line("p-" + (orderId.hashCode() & 7), "Thing", 1,
                new BigDecimal("10"))))));
        written.put(recipient, new Written(recipient, proxy.openShardFor(TableModel.USER_PREFIX + user),
            System.currentTimeMillis()));
        try {
          Thread.sleep(ORDER_EVERY.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    int count() {
      return written.size();
    }

    Set<String> recipients() {
      return written.keySet();
    }

    /** Recipients of every order whose write was started, confirmed or not. */
    Set<String> attempted() {
      return Set.copyOf(attempted);
    }

    /** Recipient -> when the SES emulator took its (first) email, from its store ({@code at}, epoch seconds). */
    Map<String, Long> emailedAtMillis() {
      try {
        HttpResponse<String> store = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(stack.ses.endpoint() + "/store")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Long> at = new HashMap<>();
        for (JsonNode email : read(store.body()).path("emails")) {
          at.merge(email.path("destination").path("to").get(0).asText(), email.path("at").asLong() * 1000, Math::min);
        }
        return at;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    void stop() {
      running.set(false);
    }
  }

  /**
   * {@link #ROUNDS} rounds, one every {@link #ROUND_EVERY}: each product sells out, {@link #WAVE} users join
   * its waitlist, and {@link #JOIN_GAP} later it is restocked (one back-in-stock each). After the last round
   * {@link #LATE} more users join each product's list: no restock follows, so they must never be told.
   */
  private static final class Restocks extends Thread {
    private final LocalShopStack stack;
    private final List<String> joinedBefore = new ArrayList<>();
    private final List<String> late = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    Restocks(LocalShopStack stack) {
      super("restocks");
      this.stack = stack;
    }

    void seed() {
      for (int p = 0; p < PRODUCTS; p++) {
        Map<String, AttributeValue> item = ShopItems.product(product(p), "Product " + p, new BigDecimal("10"), 0);
        stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(item));
      }
    }

    private static String product(int p) {
      return "p-" + p;
    }

    @Override
    public void run() {
      try {
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS && running.get(); round++) {
          for (int p = 0; p < PRODUCTS; p++) {
            stock(product(p), 0);
            join(product(p), "w-" + p + "-" + round + "-", WAVE, joinedBefore);
          }
          Thread.sleep(JOIN_GAP.toMillis());
          for (int p = 0; p < PRODUCTS; p++) {
            stock(product(p), 5);
          }
          long next = start + (round + 1) * ROUND_EVERY.toNanos();
          Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        }
        Thread.sleep(JOIN_GAP.toMillis());
        for (int p = 0; p < PRODUCTS; p++) {
          join(product(p), "late-" + p + "-", LATE, late);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void stock(String product, long stock) {
      stack.dynamo.updateItem(r -> r.tableName(LocalShopStack.TABLE).key(ShopItems.productKey(product))
          .updateExpression("SET stock = :s")
          .expressionAttributeValues(Map.of(":s", AttributeValue.fromN(Long.toString(stock)))));
    }

    /** Writes {@code count} waitlist entries (joinedAt now) in batches of 25; notes them as "product/user". */
    private void join(String product, String userPrefix, int count, List<String> into) {
      List<WriteRequest> batch = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String user = userPrefix + i;
        batch.add(WriteRequest.builder().putRequest(PutRequest.builder()
            .item(ShopItems.waitlistEntry(product, user, user + "@example.com")).build()).build());
        synchronized (this) {
          into.add(product + "/" + user);
        }
        if (batch.size() == 25 || i == count - 1) {
          writeAll(batch);
          batch = new ArrayList<>();
        }
      }
    }

    private void writeAll(List<WriteRequest> batch) {
      Map<String, List<WriteRequest>> pending = Map.of(LocalShopStack.TABLE, batch);
      while (!pending.isEmpty()) {
        Map<String, List<WriteRequest>> next = pending;
        pending = stack.dynamo.batchWriteItem(r -> r.requestItems(next)).unprocessedItems();
      }
    }

    synchronized Set<String> expectedNotices() {
      return Set.copyOf(joinedBefore);
    }

    void halt() {
      running.set(false);
    }
  }

  /**
   * {@link #OUTAGE_AFTER} into the churn SES goes down for {@link #OUTAGE} (503 to every call, nothing
   * accepted), then for {@link #LATE_ANSWERS} accepts every mail but answers after the worker's 2 s call
   * timeout (an unknown outcome SES did act on: only reconciliation tells it from the outage's), then is well.
   */
  private static final class SesOutage implements Runnable {
    private final SesWithSendEvents ses;
    private volatile long downAt = Long.MAX_VALUE;
    private volatile long upAt = Long.MAX_VALUE;
    private volatile Duration down = Duration.ZERO;

    SesOutage(SesWithSendEvents ses) {
      this.ses = ses;
    }

    @Override
    public void run() {
      try {
        Thread.sleep(OUTAGE_AFTER.toMillis());
        downAt = System.currentTimeMillis();
        ses.unavailable(true);
        Thread.sleep(OUTAGE.toMillis());
        ses.unavailable(false);
        down = Duration.ofMillis(System.currentTimeMillis() - downAt);
        ses.answerAfter(Duration.ofSeconds(3));
        Thread.sleep(LATE_ANSWERS.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        ses.unavailable(false);
        ses.answerAfter(Duration.ZERO);
        upAt = Math.min(upAt, System.currentTimeMillis());
      }
    }

    /** Whether an order written at {@code atMillis} may have been held by the outage (10 s before it on). */
    boolean held(long atMillis) {
      return atMillis >= downAt - 10_000 && atMillis <= upAt;
    }
  }

  /** Per shard, the longest time its lease was held by nobody or by a worker already signalled or killed. */
  private static final class LeaseWatch extends Thread {
    private final LeaseTable leases;
    private final List<String> shards;
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> unownedSince = new HashMap<>();
    private final Map<String, Long> longest = new ConcurrentHashMap<>();

    LeaseWatch(LeaseTable leases, List<String> shards) {
      super("lease-watch");
      this.leases = leases;
      this.shards = shards;
      setDaemon(true);
    }

    /** Called before a worker is signalled or killed: from then on its leases count as unowned. */
    void gone(String worker) {
      stopped.add(worker);
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        long now = System.currentTimeMillis();
        Map<String, LeaseTable.Lease> current = leases.leases();
        for (String shard : shards) {
          String owner = current.get(shard).owner();
          if (owner != null && !stopped.contains(owner)) {
            unownedSince.remove(shard);
          } else {
            longest.merge(shard, now - unownedSince.computeIfAbsent(shard, s -> now), Math::max);
          }
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
