package dev.shopstream.testkit.sync;

import dev.shopstream.testkit.ShopItems;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The items of a sync check and the changes made to them: item {@code i} is, by {@code i % 5}, a user profile, an
 * order, a product, a waitlist entry or a session; {@code variant} changes its values (0 when seeded). A change is a
 * whole new item (PutItem) or a delete: never a partial update, which on a deleted key would leave a fragment no
 * entity rule accepts.
 */
public final class ShopChanges {
  private static final Instant EXPIRY_BASE = Instant.parse("2030-01-01T00:00:00Z");
  private final Random random;
  private final int items;

  public ShopChanges(int items, long seed) {
    this.items = items;
    this.random = new Random(seed);
  }

  /** Item {@code i} with values of {@code variant}. */
  public static Map<String, AttributeValue> item(int i, int variant) {
    String id = "s" + i;
    return switch (i % 5) {
      case 0 -> {
        Map<String, AttributeValue> profile = new HashMap<>(ShopItems.profile(id, "User." + id + "+" + variant
            + "@Example.com", "User " + id));
        if (variant % 2 == 1) {
          profile.put("nickname", AttributeValue.fromS("nick-" + variant));
        }
        yield profile;
      }
      case 1 -> ShopItems.order(id, "2026-12-0" + (1 + i % 9), "o-" + i,
          List.of("PLACED", "PAID", "SHIPPED").get(variant % 3), "EUR",
          variant % 4 == 3 ? null : "buyer." + id + "@example.com",
          List.of(new ShopItems.Line("sku-" + (i % 17), "Thing", 1 + variant % 3, new BigDecimal("9.90")),
              new ShopItems.Line("sku-x", "Other", 2, new BigDecimal(variant + ".50"))));
      case 2 -> ShopItems.product(id, "Product " + id + " v" + variant,
          new BigDecimal("19.90").add(BigDecimal.valueOf(variant)), (variant * 7L + i) % 40 - 5);
      case 3 -> {
        Map<String, AttributeValue> entry = new HashMap<>(ShopItems.waitlistEntry("w" + (i % 50), id,
            variant % 3 == 2 ? "+4915100000" + (i % 100) : id + "@example.com"));
        entry.put("joinedAt", AttributeValue.fromS("2026-12-01T00:00:00Z"));
        if (variant > 0 && variant % 2 == 0) {
          entry.put("notifiedAt", AttributeValue.fromS("2026-12-02T10:00:0" + (variant % 10) + "Z"));
        }
        yield entry;
      }
      default -> ShopItems.session(id, "s" + (i % 97), EXPIRY_BASE.plusSeconds(3600L * variant + i));
    };
  }

  /** The key of item {@code i}. */
  public static Map<String, AttributeValue> key(int i) {
    Map<String, AttributeValue> item = item(i, 0);
    return Map.of("PK", item.get("PK"), "SK", item.get("SK"));
  }

  /**
   * The next random change: one in eight a delete, one in twenty a new item (index at or above the seeded
   * ones, up to twice as many), the rest a put of another variant of an item.
   */
  public synchronized WriteRequest next() {
    int roll = random.nextInt(40);
    if (roll < 2) {
      int fresh = items + random.nextInt(Math.max(1, items));
      return put(item(fresh, 0));
    }
    int i = random.nextInt(items);
    if (roll < 7) {
      return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key(i)).build()).build();
    }
    return put(item(i, 1 + random.nextInt(1000)));
  }

  private static WriteRequest put(Map<String, AttributeValue> item) {
    return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
  }

  /** The key a change writes, for keeping a batch's keys distinct. */
  public static String keyOf(WriteRequest change) {
    Map<String, AttributeValue> key = change.putRequest() != null ? change.putRequest().item()
        : change.deleteRequest().key();
    return key.get("PK").s() + "/" + key.get("SK").s();
  }
}
