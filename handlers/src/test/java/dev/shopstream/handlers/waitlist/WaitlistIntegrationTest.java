package dev.shopstream.handlers.waitlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.contracts.TableModel;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.handlers.testing.MemoryIdempotencyStore;
import dev.shopstream.local.aws.FauxqsLocal;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.MotoLocal;
import dev.shopstream.local.aws.TopicTap;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The waitlist handler on moto (query, mark) and fauxqs (PublishBatch to SNS, read from SQS). */
@Tag("integration")
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
        .keySchema(k -> k.attributeName("PK").keyType(KeyType.HASH),
            k -> k.attributeName("SK").keyType(KeyType.RANGE)));
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
      entry("lamp", "u-" + i, i % 5 == 0 ? "phone" : "email", i % 5 == 0 ? "+44163296" + i : "u" + i + "@example.com",
          false);
    }
    entry("lamp", "already", "email", "already@example.com", true);
    entry("vase", "other", "email", "other@example.com", false);
    StockWaitlistHandler handler = new StockWaitlistHandler(new DynamoWaitlistStore(dynamo, "shop", 4),
        new SnsWaitlistNotifier(sns, topic, JSON), new OnceOnly(new MemoryIdempotencyStore()),
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

  private static void put(String product, String user, Map<String, AttributeValue> attributes) {
    Map<String, AttributeValue> item = new HashMap<>(attributes);
    item.put(TableModel.PARTITION_KEY, AttributeValue.fromS("PRODUCT#" + product));
    item.put(TableModel.SORT_KEY, AttributeValue.fromS("WAITLIST#" + user));
    dynamo.putItem(r -> r.tableName("shop").item(item));
  }

  private static Map<String, AttributeValue> email(String address, String joinedAt) {
    Map<String, AttributeValue> attributes = new HashMap<>(Map.of("email", AttributeValue.fromS(address)));
    if (joinedAt != null) {
      attributes.put(DynamoWaitlistStore.JOINED_AT, AttributeValue.fromS(joinedAt));
    }
    return attributes;
  }

  private static ProductBackInStock restockAt(String product, String at) {
    EventMetadata meta = Events.restock(product, "Desk lamp").metadata();
    return new ProductBackInStock(new EventMetadata(meta.eventId(), meta.entityKey(), Instant.parse(at), meta.source()),
        product, "Desk lamp", 0L, 5);
  }

  private static Set<String> markedFor(String product, String eventId) {
    return dynamo.query(r -> r.tableName("shop").keyConditionExpression("PK = :pk")
            .filterExpression("notifiedFor = :event")
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("PRODUCT#" + product),
                ":event", AttributeValue.fromS(eventId))))
        .items().stream().map(i -> i.get(TableModel.SORT_KEY).s()).collect(Collectors.toSet());
  }

  private static StockWaitlistHandler handler(String topic) {
    return new StockWaitlistHandler(new DynamoWaitlistStore(dynamo, "shop"), new SnsWaitlistNotifier(sns, topic, JSON),
        new OnceOnly(new MemoryIdempotencyStore()), Clock.systemUTC());
  }

  /**
   * fauxqs refuses a PublishBatch entry over 256 KiB with SenderFault=true ("Message too long"), as SNS
   * does: the entry alone is permanent and named, the others are sent and marked, and sending the
   * restock again (a redrive) sends only the refused one.
   */
  @Test
  void anEntrySnsRefusesAsTheSendersFaultIsPermanentAndNamedAndARedriveSendsOnlyIt() {
    String topic = sns.createTopic(r -> r.name("waitlist-sender-fault")).topicArn();
    TopicTap tap = TopicTap.subscribe(sns, sqs, topic, "waitlist-sender-fault");
    for (int i = 0; i < 4; i++) {
      put("globe", "u-" + i, email("u" + i + "@example.com", null));
    }
    put("globe", "huge", email("h".repeat(262_144) + "@example.com", null));
    StockWaitlistHandler handler = handler(topic);
    var restock = Events.restock("globe", "Globe");

    assertThatThrownBy(() -> handler.handle(restock))
        .isInstanceOfSatisfying(EffectFailure.class, f -> assertThat(f.retryable()).as("retryable").isFalse())
        .hasMessageContaining("user 'huge': InvalidParameter Message too long").hasMessageContaining("4 sent");
    assertThat(tap.awaitAtLeast(4, Duration.ofSeconds(10))).hasSize(4)
        .extracting(m -> m.messageAttributes().get("userId").stringValue()).doesNotContain("huge");
    assertThat(markedFor("globe", restock.eventId())).containsExactlyInAnyOrder("WAITLIST#u-0", "WAITLIST#u-1",
        "WAITLIST#u-2", "WAITLIST#u-3");

    assertThatThrownBy(() -> handler.handle(restock)).as("the redrive")
        .isInstanceOfSatisfying(EffectFailure.class, f -> assertThat(f.retryable()).isFalse())
        .hasMessageContaining("user 'huge'").hasMessageContaining("0 sent");
    assertThat(tap.drain()).as("nobody notified twice").hasSize(4);
  }

  /**
   * What moto stores and returns: joinedAt strings, an SK of exactly WAITLIST#, an empty email. Only
   * users who joined by the restock's second (or have no readable joinedAt) are notified; invalid items
   * are neither sent nor marked; a later restock reaches those who joined after the first.
   */
  @Test
  void aRestockNotifiesOnlyValidEntriesThatJoinedBeforeItAndTheNextReachesTheLaterJoiners() {
    String topic = sns.createTopic(r -> r.name("waitlist-join-time")).topicArn();
    TopicTap tap = TopicTap.subscribe(sns, sqs, topic, "waitlist-join-time");
    put("chair", "before", email("before@example.com", "2026-11-27T09:29:00Z"));
    put("chair", "same-second", email("same@example.com", "2026-11-27T09:30:00.800Z"));
    put("chair", "legacy", email("legacy@example.com", null));
    put("chair", "garbled", email("garbled@example.com", "last tuesday"));
    put("chair", "after", email("after@example.com", "2026-11-27T09:30:01Z"));
    put("chair", "", email("nokey@example.com", "2026-11-27T09:00:00Z"));
    put("chair", "empty", Map.of("email", AttributeValue.fromS(""), "phone", AttributeValue.fromS(" ")));
    StockWaitlistHandler handler = handler(topic);
    var first = restockAt("chair", "2026-11-27T09:30:00.250Z");

    assertThat(handler.handle(first)).isEqualTo(HandlerResult.done("notified 4 waitlisted user(s) of product chair; "
        + "skipped 2 invalid waitlist entry(ies), named in the WARN log; left 1 user(s) who joined after the restock "
        + "waiting"));
    assertThat(tap.awaitAtLeast(4, Duration.ofSeconds(10))).extracting(m -> m.messageAttributes().get("userId")
        .stringValue()).containsExactlyInAnyOrder("before", "same-second", "legacy", "garbled");
    assertThat(markedFor("chair", first.eventId())).containsExactlyInAnyOrder("WAITLIST#before",
        "WAITLIST#same-second", "WAITLIST#legacy", "WAITLIST#garbled");

    var second = restockAt("chair", "2026-11-28T08:00:00Z");
    assertThat(handler.handle(second)).isEqualTo(HandlerResult.done("notified 1 waitlisted user(s) of product chair; "
        + "skipped 2 invalid waitlist entry(ies), named in the WARN log"));
    assertThat(tap.awaitAtLeast(5, Duration.ofSeconds(10))).hasSize(5).last()
        .satisfies(m -> assertThat(m.messageAttributes().get("userId").stringValue()).isEqualTo("after"));
    assertThat(markedFor("chair", second.eventId())).containsExactly("WAITLIST#after");
  }

  /**
   * A worker that published and died before completing (here: the publish's answer is lost, so the claims
   * stay) leaves the notices to the next holder, which takes the stale claims over and publishes again.
   * On a FIFO topic the repeat carries the same deduplication id and SNS drops it; on a standard topic it
   * arrives, with the same {@code noticeId}, for the subscriber to drop.
   */
  @Test
  void aRepeatAfterATakeoverIsDroppedByAFifoTopicAndRecognisableOnAStandardOne() {
    String fifoTopic = sns.createTopic(r -> r.name("waitlist-takeover.fifo").attributes(Map.of("FifoTopic", "true")))
        .topicArn();
    String standardTopic = sns.createTopic(r -> r.name("waitlist-takeover")).topicArn();
    TopicTap fifoTap = TopicTap.subscribe(sns, sqs, fifoTopic, "waitlist-takeover-fifo");
    TopicTap standardTap = TopicTap.subscribe(sns, sqs, standardTopic, "waitlist-takeover-standard");
    for (int i = 0; i < 6; i++) {
      put("kettle", "u-" + i, email("u" + i + "@example.com", null));
    }
    for (String topic : List.of(fifoTopic, standardTopic)) {
      MemoryIdempotencyStore claims = new MemoryIdempotencyStore();
      var restock = Events.restock("kettle", "Kettle");
      SnsWaitlistNotifier real = new SnsWaitlistNotifier(sns, topic, JSON);
      WaitlistNotifier diesAfterPublishing = (name, entries, noticeIdOf) -> {
        real.publish(name, entries, noticeIdOf);
        throw EffectFailure.outcomeUnknown("the worker died after PublishBatch", null);
      };
      assertThatThrownBy(() -> new StockWaitlistHandler(new DynamoWaitlistStore(dynamo, "shop"), diesAfterPublishing,
          new OnceOnly(claims), Clock.systemUTC()).handle(restock)).hasMessageContaining("died after PublishBatch");
      for (int i = 0; i < 6; i++) {
        claims.makeStale("waitlist", "restock/" + restock.eventId() + "/user/u-" + i);
      }

      assertThat(new StockWaitlistHandler(new DynamoWaitlistStore(dynamo, "shop"), real, new OnceOnly(claims),
          Clock.systemUTC()).handle(restock)).as("the next holder, after taking the claims over")
          .isEqualTo(HandlerResult.done("notified 6 waitlisted user(s) of product kettle"));
      dynamo.scan(r -> r.tableName("shop")).items().stream()
          .filter(i -> i.get(TableModel.PARTITION_KEY).s().equals("PRODUCT#kettle"))
          .forEach(i -> dynamo.updateItem(u -> u.tableName("shop").key(Map.of(TableModel.PARTITION_KEY,
              i.get(TableModel.PARTITION_KEY), TableModel.SORT_KEY, i.get(TableModel.SORT_KEY)))
              .updateExpression("REMOVE notifiedAt, notifiedFor")));
    }

    standardTap.awaitAtLeast(12, Duration.ofSeconds(10));
    Map<String, List<String>> standardIds = standardTap.drain().stream().collect(Collectors.groupingBy(
        m -> m.messageAttributes().get("userId").stringValue(),
        Collectors.mapping(m -> m.messageAttributes().get("noticeId").stringValue(), Collectors.toList())));
    assertThat(standardIds).as("standard topic: every notice twice, both with one notice id").hasSize(6)
        .allSatisfy((user, ids) -> assertThat(ids).hasSize(2).matches(l -> l.get(0).equals(l.get(1))));
    fifoTap.awaitAtLeast(6, Duration.ofSeconds(10));
    List<Message> fifo = fifoTap.drain();
    assertThat(fifo).as("FIFO topic: the repeat dropped by its deduplication id").hasSize(6)
        .extracting(m -> m.messageAttributes().get("userId").stringValue()).doesNotHaveDuplicates();
    assertThat(fifo).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .as("one group per user").containsExactlyInAnyOrder("user/u-0", "user/u-1", "user/u-2", "user/u-3", "user/u-4",
            "user/u-5");
  }
}
