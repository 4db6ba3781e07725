package dev.shopstream.handlers.waitlist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.TableModel;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.local.FauxqsLocal;
import dev.shopstream.local.LocalAws;
import dev.shopstream.local.MotoLocal;
import dev.shopstream.local.TopicTap;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The waitlist handler on moto (query, mark) and fauxqs (PublishBatch to SNS, read from SQS). */
@org.junit.jupiter.api.Tag("integration")
class WaitlistIntegrationTest {
  private static final Path LOGS = Path.of("target", "local-services");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static MotoLocal moto;
  private static FauxqsLocal fauxqs;
  private static DynamoDbClient dynamo;
  private static SnsClient sns;
  private static SqsClient sqs;

  @BeforeAll
  static void start() {
    moto = MotoLocal.start(LOGS);
    fauxqs = FauxqsLocal.start(LOGS);
    dynamo = moto.client();
    sns = LocalAws.sns(fauxqs.endpoint());
    sqs = LocalAws.sqs(fauxqs.endpoint());
    dynamo.createTable(r -> r.tableName("shop").billingMode("PAY_PER_REQUEST")
        .attributeDefinitions(a -> a.attributeName("PK").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("SK").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("PK").keyType(KeyType.HASH), k -> k.attributeName("SK").keyType(KeyType.RANGE)));
  }

  @AfterAll
  static void stop() {
    sns.close();
    sqs.close();
    dynamo.close();
    fauxqs.close();
    moto.close();
  }

  private static void entry(String product, String user, String attribute, String contact, boolean notified) {
    Map<String, AttributeValue> item = new HashMap<>(Map.of(
        TableModel.PARTITION_KEY, AttributeValue.fromS("PRODUCT#" + product),
        TableModel.SORT_KEY, AttributeValue.fromS("WAITLIST#" + user),
        attribute, AttributeValue.fromS(contact)));
    if (notified) {
      item.put("notifiedAt", AttributeValue.fromS("2026-11-01T00:00:00Z"));
    }
    dynamo.putItem(r -> r.tableName("shop").item(item));
  }

  @Test
  void everyWaitingUserGetsOneFilterableNotificationAndIsMarked() throws Exception {
    String topic = sns.createTopic(r -> r.name("waitlist")).topicArn();
    TopicTap all = TopicTap.subscribe(sns, sqs, topic, "waitlist-all");
    TopicTap smsOnly = TopicTap.subscribe(sns, sqs, topic, "waitlist-sms");
    String smsSubscription = sns.listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions().stream()
        .filter(s -> s.endpoint().endsWith("waitlist-sms")).findFirst().orElseThrow().subscriptionArn();
    sns.setSubscriptionAttributes(r -> r.subscriptionArn(smsSubscription).attributeName("FilterPolicy")
        .attributeValue("{\"channel\":[\"sms\"]}"));
    for (int i = 0; i < 25; i++) {
      entry("lamp", "u-" + i, i % 5 == 0 ? "phone" : "email", i % 5 == 0 ? "+44163296" + i : "u" + i + "@example.com", false);
    }
    entry("lamp", "already", "email", "already@example.com", true);
    entry("vase", "other", "email", "other@example.com", false);
    StockWaitlistHandler handler = new StockWaitlistHandler(new DynamoWaitlistStore(dynamo, "shop", 4),
        new SnsWaitlistNotifier(sns, topic, JSON), new dev.shopstream.handlers.idempotency.OnceOnly(new dev.shopstream.handlers.testing.MemoryIdempotencyStore()),
        Clock.systemUTC());
    var restock = Events.restock("lamp", "Desk lamp");

    assertThat(handler.handle(restock)).isEqualTo(HandlerResult.done("notified 25 waitlisted user(s) of product lamp"));

    List<Message> messages = all.awaitAtLeast(25, Duration.ofSeconds(10));
    assertThat(messages).hasSize(25);
    assertThat(messages).extracting(m -> m.messageAttributes().get("userId").stringValue()).doesNotHaveDuplicates()
        .doesNotContain("already", "other");
    JsonNode first = JSON.readTree(messages.get(0).body());
    assertThat(first.get("productId").asText()).isEqualTo("lamp");
    assertThat(first.get("text").asText()).isEqualTo("Desk lamp is back in stock.");
    assertThat(first.get("contact").asText()).isNotBlank();
    assertThat(smsOnly.awaitAtLeast(5, Duration.ofSeconds(5))).hasSize(5)
        .allSatisfy(m -> assertThat(m.messageAttributes().get("channel").stringValue()).isEqualTo("sms"));

    var marked = dynamo.query(r -> r.tableName("shop").keyConditionExpression("PK = :pk")
        .filterExpression("notifiedFor = :event")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("PRODUCT#lamp"),
            ":event", AttributeValue.fromS(restock.eventId()))));
    assertThat(marked.count()).isEqualTo(25);

    assertThat(handler.handle(Events.restock("lamp", "Desk lamp"))).isInstanceOf(HandlerResult.NotApplicable.class);
    assertThat(all.drain()).hasSize(25);
  }
}
