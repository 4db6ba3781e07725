package dev.shopstream.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.contracts.OrderLine;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.Claim;
import dev.shopstream.handlers.idempotency.DynamoIdempotencyStore;
import dev.shopstream.handlers.idempotency.EffectWindow;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import dev.shopstream.handlers.idempotency.LeaseView;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.idempotency.Reconciliation;
import dev.shopstream.handlers.idempotency.ShardLease;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.testkit.ManualClock;
import dev.shopstream.local.aws.FauxqsLocal;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.MotoLocal;
import dev.shopstream.local.aws.SesLocal;
import dev.shopstream.testkit.SesWithSendEvents;
import dev.shopstream.local.aws.ShopTableSetup;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The confirmation email's failure windows against the real local services: claims in moto, mail
 * through the SES emulator behind a stand-in that can answer late and publishes SES send events to
 * fauxqs (SNS -> SQS), which the emulator itself cannot.
 */
@Tag("integration")
class EmailEffectOutcomesIntegrationTest {
  private static final Path LOGS = Path.of("target", "local-services");
  private static final String TABLE = "claims";
  private static final ShardLease LEASE = new ShardLease("shop-stream-worker/shardId-1", 5);
  private static final ShardLease NEWER = new ShardLease("shop-stream-worker/shardId-1", 6);
  /** A short effect window (a 2 s call timeout): a newer lease holder takes an older one's claim over after 3 s. */
  private static final EffectWindow WINDOW = new EffectWindow(Duration.ofSeconds(1), Duration.ofSeconds(2));
  private static final List<OrderLine> LINES = List.of(new OrderLine("mug", "Mug", 1, new BigDecimal("8.00")));
  private static MotoLocal moto;
  private static SesLocal ses;
  private static FauxqsLocal fauxqs;
  private static DynamoDbClient dynamo;
  private static SnsClient sns;
  private static SqsClient sqs;
  private static SesWithSendEvents standIn;
  private static SesV2Client client;
  private static String eventsQueue;
  private static int orders;

  @BeforeAll
  static void start() {
    moto = MotoLocal.start(LOGS);
    ses = SesLocal.start(LOGS);
    fauxqs = FauxqsLocal.start(LOGS);
    dynamo = moto.client();
    sns = LocalAws.sns(fauxqs.endpoint());
    sqs = LocalAws.sqs(fauxqs.endpoint());
    ShopTableSetup.createIdempotencyTableIfMissing(dynamo, TABLE);
    String topic = sns.createTopic(r -> r.name("ses-events")).topicArn();
    eventsQueue = sqs.createQueue(r -> r.queueName("ses-events")).queueUrl();
    String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(eventsQueue).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    // As SES's event destination delivers: SNS envelopes (no raw delivery).
    sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn));
    standIn = SesWithSendEvents.start(ses.endpoint(), sns, topic);
    // As the worker builds it: no SDK retries; a short attempt timeout for the test.
    client = SesV2Client.builder().endpointOverride(standIn.endpoint()).region(LocalAws.REGION)
        .credentialsProvider(LocalAws.CREDENTIALS)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallAttemptTimeout(Duration.ofMillis(700)).apiCallTimeout(Duration.ofMillis(700)))
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    standIn.close();
    sns.close();
    sqs.close();
    dynamo.close();
    fauxqs.close();
    ses.close();
    moto.close();
  }

  @BeforeEach
  void clear() {
    standIn.answerAfter(Duration.ZERO);
    ses.clear();
  }

  private static OrderPlaced nextOrder() {
    return Events.order("o-" + (++orders), "buyer" + orders + "@example.com", LINES, "EUR");
  }

  private static ConfirmationEmailHandler handler(OnceOnly once) {
    return new ConfirmationEmailHandler(new SesEmailSender(client),
        new ConfirmationEmailSettings("orders@shop.example", null, Locale.UK), once);
  }

  private static DynamoIdempotencyStore store(Clock clock, Duration claimTimeout) {
    return new DynamoIdempotencyStore(dynamo, TABLE, clock, claimTimeout, Duration.ofDays(7), WINDOW);
  }

  private static Map<String, AttributeValue> claimOf(OrderPlaced order) {
    return dynamo.getItem(r -> r.tableName(TABLE).consistentRead(true).key(Map.of("id",
        AttributeValue.fromS("email#" + ConfirmationEmailHandler.claimKey(order.userId(), order.orderId()))))).item();
  }

  @Test
  void aMailSesAcceptedButAnsweredAfterTheClientTimeoutKeepsItsClaimAndIsNotSentAgain() throws Exception {
    OrderPlaced order = nextOrder();
    ConfirmationEmailHandler handler = handler(new OnceOnly(store(Clock.systemUTC(), Duration.ofSeconds(120))));
    standIn.answerAfter(Duration.ofMillis(2000));

    assertThatThrownBy(() -> handler.handle(order)).isInstanceOfSatisfying(EffectFailure.class, f -> {
      assertThat(f.retryable()).isTrue();
      assertThat(f.isOutcomeUnknown()).as("a timeout after the request left").isTrue();
    });
    assertThat(ses.awaitAtLeast(1, Duration.ofSeconds(10))).as("SES accepted it all the same").hasSize(1);
    standIn.answerAfter(Duration.ZERO);

    assertThatThrownBy(() -> handler.handle(order)).isInstanceOfSatisfying(EffectFailure.class,
        f -> assertThat(f.getMessage()).contains("outcome is unknown"));
    assertThat(ses.sentEmails()).as("not sent a second time").hasSize(1);
    assertThat(claimOf(order)).containsEntry("status", AttributeValue.fromS("IN_PROGRESS"));
  }

  @Test
  void aCompletionThatFailsForFiveSecondsIsRetriedAsCompletionOnly() {
    OrderPlaced order = nextOrder();
    ManualClock clock = new ManualClock(Instant.now());
    Instant failingUntil = clock.instant().plusSeconds(5);
    DynamoIdempotencyStore real = store(clock, Duration.ofSeconds(3));
    IdempotencyStore failingCompletions = new IdempotencyStore() {
      @Override
      public Claim claim(String scope, String key, String eventId, String token, String owner, ShardLease lease) {
        return real.claim(scope, key, eventId, token, owner, lease);
      }

      @Override
      public boolean reattempt(String scope, String key, String token, ShardLease lease) {
        throw new IllegalStateException("killed");
      }

      @Override
      public boolean complete(String scope, String key, String token, String detail) {
        if (clock.instant().isBefore(failingUntil)) {
          throw EffectFailure.retryable("completing claim failed: DynamoDB unreachable",
              SdkClientException.create("Unable to execute HTTP request: Connection refused"));
        }
        return real.complete(scope, key, token, detail);
      }

      @Override
      public void release(String scope, String key, String token) {
        real.release(scope, key, token);
      }
    };
    ConfirmationEmailHandler handler = handler(new OnceOnly(failingCompletions, OnceOnly.newOwnerToken("w"),
        LeaseView.NONE, Reconciliation.NONE, clock));

    // The record engine's retry schedule, one attempt a second (its pauses are its own).
    HandlerResult result = null;
    int attempts = 0;
    while (result == null && attempts < 20) {
      attempts++;
      try {
        result = handler.handle(order);
      } catch (EffectFailure retryable) {
        assertThat(retryable.retryable()).isTrue();
        clock.advance(Duration.ofSeconds(1));
      }
    }
    assertThat(result).isInstanceOf(HandlerResult.Done.class);
    assertThat(attempts).as("attempts until the completion went through").isGreaterThanOrEqualTo(6);
    assertThat(ses.sentEmails()).as("sent once, though its claim went stale meanwhile").hasSize(1);
    assertThat(claimOf(order)).containsEntry("status", AttributeValue.fromS("COMPLETED"));
  }

  @Test
  void theNewHolderOfTheLeaseTakesOverAfterTheEffectWindowAndFindsTheMailInSesSendEvents() {
    OrderPlaced order = nextOrder();
    LeaseView holdsTheShard = source -> LEASE;
    LeaseView holdsItNow = source -> NEWER;
    // The first worker sent the mail, then died before completing its claim.
    DynamoIdempotencyStore real = store(Clock.systemUTC(), Duration.ofSeconds(120));
    IdempotencyStore diesBeforeCompleting = new IdempotencyStore() {
      @Override
      public Claim claim(String scope, String key, String eventId, String token, String owner, ShardLease lease) {
        return real.claim(scope, key, eventId, token, owner, lease);
      }

      @Override
      public boolean reattempt(String scope, String key, String token, ShardLease lease) {
        throw new IllegalStateException("killed");
      }

      @Override
      public boolean complete(String scope, String key, String token, String detail) {
        throw new IllegalStateException("killed");
      }

      @Override
      public void release(String scope, String key, String token) {
        throw new IllegalStateException("killed");
      }
    };
    assertThatThrownBy(() -> handler(new OnceOnly(diesBeforeCompleting, OnceOnly.newOwnerToken("first"), holdsTheShard,
        Reconciliation.NONE, Clock.systemUTC(), WINDOW)).handle(order)).hasMessageContaining("completion pending");
    assertThat(ses.sentEmails()).hasSize(1);

    HandlerResult result;
    try (SesSendEvents events = SesSendEvents.start(sqs, eventsQueue, dynamo, TABLE, Duration.ofSeconds(30),
        Duration.ofDays(7), Clock.systemUTC(), Duration.ofSeconds(1), Sleeper.REAL)) {
      ConfirmationEmailHandler restarted = handler(new OnceOnly(real, OnceOnly.newOwnerToken("second"), holdsItNow,
          events, Clock.systemUTC(), WINDOW));
      result = retryUntilHandled(() -> restarted.handle(order), Duration.ofSeconds(15));
    }

    assertThat(result).isInstanceOfSatisfying(HandlerResult.AlreadyDone.class,
        r -> assertThat(r.detail()).contains("accepted by SES as message " + ses.sentEmails().get(0).messageId()));
    assertThat(ses.sentEmails()).as("not sent again").hasSize(1);
    assertThat(claimOf(order)).containsEntry("status", AttributeValue.fromS("COMPLETED"))
        .containsEntry("takeovers", AttributeValue.fromN("1"));
  }

  @Test
  void withoutASendEventATakenOverMailIsSentOnceTheSettleTimeHasPassed() {
    OrderPlaced order = nextOrder();
    ManualClock clock = new ManualClock(Instant.now());
    DynamoIdempotencyStore real = store(clock, Duration.ofSeconds(120));
    // A worker claimed under the lease and died before sending anything.
    real.claim("email", ConfirmationEmailHandler.claimKey(order.userId(), order.orderId()), order.eventId(), "dead#1",
        "dead-worker/1", LEASE);
    try (SesSendEvents events = SesSendEvents.start(sqs, eventsQueue, dynamo, TABLE, Duration.ofSeconds(30),
        Duration.ofDays(7), clock, Duration.ofSeconds(1), Sleeper.REAL)) {
      // 30 s configured, plus 2 polls + 4 s of reader staleness and 1 s for the lookup itself.
      assertThat(events.settleTime()).isEqualTo(Duration.ofSeconds(37));
      ConfirmationEmailHandler restarted = handler(new OnceOnly(real, OnceOnly.newOwnerToken("second"), source -> NEWER,
          events, clock, WINDOW));

      awaitCaughtUp(events, clock);
      assertThatThrownBy(() -> restarted.handle(order)).as("the dead worker's effect window (3 s) is not over")
          .hasMessageContaining("another attempt");
      clock.advance(Duration.ofSeconds(10));
      awaitCaughtUp(events, clock);
      assertThatThrownBy(() -> restarted.handle(order)).hasMessageContaining("waiting for the provider's evidence");
      assertThat(ses.sentEmails()).isEmpty();
      clock.advance(Duration.ofSeconds(28));
      awaitCaughtUp(events, clock);

      assertThat(restarted.handle(order)).isInstanceOf(HandlerResult.Done.class);
      assertThat(ses.sentEmails()).hasSize(1);
    }
  }

  /** Until the reader has come back from an empty queue after the clock's present (a hand-moved clock). */
  private static void awaitCaughtUp(SesSendEvents events, Clock clock) {
    Instant now = clock.instant();
    Instant deadline = Instant.now().plusSeconds(10);
    while (events.progress().caughtUpAsOf() == null || events.progress().caughtUpAsOf().isBefore(now)) {
      assertThat(Instant.now()).as("the reader catches up within 10 s").isBefore(deadline);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static HandlerResult retryUntilHandled(Supplier<HandlerResult> attempt, Duration bound) {
    Instant deadline = Instant.now().plus(bound);
    while (true) {
      try {
        return attempt.get();
      } catch (EffectFailure retryable) {
        if (!retryable.retryable() || Instant.now().isAfter(deadline)) {
          throw retryable;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw retryable;
        }
      }
    }
  }
}
