package dev.shopstream.contracts;

import java.util.Objects;

/** The {@code status} attribute of an order changed (e.g. PLACED -> SHIPPED). */
public record OrderStatusChanged(
    EventMetadata metadata, String userId, String orderId, String previousStatus, String newStatus)
    implements DomainEvent {

  public OrderStatusChanged {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(newStatus, "newStatus");
  }

  @Override
  public EventType type() {
    return EventType.ORDER_STATUS_CHANGED;
  }

  @Override
  public String summary() {
    return "order " + orderId + " status " + previousStatus + " -> " + newStatus;
  }
}
