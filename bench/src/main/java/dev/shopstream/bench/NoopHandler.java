package dev.shopstream.bench;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import java.util.EnumSet;
import java.util.Set;

/** Does nothing: the consumer's own cost, KCL, the adapter and the engine with no effect. */
final class NoopHandler implements EventHandler {
  static final String NAME = "noop";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<EventType> eventTypes() {
    return EnumSet.allOf(EventType.class);
  }

  @Override
  public HandlerResult handle(DomainEvent event) {
    return HandlerResult.done("nothing");
  }
}
