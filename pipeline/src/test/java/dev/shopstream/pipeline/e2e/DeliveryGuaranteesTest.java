package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.SentEmail;
import dev.shopstream.local.aws.SesLocal;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterCodec;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.testing.RecordingHandler;
import dev.shopstream.pipeline.testing.ShopWorkerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Poison records and dependency outages, on the real worker and the emulators: a record one handler
 * can never handle is dead-lettered whole while the records after it flow, and comes back through
 * redrive after a fix; an SES outage of a minute holds the shard and nothing is lost or sent twice.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryGuaranteesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicBoolean poisonFixed = new AtomicBoolean();
  private static final RecordingHandler recorder = new RecordingHandler("recorder")
      .failPermanentlyWhen(e -> !poisonFixed.get() && e instanceof OrderPlaced o && o.orderId().equals("o-poison"));

  @RegisterExtension
  static final ShopWorkerExtension shop = ShopWorkerExtension.worker("e2e-guarantees", recorder,
      "email,analytics,recorder")
      .with("SHOP_RETRY_INITIAL_MILLIS", "100")
      .with("SHOP_RETRY_MAX_MILLIS", "500");

  private static LocalShopStack stack() {
    return shop.stack();
  }

  private static void order(String orderId) {
    stack().dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.order("u-1", "2026-11-27",
        orderId, "PLACED", "EUR", "buyer-" + orderId + "@example.com",
        List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
  }

  private static List<String> ordersSeenBy(RecordingHandler handler) {
    return handler.handled().stream().filter(e -> e.type() == EventType.ORDER_PLACED)
        .map(e -> ((OrderPlaced) e).orderId()).toList();
  }

  @Test
  @Order(1)
  void aPoisonRecordIsDeadLetteredWholeWhileTheRestFlowsAndRedriveDeliversItAfterAFix() {
    order("o-1");
    order("o-poison");
    order("o-3");

    await().atMost(Duration.ofSeconds(120)).until(() -> ordersSeenBy(recorder).contains("o-3"));
    assertThat(ordersSeenBy(recorder)).containsExactly("o-1", "o-3");
    await().atMost(Duration.ofSeconds(10)).until(() -> stack().ses.sentEmails().size() == 3);

    DeadLetterCodec codec = new DeadLetterCodec(JSON);
    DeadLetterRedrive dlq = new DeadLetterRedrive(stack().sqs, stack().deadLetterQueueUrl, codec);
    List<DeadLetterRedrive.Entry> parked = dlq.list(10);
    assertThat(parked).singleElement().satisfies(entry -> {
      DeadLetter letter = entry.letter();
      assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY);
      assertThat(letter.handler()).isEqualTo("recorder");
      assertThat(letter.eventType()).isEqualTo("order-placed");
      assertThat(letter.errorMessage()).contains("injected permanent failure");
      assertThat(letter.source().table()).isEqualTo(LocalShopStack.TABLE);
      assertThat(letter.source().sequenceNumber()).isNotBlank();
      assertThat(letter.record().dynamodb().newImage().get("orderId").s()).isEqualTo("o-poison");
      assertThat(letter.record().dynamodb().keys()).containsKeys("PK", "SK");
      assertThat(letter.firstFailureAt()).isNotNull();
    });

    List<DeadLetterRedrive.Outcome> tooEarly = dlq.redrive(10, redriveProcessor()::redrive);
    assertThat(tooEarly).singleElement().satisfies(o -> assertThat(o.failure()).contains("injected permanent failure"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(dlq.list(10)).as("an entry that still fails stays in the queue").hasSize(1));

    poisonFixed.set(true);
    List<DeadLetterRedrive.Outcome> outcomes = dlq.redrive(10, redriveProcessor()::redrive);

    assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.failure()).isNull());
    assertThat(ordersSeenBy(recorder)).containsExactly("o-1", "o-3", "o-poison");
    assertThat(dlq.depth()).isZero();
    assertThat(stack().ses.sentEmails()).as("redrive did not mail o-poison's buyer again").hasSize(3);
  }

  @Test
  @Order(2)
  void anSesOutageOfAMinuteHoldsTheShardAndLosesNothingAndSendsNothingTwice() throws InterruptedException {
    List<SentEmail> before = stack().ses.sentEmails();
    int port = stack().ses.port();
    long stoppedAt = System.nanoTime();
    stack().ses.close();
    for (int i = 0; i < 10; i++) {
      order("o-outage-" + i);
    }
    // while SES is down the worker holds on the first order; nothing after it is handled
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> ordersSeenBy(recorder).stream().noneMatch(id -> id.startsWith("o-outage-1")));
    Thread.sleep(Math.max(0, Duration.ofSeconds(60).minusNanos(System.nanoTime() - stoppedAt).toMillis()));
    assertThat(ordersSeenBy(recorder)).as("nothing passed the held order during the outage")
        .noneMatch(id -> id.startsWith("o-outage-1"));

    try (SesLocal restarted = SesLocal.start(port, Path.of("target", "local-services"))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> restarted.sentEmails().size() >= 10);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
          .until(() -> restarted.sentEmails().size() == 10);
      List<SentEmail> all = new ArrayList<>(before);
      all.addAll(restarted.sentEmails());
      Map<String, Long> perRecipient = all.stream().collect(Collectors.groupingBy(e -> e.to().get(0),
          Collectors.counting()));
      assertThat(perRecipient).hasSize(13).allSatisfy((recipient, count) -> assertThat(count).as(recipient)
          .isEqualTo(1));
      assertThat(ordersSeenBy(recorder)).containsSubsequence("o-outage-0", "o-outage-9");
      assertThat(new DeadLetterRedrive(stack().sqs, stack().deadLetterQueueUrl, new DeadLetterCodec(JSON)).depth())
          .isZero();
    }
  }

  private static RecordProcessor redriveProcessor() {
    return LocalWorkers.root(shop.env(), recorder, new SimpleMeterRegistry()).recordProcessor();
  }

}
