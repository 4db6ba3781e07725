package dev.shopstream.testkit;

import dev.shopstream.contracts.TableModel;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Items of the table model, as written by the shop backend: for seeding local stacks, the demo
 * and tests. See docs/architecture.md, Data model, for each shape.
 */
public final class ShopItems {
  private ShopItems() {}

  /** One order line: sku, display name, quantity, unit price. */
  public record Line(String sku, String name, int quantity, BigDecimal unitPrice) {}

  public static Map<String, AttributeValue> key(String partitionKey, String sortKey) {
    return Map.of(TableModel.PARTITION_KEY, s(partitionKey), TableModel.SORT_KEY, s(sortKey));
  }

  public static Map<String, AttributeValue> profileKey(String userId) {
    return key(TableModel.USER_PREFIX + userId, TableModel.PROFILE_SK);
  }

  public static Map<String, AttributeValue> profile(String userId, String email, String name) {
    Map<String, AttributeValue> item = new HashMap<>(profileKey(userId));
    item.put("email", s(email));
    item.put("name", s(name));
    return item;
  }

  public static Map<String, AttributeValue> orderKey(String userId, String date, String orderId) {
    return key(TableModel.USER_PREFIX + userId, TableModel.ORDER_SK_PREFIX + date + "#" + orderId);
  }

  public static Map<String, AttributeValue> order(String userId, String date, String orderId, String status,
      String currency, String email, List<Line> lines) {
    Map<String, AttributeValue> item = new HashMap<>(orderKey(userId, date, orderId));
    BigDecimal total = lines.stream().map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    item.put("orderId", s(orderId));
    item.put("status", s(status));
    item.put("total", AttributeValue.fromN(total.toPlainString()));
    item.put("currency", s(currency));
    if (email != null) {
      item.put("email", s(email));
    }
    item.put("items", AttributeValue.fromL(lines.stream().map(l -> AttributeValue.fromM(Map.of(
        "sku", s(l.sku()), "name", s(l.name()), "quantity", AttributeValue.fromN(Integer.toString(l.quantity())),
        "unitPrice", AttributeValue.fromN(l.unitPrice().toPlainString())))).toList()));
    return item;
  }

  public static Map<String, AttributeValue> productKey(String productId) {
    return key(TableModel.PRODUCT_PREFIX + productId, TableModel.META_SK);
  }

  public static Map<String, AttributeValue> product(String productId, String name, BigDecimal price, long stock) {
    Map<String, AttributeValue> item = new HashMap<>(productKey(productId));
    item.put("name", s(name));
    item.put("price", AttributeValue.fromN(price.toPlainString()));
    item.put("stock", AttributeValue.fromN(Long.toString(stock)));
    return item;
  }

  /**
   * A waitlist entry joined now; {@code contact} is an email address, or a phone number when it starts
   * with '+'. {@code joinedAt} (ISO-8601) lets a restock notify only users who joined before it.
   */
  public static Map<String, AttributeValue> waitlistEntry(String productId, String userId, String contact) {
    Map<String, AttributeValue> item = new HashMap<>(key(TableModel.PRODUCT_PREFIX + productId,
        TableModel.WAITLIST_SK_PREFIX + userId));
    item.put(contact.startsWith("+") ? "phone" : "email", s(contact));
    item.put("joinedAt", s(Instant.now().toString()));
    return item;
  }

  public static Map<String, AttributeValue> sessionKey(String sessionId) {
    return key(TableModel.SESSION_PREFIX + sessionId, TableModel.SESSION_SK);
  }

  public static Map<String, AttributeValue> session(String sessionId, String userId, Instant expiresAt) {
    Map<String, AttributeValue> item = new HashMap<>(sessionKey(sessionId));
    item.put("userId", s(userId));
    item.put(TableModel.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
    return item;
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }
}
