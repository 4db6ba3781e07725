package dev.shopstream.contracts;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A new order item appeared ({@code USER#id / ORDER#date#orderId} inserted).
 *
 * @param customerEmail where the confirmation goes; null when the order has none (no email is sent)
 */
public record OrderPlaced(
    EventMetadata metadata,
    String userId,
    String orderId,
    String orderDate,
    String status,
    BigDecimal total,
    String currency,
    List<OrderLine> items,
    String customerEmail)
    implements DomainEvent {

  public OrderPlaced {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(orderDate, "orderDate");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(currency, "currency");
    items = List.copyOf(items);
  }

  @Override
  public EventType type() {
    return EventType.ORDER_PLACED;
  }

  @Override
  public String summary() {
    return "order " + orderId + " placed by user " + userId + ": " + items.size() + " line(s), "
        + total.toPlainString() + " " + currency;
  }
}
