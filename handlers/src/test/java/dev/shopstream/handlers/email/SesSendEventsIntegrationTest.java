package dev.shopstream.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.idempotency.ClaimTicket;
import dev.shopstream.handlers.idempotency.Reconciliation;
import dev.shopstream.local.aws.FauxqsLocal;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.MotoLocal;
import dev.shopstream.local.aws.ShopTableSetup;
import dev.shopstream.testkit.SesWithSendEvents;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SES send-events reader against the real local services: the queue in fauxqs (fed through an SNS
 * subscription, as SES's event destination delivers), the recorded events in moto. Each test has its
 * own queue (fauxqs cannot be reset).
 */
@Tag("integration")
class SesSendEventsIntegrationTest {
  private static final Path LOGS = Path.of("target", "local-services");
  private static final String TABLE = "claims";
  private static final Duration POLL = Duration.ofSeconds(1);
  private static MotoLocal moto;
  private static FauxqsLocal fauxqs;
  private static DynamoDbClient dynamo;
  private static SnsClient sns;
  private static SqsClient sqs;
  private static int queues;

  @BeforeAll
  static void start() {
    moto = MotoLocal.start(LOGS);
    fauxqs = FauxqsLocal.start(LOGS);
    dynamo = moto.client();
    sns = LocalAws.sns(fauxqs.endpoint());
    sqs = LocalAws.sqs(fauxqs.endpoint());
    ShopTableSetup.createIdempotencyTableIfMissing(dynamo, TABLE);
  }

  @AfterAll
  static void stop() {
    sns.close();
    sqs.close();
    dynamo.close();
    fauxqs.close();
    moto.close();
  }

  /** A new topic and queue wired as SES's event destination is: SNS envelopes, no raw delivery. */
  private record Wiring(String topicArn, String queueUrl) {}

  private static Wiring wire() {
    // ses-...-events: the IAM policy test maps such names onto the template's SES events queue.
    String name = "ses-" + (++queues) + "-events";
    String topic = sns.createTopic(r -> r.name(name)).topicArn();
    String queue = sqs.createQueue(r -> r.queueName(name)).queueUrl();
    String arn = sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(arn));
    return new Wiring(topic, queue);
  }

  private static SesSendEvents reader(String queueUrl) {
    return reader(queueUrl, POLL);
  }

  private static SesSendEvents reader(String queueUrl, Duration pollWait) {
    return SesSendEvents.start(sqs, queueUrl, dynamo, TABLE, Duration.ofSeconds(30), Duration.ofDays(7),
        Clock.systemUTC(), pollWait, Sleeper.REAL);
  }

  private static String tagOf(String key) {
    return ClaimTicket.tag("email", key);
  }

  /** Publishes one SES Send event per key, in order, ten to a PublishBatch. */
  private static void publishSendEvents(String topic, List<String> keys) {
    for (int from = 0; from < keys.size(); from += 10) {
      List<PublishBatchRequestEntry> entries = new ArrayList<>();
      for (String key : keys.subList(from, Math.min(from + 10, keys.size()))) {
        entries.add(PublishBatchRequestEntry.builder().id(Integer.toString(entries.size()))
            .message(SesWithSendEvents.sendEvent("msg-" + key,
                Map.of(ConfirmationEmailHandler.CLAIM_TAG, List.of(tagOf(key))))).build());
      }
      assertThat(sns.publishBatch(r -> r.topicArn(topic).publishBatchRequestEntries(entries)).failed()).isEmpty();
    }
  }

  private static long waiting(String queueUrl) {
    return Long.parseLong(sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
        .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBacklogOf500IsReadInTheBackgroundWhileLookupsAnswerAtOnceAndNeverSayNotSeenTooEarly() {
    Wiring wiring = wire();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      keys.add("user/u" + i + "/order/backlog-" + i);
    }
    publishSendEvents(wiring.topicArn(), keys);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (waiting(wiring.queueUrl()) < 500) {
      assertThat(System.nanoTime()).as("all 500 events delivered to the queue").isLessThan(deadline);
      pause(50);
    }
    String last = keys.get(keys.size() - 1);

    List<Long> lookups = new ArrayList<>();
    long longestLookup = 0;
    int notCaughtUp = 0;
    long started = System.nanoTime();
    // Polls of 5 s: a lookup that waited on the queue would take at least that long, far beyond moto's jitter.
    try (SesSendEvents events = reader(wiring.queueUrl(), Duration.ofSeconds(5))) {
      while (true) {
        long before = System.nanoTime();
        Reconciliation.Evidence evidence = null;
        try {
          evidence = events.lookup("email", last);
        } catch (EffectFailure f) {
          assertThat(f.retryable()).isTrue();
          assertThat(f.systemic()).isFalse();
          assertThat(f).hasMessageContaining("not caught up");
          notCaughtUp++;
        }
        longestLookup = Math.max(longestLookup, System.nanoTime() - before);
        lookups.add((System.nanoTime() - before) / 1_000_000);
        if (evidence instanceof Reconciliation.Accepted accepted) {
          assertThat(accepted.detail()).contains("accepted by SES as message msg-" + last);
          break;
        }
        if (evidence instanceof Reconciliation.NotSeen) {
          fail("answered 'not seen' while the event was still in the queue (after " + notCaughtUp + " lookups)");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the backlog read within 60 s")
            .isLessThan(Duration.ofSeconds(60));
        pause(20);
      }
      Duration caughtUp = Duration.ofNanos(System.nanoTime() - started);
      System.out.printf("500 events: the last one found after %d ms, %d lookups 'not caught up' before, longest lookup "
          + "%.1f ms%n", caughtUp.toMillis(), notCaughtUp, longestLookup / 1e6);
      System.out.println("lookup ms in order: " + lookups);
      assertThat(notCaughtUp).as("lookups during the backlog were answered, retryably").isPositive();
      // One GetItem each: moto answers in ~10 ms, with spikes up to ~0.7 s when other builds load the 2 cores.
      assertThat(Duration.ofNanos(longestLookup)).as("no lookup waits on the queue").isLessThan(Duration.ofSeconds(2));
      assertThat(lookups.stream().sorted().toList().get(lookups.size() / 2)).as("median lookup, ms").isLessThan(100L);

      // Drained: every event recorded, and a claim with no event is 'not seen' once the reader saw the queue empty.
      assertThat(events.lookup("email", keys.get(0))).isInstanceOf(Reconciliation.Accepted.class);
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!(lookupQuietly(events, "user/nobody/order/none") instanceof Reconciliation.NotSeen)) {
        assertThat(System.nanoTime()).as("'not seen' once caught up").isLessThan(until);
        pause(50);
      }
      assertThat(waiting(wiring.queueUrl())).isZero();
    }
  }

  private static Reconciliation.Evidence lookupQuietly(SesSendEvents events, String key) {
    try {
      return events.lookup("email", key);
    } catch (EffectFailure notYet) {
      return null;
    }
  }

  @Test
  void anEventInFlightAtAnotherReaderKeepsLookupsRetryableUntilItIsDeleted() {
    Wiring wiring = wire();
    publishSendEvents(wiring.topicArn(), List.of("user/u1/order/in-flight"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<Message> held = List.of();
    while (held.isEmpty()) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      // Another worker's reader has it, and has not recorded it yet.
      held = sqs.receiveMessage(r -> r.queueUrl(wiring.queueUrl()).visibilityTimeout(120).waitTimeSeconds(1))
          .messages();
    }
    Message message = held.get(0);

    try (SesSendEvents events = reader(wiring.queueUrl())) {
      pause(4 * POLL.toMillis());
      // Every poll of this reader came back empty: a reader trusting an empty receive would say 'caught up'.
      assertThat(events.progress().caughtUpAsOf()).as("not caught up while a message is in flight").isNull();
      assertThatThrownBy(() -> events.lookup("email", "user/u1/order/in-flight"))
          .isInstanceOfSatisfying(EffectFailure.class, f -> {
            assertThat(f.retryable()).isTrue();
            assertThat(f.systemic()).isFalse();
            assertThat(f).hasMessageContaining("not caught up").hasMessageContaining("last caught up never");
          });

      sqs.deleteMessage(r -> r.queueUrl(wiring.queueUrl()).receiptHandle(message.receiptHandle()));
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!(lookupQuietly(events, "user/u2/order/other") instanceof Reconciliation.NotSeen)) {
        assertThat(System.nanoTime()).as("caught up once the message is gone").isLessThan(until);
        pause(50);
      }
    }
  }

  @Test
  void aQueueThatDoesNotExistIsASystemicFailureLoggedOncePerOutageAndFailsThePreflight() {
    String missing = wire().queueUrl().replaceAll("[^/]+$", "no-such-ses-events");
    Logger log = (Logger) LoggerFactory.getLogger(SendEventsReader.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    Sleeper fast = pause -> {
      pauses.add(pause);
      failures.incrementAndGet();
      Thread.sleep(20);
    };
    try (SesSendEvents events = SesSendEvents.start(sqs, missing, dynamo, TABLE, Duration.ofSeconds(30),
        Duration.ofDays(7), Clock.systemUTC(), POLL, fast)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (failures.get() < 8) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        pause(20);
      }
      assertThatThrownBy(() -> events.lookup("email", "user/u1/order/o1"))
          .isInstanceOfSatisfying(EffectFailure.class, f -> {
            assertThat(f.systemic()).as("held and alarmed, not dead-lettered").isTrue();
            assertThat(f.retryable()).isTrue();
            assertThat(f).hasMessageContaining("no-such-ses-events");
          });
    } finally {
      log.detachAppender(lines);
    }
    assertThat(lines.list.stream().filter(e -> e.getLevel() == Level.WARN).toList())
        .as("one WARN for the outage, not one per poll").hasSize(1)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains("no-such-ses-events")
            .contains("check SHOP_SES_EVENTS_QUEUE_URL"));
    assertThat(pauses.subList(0, 7)).as("backing off, doubling to 30 s").containsExactly(Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16),
        Duration.ofSeconds(30), Duration.ofSeconds(30));

    assertThat(SesEventsQueueCheck.check(sqs, missing, "SHOP_SES_EVENTS_QUEUE_URL")).singleElement()
        .satisfies(line -> assertThat(line)
            .startsWith("SHOP_SES_EVENTS_QUEUE_URL: queue " + missing + " does not exist: ").doesNotContain("\n"));
    assertThat(SesEventsQueueCheck.check(sqs, wire().queueUrl(), "SHOP_SES_EVENTS_QUEUE_URL")).isEmpty();
  }

  @Test
  void closingStopsTheReaderThread() {
    Wiring wiring = wire();
    String name = "ses-send-events " + wiring.queueUrl().substring(wiring.queueUrl().lastIndexOf('/') + 1);
    SesSendEvents events = reader(wiring.queueUrl());
    assertThat(readerThreads(name)).isEqualTo(1);
    events.close();
    assertThat(readerThreads(name)).as("stopped within the close").isZero();
  }

  private static long readerThreads(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).count();
  }
}
