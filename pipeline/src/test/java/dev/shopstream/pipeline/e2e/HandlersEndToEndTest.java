package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.analytics.ContractValidator;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.testing.RecordingHandler;
import dev.shopstream.pipeline.testing.ShopWorkerExtension;
import dev.shopstream.testkit.ShopItems;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Table write -> KCL worker -> the three real handlers -> the emulators, read back: the SES
 * emulator's store, SQS queues subscribed to the waitlist topic and the analytics FIFO topic.
 */
@Tag("e2e")
class HandlersEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final RecordingHandler recorder = new RecordingHandler("recorder");

  @RegisterExtension
  static final ShopWorkerExtension shop =
      ShopWorkerExtension.worker("e2e-handlers", recorder, "email,waitlist,analytics,recorder");

  private static LocalShopStack stack() {
    return shop.stack();
  }

  private static void put(Map<String, AttributeValue> item) {
    shop.dynamo().putItem(r -> r.tableName("shop").item(item));
  }

  @Test
  void aShopMorningReachesEmailWaitlistAndAnalytics() throws Exception {
    put(ShopItems.profile("ada", "ada@example.com", "Ada Lovelace"));
    put(ShopItems.product("lamp", "Desk lamp", new BigDecimal("39.90"), 0));
    put(ShopItems.waitlistEntry("lamp", "grace", "grace@example.com"));
    put(ShopItems.waitlistEntry("lamp", "alan", "+441632960001"));
    put(ShopItems.order("ada", "2026-11-27", "o-1", "PLACED", "EUR", "ada@example.com",
        List.of(new ShopItems.Line("mug", "Mug", 2, new BigDecimal("9.50")))));
    put(ShopItems.order("alan", "2026-11-27", "o-2", "PLACED", "EUR", "not an address",
        List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50")))));
    put(ShopItems.product("lamp", "Desk lamp", new BigDecimal("39.90"), 5));

    // user-registered, product-stock-changed (absent->0), 2 waitlist-joined, 2 order-placed,
    // product-stock-changed (0->5) + product-back-in-stock
    int expectedEvents = 8;
    await().atMost(Duration.ofSeconds(120)).until(() -> recorder.handled().size() >= expectedEvents);

    assertThat(stack().ses.sentEmails()).singleElement().satisfies(email -> {
      assertThat(email.to()).containsExactly("ada@example.com");
      assertThat(email.subject()).isEqualTo("Your order o-1 is confirmed");
      assertThat(email.html()).contains("€19.00");
    });

    List<Message> notifications = stack().waitlistTap.awaitAtLeast(2, Duration.ofSeconds(10));
    assertThat(notifications).extracting(m -> m.messageAttributes().get("userId").stringValue())
        .containsExactlyInAnyOrder("grace", "alan");
    assertThat(notifications).extracting(m -> m.messageAttributes().get("channel").stringValue())
        .containsExactlyInAnyOrder("email", "sms");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(shop.dynamo().getItem(r -> r.tableName("shop")
        .key(ShopItems.key("PRODUCT#lamp", "WAITLIST#grace"))).item()).containsKey("notifiedAt"));

    List<Message> analytics = stack().analyticsTap.awaitAtLeast(expectedEvents, Duration.ofSeconds(10));
    ContractValidator contract = new ContractValidator();
    assertThat(analytics).extracting(m -> JSON.readTree(m.body()).get("id").asText())
        .containsExactlyInAnyOrderElementsOf(recorder.handled().stream().map(DomainEvent::eventId).toList());
    for (Message message : analytics) {
      JsonNode envelope = JSON.readTree(message.body());
      EventType type = EventType.fromWireName(message.messageAttributes().get("type").stringValue()).orElseThrow();
      assertThat(contract.violations(type, envelope.get("data"))).isEmpty();
      assertThat(message.body()).doesNotContain("ada@example.com", "grace@example.com", "+441632960001",
          "Ada Lovelace");
    }

    // Marking the waitlist entries wrote to the table: those stream records yield nothing new.
    put(ShopItems.profile("zoe", "zoe@example.com", "Zoe"));
    await().atMost(Duration.ofSeconds(30)).until(() -> recorder.handled().size() >= expectedEvents + 1);
    assertThat(recorder.handled()).hasSize(expectedEvents + 1);
    assertThat(stack().waitlistTap.drain()).hasSize(2);
    assertThat(stack().ses.sentEmails()).hasSize(1);
    assertThat(stack().sqs.receiveMessage(r -> r.queueUrl(stack().deadLetterQueueUrl)).messages())
        .as("dead letters").isEmpty();
  }
}
