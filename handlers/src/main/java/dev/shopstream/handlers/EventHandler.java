package dev.shopstream.handlers;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import java.util.Set;

/**
 * One consumer of domain events (an email sender, a notifier, a publisher).
 *
 * <p>Handlers know nothing of the stream: they never checkpoint and never see KCL types. The
 * pipeline calls {@link #handle} once per routed event, in stream order per shard, and treats a
 * thrown exception as "not handled": the record is not checkpointed past.
 */
public interface EventHandler {

  /** Short stable name, used in configuration ({@code SHOP_HANDLERS}) and in logs. */
  String name();

  /** The event types this handler wants; the router sends it nothing else. */
  Set<EventType> eventTypes();

  /**
   * Performs the handler's effect for one event.
   *
   * @return what was done, or why nothing needed doing
   * @throws RuntimeException when the effect could not be performed (the event is not handled)
   */
  HandlerResult handle(DomainEvent event);
}
