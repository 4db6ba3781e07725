package dev.shopstream.pipeline.routing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Event type -> the enabled handlers that subscribe to it, in the order they were given. */
public final class EventRouter {
  private final List<EventHandler> handlers;
  private final Map<EventType, List<EventHandler>> routes = new EnumMap<>(EventType.class);

  public EventRouter(List<EventHandler> handlers) {
    this.handlers = List.copyOf(handlers);
    Set<String> names = new HashSet<>();
    for (EventHandler handler : this.handlers) {
      if (!names.add(handler.name())) {
        throw new IllegalArgumentException("two handlers are named '" + handler.name() + "'");
      }
      for (EventType type : handler.eventTypes()) {
        routes.computeIfAbsent(type, t -> new ArrayList<>()).add(handler);
      }
    }
    routes.replaceAll((type, list) -> List.copyOf(list));
  }

  public List<EventHandler> route(DomainEvent event) {
    return routes.getOrDefault(event.type(), List.of());
  }

  public List<EventHandler> handlers() {
    return handlers;
  }
}
