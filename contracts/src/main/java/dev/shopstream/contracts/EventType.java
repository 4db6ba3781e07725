package dev.shopstream.contracts;

import java.util.Arrays;
import java.util.Optional;

/** The closed catalogue of event types, with the stable name used in published contracts. */
public enum EventType {
  ORDER_PLACED("order-placed", OrderPlaced.class),
  ORDER_STATUS_CHANGED("order-status-changed", OrderStatusChanged.class),
  PRODUCT_STOCK_CHANGED("product-stock-changed", ProductStockChanged.class),
  PRODUCT_BACK_IN_STOCK("product-back-in-stock", ProductBackInStock.class),
  USER_REGISTERED("user-registered", UserRegistered.class),
  USER_PROFILE_CHANGED("user-profile-changed", UserProfileChanged.class),
  SESSION_EXPIRED("session-expired", SessionExpired.class),
  SESSION_ENDED("session-ended", SessionEnded.class),
  WAITLIST_JOINED("waitlist-joined", WaitlistJoined.class);

  private final String wireName;
  private final Class<? extends DomainEvent> eventClass;

  EventType(String wireName, Class<? extends DomainEvent> eventClass) {
    this.wireName = wireName;
    this.eventClass = eventClass;
  }

  /** Kebab-case name used in configuration, schemas and published messages. */
  public String wireName() {
    return wireName;
  }

  public Class<? extends DomainEvent> eventClass() {
    return eventClass;
  }

  public static Optional<EventType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }
}
