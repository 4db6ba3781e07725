package dev.shopstream.demo;

import dev.shopstream.testkit.ShopItems.Line;
import dev.shopstream.testkit.ShopItems;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A morning at the shop, written the way the backend writes it: registrations, a profile edit, a
 * product selling out while customers join its waitlist, orders placed and shipped, a restock,
 * sessions expiring by TTL and ending by logout, plus one item of an unknown shape and one
 * malformed product the worker must report.
 */
final class ShopWorkload {
  /** Events the workload yields; the demo waits for this many. */
  static final int EXPECTED_EVENTS = 19;
  static final int EXPECTED_REJECTIONS = 1;
  /** Waitlisted users told of the lamp's restock. */
  static final int EXPECTED_NOTIFICATIONS = 2;

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final Consumer<String> narrator;

  ShopWorkload(DynamoDbClient dynamo, String table, Clock clock, Consumer<String> narrator) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
    this.narrator = narrator;
  }

  void run() {
    narrator.accept("three customers register, one edits her profile");
    put(ShopItems.profile("ada", "ada@example.com", "Ada Lovelace"));
    put(ShopItems.profile("grace", "grace@example.com", "Grace Hopper"));
    put(ShopItems.profile("alan", "alan@example.com", "Alan Turing"));
    set(ShopItems.profileKey("grace"), "name", AttributeValue.fromS("Rear Admiral Grace Hopper"));

    narrator.accept("two products go on sale (lamp: 2 in stock, mug: 40)");
    put(ShopItems.product("lamp", "Desk lamp", new BigDecimal("39.90"), 2));
    put(ShopItems.product("mug", "Mug", new BigDecimal("9.50"), 40));

    narrator.accept("Ada orders both lamps and a mug: the lamp sells out");
    String today = LocalDate.now(clock).toString();
    put(ShopItems.order("ada", today, "o-1001", "PLACED", "EUR", "ada@example.com", List.of(
        new Line("lamp", "Desk lamp", 2, new BigDecimal("39.90")), new Line("mug", "Mug", 1, new BigDecimal("9.50")))));
    set(ShopItems.productKey("lamp"), "stock", AttributeValue.fromN("0"));
    set(ShopItems.productKey("mug"), "stock", AttributeValue.fromN("39"));

    narrator.accept("Grace and Alan join the lamp's waitlist; Alan orders a mug without leaving an email");
    put(ShopItems.waitlistEntry("lamp", "grace", "grace@example.com"));
    put(ShopItems.waitlistEntry("lamp", "alan", "+441632960001"));
    put(ShopItems.order("alan", today, "o-1002", "PLACED", "GBP", null, List.of(
        new Line("mug", "Mug", 1, new BigDecimal("8.00")))));

    narrator.accept("Ada's order ships; a price change touches nothing that matters");
    set(ShopItems.orderKey("ada", today, "o-1001"), "status", AttributeValue.fromS("SHIPPED"));
    set(ShopItems.productKey("mug"), "price", AttributeValue.fromN("8.90"));

    narrator.accept("the lamp is restocked: 10 arrive");
    set(ShopItems.productKey("lamp"), "stock", AttributeValue.fromN("10"));

    narrator.accept("sessions: one expires (DynamoDB's TTL deletes it), one ends with a logout");
    put(ShopItems.session("sess-ada", "ada", clock.instant().minus(Duration.ofHours(1))));
    put(ShopItems.session("sess-alan", "alan", clock.instant().plus(Duration.ofHours(2))));
    dynamo.deleteItem(r -> r.tableName(table).key(ShopItems.sessionKey("sess-alan")));

    narrator.accept("noise: a cart item (unknown shape, skipped) and a product with stock as text (rejected)");
    Map<String, AttributeValue> cart = new HashMap<>(ShopItems.key("USER#ada", "CART#c-1"));
    cart.put("skus", AttributeValue.fromSs(List.of("lamp")));
    put(cart);
    Map<String, AttributeValue> broken = new HashMap<>(ShopItems.product("vase", "Vase", new BigDecimal("25"), 0));
    broken.put("stock", AttributeValue.fromS("three"));
    put(broken);
  }

  private void put(Map<String, AttributeValue> item) {
    dynamo.putItem(r -> r.tableName(table).item(item));
  }

  private void set(Map<String, AttributeValue> key, String attribute, AttributeValue value) {
    dynamo.updateItem(r -> r.tableName(table).key(key).updateExpression("SET #a = :v")
        .expressionAttributeNames(Map.of("#a", attribute)).expressionAttributeValues(Map.of(":v", value)));
  }
}
