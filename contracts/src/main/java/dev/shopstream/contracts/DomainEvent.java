package dev.shopstream.contracts;

/**
 * A business fact derived from one change of the shop table.
 *
 * <p>Every event carries {@link EventMetadata}: an id that is the same each time the same stream
 * record is delivered or replayed, the item key it concerns, when it happened, and where in the
 * stream it came from. The set of event types is closed: adding one is a contract change. Besides the
 * business facts, an {@link EntityState} carries an item's whole public state after a change.
 *
 * <p>A new event class is guided in two steps: {@code EventCatalogueTest} fails until it has its one
 * {@link EventType}, and code that branches on the type does so with a switch expression over
 * {@link EventType} without a default (Java 17 has no pattern switch over this sealed interface), which
 * does not compile until the new type is handled.
 */
public sealed interface DomainEvent
    permits OrderPlaced, OrderStatusChanged, ProductStockChanged, ProductBackInStock,
        UserRegistered, UserProfileChanged, SessionExpired, SessionEnded, WaitlistJoined, EntityState {

  EventMetadata metadata();

  EventType type();

  /** One human-readable line, for logs and the demo. Contains no contact details. */
  String summary();

  default String eventId() {
    return metadata().eventId();
  }
}
