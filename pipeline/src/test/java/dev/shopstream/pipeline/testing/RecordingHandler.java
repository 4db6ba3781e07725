package dev.shopstream.pipeline.testing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A handler that records what it handled and can be told to fail for some events. */
public final class RecordingHandler implements EventHandler {
  private final String name;
  private final Set<EventType> types;
  private final List<DomainEvent> handled = new CopyOnWriteArrayList<>();
  private final List<DomainEvent> attempts = new CopyOnWriteArrayList<>();
  private volatile Predicate<DomainEvent> failWhen = e -> false;

  public RecordingHandler(String name) {
    this(name, EnumSet.allOf(EventType.class));
  }

  public RecordingHandler(String name, Set<EventType> types) {
    this.name = name;
    this.types = types;
  }

  public RecordingHandler failWhen(Predicate<DomainEvent> condition) {
    this.failWhen = condition;
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<EventType> eventTypes() {
    return types;
  }

  @Override
  public HandlerResult handle(DomainEvent event) {
    attempts.add(event);
    if (failWhen.test(event)) {
      throw new IllegalStateException("injected failure for " + event.eventId());
    }
    handled.add(event);
    return HandlerResult.done("recorded");
  }

  public List<DomainEvent> handled() {
    return handled;
  }

  public List<DomainEvent> attempts() {
    return attempts;
  }
}
