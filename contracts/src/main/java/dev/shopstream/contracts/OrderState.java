package dev.shopstream.contracts;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * An order ({@code USER#id / ORDER#date#orderId}) as it is now.
 *
 * @param state null when the order was deleted
 */
public record OrderState(EventMetadata metadata, String userId, String orderId, String orderDate, StateVersion version,
    Order state) implements EntityState {

  /** @param customerEmail null when the order has none (hashed for analytics) */
  public record Order(String status, BigDecimal total, String currency, List<OrderLine> items, String customerEmail) {
    public Order {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(total, "total");
      Objects.requireNonNull(currency, "currency");
      items = List.copyOf(items);
    }
  }

  public OrderState {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(orderDate, "orderDate");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public EventType type() {
    return EventType.ORDER_STATE;
  }
}
