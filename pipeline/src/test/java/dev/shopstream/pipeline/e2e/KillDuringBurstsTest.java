package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.SentEmail;
import dev.shopstream.testkit.SesWithSendEvents;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.testkit.WorkerProcess;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The confirmation email under twelve SIGKILLs of the worker, each in the middle of a burst of
 * orders, each time replaced by a new process with a new worker id (as ECS replaces a dead task; a
 * worker's default id is its host name plus a random suffix). Order ids repeat across users (each
 * user has an {@code o-0}..), as order ids only are unique under their user.
 *
 * <p>What must hold: every order confirmed, none twice, and after each restart the orders written
 * before the kill are all confirmed within 20 s of the new process's start (its KCL start-up
 * included): the new worker takes the dead one's lease once it has seen it unrenewed for the lease
 * duration (3 s here, as in {@code ScaleOutTest}: its taker runs every 6 s; the product's 5 s is timed by
 * {@code bin/bench --parts i}), the claims the killed process left are taken over at once by the
 * process that holds their shard's lease now (the claim timeout stays at its 120 s default), and a
 * takeover first asks SES's send events whether the mail was already accepted. SES's events come from a stand-in in
 * front of the SES emulator (the emulator publishes none) through SNS to the worker's queue.
 */
@Tag("process")
class KillDuringBurstsTest {
  private static final int KILLS = 10;
  private static final int BURST = 30;
  private static final int ORDERS_PER_USER = 25;
  private static final Duration MAX_STALL = Duration.ofSeconds(20);

  @Test
  void twelveKillsMidBurstNoConfirmationMissingOrDoubledAndNoLongStall() throws Exception {
    Path logs = Path.of("target", "kill-bursts");
    Instant testStart = Instant.now();
    try (LocalShopStack stack = LocalWorkers.stack()) {
      String topic = stack.sns.createTopic(r -> r.name("ses-send-events")).topicArn();
      String queue = stack.sqs.createQueue(r -> r.queueName("ses-send-events")).queueUrl();
      String queueArn =
          stack.sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
          .attributes().get(QueueAttributeName.QUEUE_ARN);
      stack.sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn));
      try (SesWithSendEvents ses = SesWithSendEvents.start(stack.ses.endpoint(), stack.sns, topic)) {
        Map<String, String> env = stack.workerEnvironment("kill-bursts");
        env.put("SHOP_HANDLERS", "email");
        env.put("SHOP_SES_ENDPOINT", ses.endpoint().toString());
        env.put("SHOP_SES_EVENTS_QUEUE_URL", queue);
        env.put("SHOP_SES_EVENTS_SETTLE_SECONDS", "5");
        // 'Not seen' is trusted after the settle time plus two polls + 5 s: 12 s here, inside MAX_STALL.
        env.put("SHOP_SES_EVENTS_POLL_SECONDS", "1");
        env.put("SHOP_RETRY_INITIAL_MILLIS", "100");
        env.put("SHOP_RETRY_MAX_MILLIS", "1000");
        env.put("SHOP_CHECKPOINT_INTERVAL_MILLIS", "500");
        env.put("SHOP_KCL_FAILOVER_MILLIS", "3000");
        // the killed worker's claims in flight are taken over once their effect window has passed: 4 s
        // with these (the stand-in answers in milliseconds), 40 s at the production defaults
        env.put("SHOP_EFFECT_CALL_TIMEOUT_MILLIS", "2000");
        env.put("SHOP_EFFECT_START_GRACE_MILLIS", "2000");

        int written = 0;
        List<Duration> stalls = new ArrayList<>();
        WorkerProcess worker = WorkerProcess.start(withWorkerId(env, 0), logs.resolve("worker-0.log"));
        for (int kill = 1; kill <= KILLS; kill++) {
          int before = written;
          written = writeBurst(stack, written);
          // Mid-burst: some of this burst's confirmations are out, others not yet.
          int midBurst = before + (kill % 4 == 0 ? 1 : BURST / 3);
          assertThat(awaitConfirmed(stack, midBurst, Duration.ofSeconds(90)))
              .as("confirmations before kill %d (log %s)", kill, logs.resolve("worker-" + (kill - 1) + ".log"))
              .isGreaterThanOrEqualTo(midBurst);
          worker.kill();
          Instant restart = Instant.now();
          worker = WorkerProcess.start(withWorkerId(env, kill), logs.resolve("worker-" + kill + ".log"));
          assertThat(awaitConfirmed(stack, written, Duration.ofSeconds(60)))
              .as("every order written before kill %d confirmed after the restart (log %s)", kill,
                  logs.resolve("worker-" + kill + ".log"))
              .isGreaterThanOrEqualTo(written);
          stalls.add(Duration.between(restart, Instant.now()));
        }
        Thread.sleep(2000);
        List<SentEmail> emails = stack.ses.sentEmails();
        worker.close();

        Map<String, Long> perOrder = emails.stream().collect(Collectors.groupingBy(e -> e.to().get(0),
            Collectors.counting()));
        Map<String, Long> repeated = perOrder.entrySet().stream().filter(e -> e.getValue() > 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(perOrder).as("every order confirmed").hasSize(written);
        assertThat(repeated).as("orders confirmed twice").isEmpty();
        Duration longest = stalls.stream().max(Duration::compareTo).orElseThrow();
        assertThat(longest).as("longest time from a restart to every earlier order confirmed, of %s", stalls)
            .isLessThanOrEqualTo(MAX_STALL);
        System.out.printf("kill during bursts: %d kills, %d orders, %d emails, 0 repeated; restart to all confirmed: "
            + "median %d ms, longest %d ms; SES calls accepted %d; test %d s%n", KILLS, written, emails.size(),
            stalls.stream().sorted().toList().get(stalls.size() / 2).toMillis(), longest.toMillis(), ses.accepted(),
            Duration.between(testStart, Instant.now()).toSeconds());
      }
    }
  }

  private static Map<String, String> withWorkerId(Map<String, String> env, int life) {
    Map<String, String> own = new HashMap<>(env);
    own.put("SHOP_WORKER_ID", "kill-bursts-task-" + life);
    return own;
  }

  /** Writes the next {@link #BURST} orders; order ids repeat across users. @return orders written in total */
  private static int writeBurst(LocalShopStack stack, int written) {
    for (int n = written; n < written + BURST; n++) {
      String user = "u-" + (n / ORDERS_PER_USER);
      String order = "o-" + (n % ORDERS_PER_USER);
      stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.order(user, "2026-11-27",
          order, "PLACED", "EUR", "buyer-" + user + "-" + order + "@example.com",
          List.of(new ShopItems.Line("p-1", "Thing", 1, new BigDecimal("10"))))));
    }
    return written + BURST;
  }

  /** Distinct recipients (one per user and order) once at least {@code count}, or what there is at the bound. */
  private static int awaitConfirmed(LocalShopStack stack, int count, Duration bound) throws InterruptedException {
    Instant deadline = Instant.now().plus(bound);
    int confirmed = distinct(stack);
    while (confirmed < count && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      confirmed = distinct(stack);
    }
    return confirmed;
  }

  private static int distinct(LocalShopStack stack) {
    return (int) stack.ses.sentEmails().stream().map(e -> e.to().get(0)).distinct().count();
  }
}
