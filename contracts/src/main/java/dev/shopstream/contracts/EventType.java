package dev.shopstream.contracts;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

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
  WAITLIST_JOINED("waitlist-joined", WaitlistJoined.class),
  USER_PROFILE_STATE("user-profile-state", UserProfileState.class),
  ORDER_STATE("order-state", OrderState.class),
  PRODUCT_STATE("product-state", ProductState.class),
  WAITLIST_ENTRY_STATE("waitlist-entry-state", WaitlistEntryState.class),
  SESSION_STATE("session-state", SessionState.class);

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

  /** True for the {@link EntityState} types ({@code *-state}), false for the business facts. */
  public boolean isState() {
    return EntityState.class.isAssignableFrom(eventClass);
  }

  /** The business facts (order placed, stock changed, ...): what handlers other than analytics act on. */
  public static Set<EventType> domainEvents() {
    EnumSet<EventType> types = EnumSet.allOf(EventType.class);
    types.removeIf(EventType::isState);
    return types;
  }

  /** The entity state types, one per known entity. */
  public static Set<EventType> stateEvents() {
    EnumSet<EventType> types = EnumSet.allOf(EventType.class);
    types.removeIf(type -> !type.isState());
    return types;
  }

  public static Optional<EventType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }
}
