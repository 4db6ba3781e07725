package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.OrderStatusChanged;
import dev.shopstream.contracts.ProductStockChanged;
import dev.shopstream.contracts.SessionEnded;
import dev.shopstream.contracts.SessionExpired;
import dev.shopstream.pipeline.testing.RecordingHandler;
import dev.shopstream.pipeline.testing.ShopWorkerExtension;
import dev.shopstream.testkit.ShopItems;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The real KCL 3 worker, through the DynamoDB Streams adapter, on moto over HTTP. One
 * worker serves the first tests; the last test stops it and starts another on the same lease table.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KclWorkerEndToEndTest {
  private static final String TABLE = "shop";
  private static final String APP = "e2e-worker";
  private static final Duration STARTUP = Duration.ofSeconds(120);

  private static final RecordingHandler handler = new RecordingHandler("recorder");

  // written before the worker exists: TRIM_HORIZON must still deliver them
  @RegisterExtension
  static final ShopWorkerExtension shop = ShopWorkerExtension.worker(APP, handler, "recorder")
      .beforeWorkerStarts(stack -> {
        stack.dynamo.putItem(r -> r.tableName(TABLE).item(ShopItems.profile("u-1", "ada@example.com", "Ada")));
        stack.dynamo.putItem(r -> r.tableName(TABLE).item(ShopItems.product("p-1", "Desk lamp",
            new BigDecimal("39.90"), 2)));
      });
  private static DynamoDbClient dynamo() {
    return shop.dynamo();
  }

  @Test
  @Order(1)
  void writesMadeBeforeTheWorkerStartedArrive() {
    await().atMost(STARTUP).until(() -> handler.handled().size() >= 3);
    // different partition keys run concurrently; one key's events keep their stream order
    assertThat(handler.handled()).extracting(DomainEvent::type).containsExactlyInAnyOrder(
        EventType.USER_REGISTERED, EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK)
        .containsSubsequence(EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK);
  }

  @Test
  @Order(2)
  void writesAfterStartArriveInPerItemOrderWithTheirOldAndNewImages() {
    int before = handler.handled().size();
    long[] stockLevels = {0, 4, 0, 7, 3};
    for (long stock : stockLevels) {
      update(ShopItems.productKey("p-1"), "stock", AttributeValue.fromN(Long.toString(stock)));
    }
    dynamo().putItem(r -> r.tableName(TABLE).item(ShopItems.order("u-1", "2026-11-27", "o-1", "PLACED", "EUR",
        "ada@example.com", List.of(new ShopItems.Line("p-1", "Desk lamp", 1, new BigDecimal("39.90"))))));
    for (String status : List.of("PACKED", "SHIPPED", "DELIVERED")) {
      update(ShopItems.orderKey("u-1", "2026-11-27", "o-1"), "status", AttributeValue.fromS(status));
    }

    // 5 stock changes + 2 back-in-stock, 1 order placed + 3 status changes
    await().atMost(Duration.ofSeconds(30)).until(() -> handler.handled().size() >= before + 11);
    List<DomainEvent> after = handler.handled().subList(before, handler.handled().size());
    assertThat(after).filteredOn(e -> e instanceof ProductStockChanged)
        .extracting(e -> ((ProductStockChanged) e).previousStock() + "->" + ((ProductStockChanged) e).newStock())
        .containsExactly("2->0", "0->4", "4->0", "0->7", "7->3");
    assertThat(after).filteredOn(e -> e.type() == EventType.PRODUCT_BACK_IN_STOCK).hasSize(2);
    assertThat(after).filteredOn(e -> e instanceof OrderStatusChanged)
        .extracting(e -> ((OrderStatusChanged) e).previousStatus() + "->" + ((OrderStatusChanged) e).newStatus())
        .containsExactly("PLACED->PACKED", "PACKED->SHIPPED", "SHIPPED->DELIVERED");
    assertThat(after).filteredOn(e -> e.type() == EventType.ORDER_PLACED).hasSize(1);
    assertThat(shop.stack().sqs.receiveMessage(r -> r.queueUrl(shop.stack().deadLetterQueueUrl)).messages())
        .as("dead letters").isEmpty();
  }

  @Test
  @Order(3)
  void aTtlExpiryIsSessionExpiredAndALogoutIsSessionEnded() {
    int before = handler.handled().size();
    Instant past = Instant.now().minusSeconds(60);
    // moto's TTL reaper (local-aws/moto_server.py) deletes it within a second, as DynamoDB's own service
    dynamo().putItem(r -> r.tableName(TABLE).item(ShopItems.session("s-expired", "u-1", past)));
    dynamo().putItem(r -> r.tableName(TABLE).item(ShopItems.session("s-logout", "u-1",
        Instant.now().plusSeconds(3600))));
    dynamo().deleteItem(r -> r.tableName(TABLE).key(ShopItems.sessionKey("s-logout")));

    await().atMost(Duration.ofSeconds(30)).until(() -> handler.handled().size() >= before + 2);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> handler.handled().size()
        == before + 2);
    List<DomainEvent> after = handler.handled().subList(before, handler.handled().size());
    assertThat(after).filteredOn(e -> e instanceof SessionExpired).singleElement().satisfies(e -> {
      SessionExpired expired = (SessionExpired) e;
      assertThat(expired.sessionId()).isEqualTo("s-expired");
      assertThat(expired.userId()).isEqualTo("u-1");
      assertThat(expired.expiresAt()).isEqualTo(Instant.ofEpochSecond(past.getEpochSecond()));
    });
    assertThat(after).filteredOn(e -> e instanceof SessionEnded).singleElement()
        .satisfies(e -> assertThat(((SessionEnded) e).sessionId()).isEqualTo("s-logout"));
    assertThat(dynamo().getItem(r -> r.tableName(TABLE).key(ShopItems.sessionKey("s-expired"))).hasItem()).isFalse();
  }

  @Test
  @Order(4)
  void theCheckpointInTheLeaseTableCoversTheLastHandledRecord() {
    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(leaseCheckpoint()).isEqualTo(lastSequenceNumber()));
  }

  @Test
  @Order(5)
  void afterAGracefulStopAndRestartNothingIsDeliveredTwice() {
    await().atMost(Duration.ofSeconds(30)).until(() -> leaseCheckpoint().equals(lastSequenceNumber()));
    assertThat(shop.stopWorker()).as("graceful stop").isTrue();
    dynamo().putItem(r -> r.tableName(TABLE).item(ShopItems.profile("u-2", "grace@example.com", "Grace")));

    RecordingHandler restarted = new RecordingHandler("recorder");
    shop.startWorker(restarted);

    await().atMost(STARTUP).until(() -> !restarted.handled().isEmpty());
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> restarted.handled().size() == 1);
    assertThat(restarted.handled()).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(EventType.USER_REGISTERED);
      assertThat(e.metadata().entityKey().partitionKey()).isEqualTo("USER#u-2");
    });
  }

  private static void update(Map<String, AttributeValue> key, String attribute, AttributeValue value) {
    dynamo().updateItem(r -> r.tableName(TABLE).key(key).updateExpression("SET #a = :v")
        .expressionAttributeNames(Map.of("#a", attribute)).expressionAttributeValues(Map.of(":v", value)));
  }

  /**
   * The highest sequence number handled: records of different keys complete in any order (the
   * engine runs them concurrently), so the last one handled need not be the last one in the shard.
   */
  private static String lastSequenceNumber() {
    return handler.handled().stream().map(e -> e.metadata().source().sequenceNumber())
        .max(Comparator.comparing(BigInteger::new)).orElse("");
  }

  private static String leaseCheckpoint() {
    var leases = dynamo().scan(r -> r.tableName(APP)).items();
    assertThat(leases).hasSize(1);
    AttributeValue checkpoint = leases.get(0).get("checkpoint");
    return checkpoint == null ? "" : checkpoint.s();
  }
}
