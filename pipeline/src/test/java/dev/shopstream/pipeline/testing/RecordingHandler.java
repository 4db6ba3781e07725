package dev.shopstream.pipeline.testing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EffectFailure;
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
  private volatile Predicate<DomainEvent> failPermanentlyWhen = e -> false;

  public RecordingHandler(String name) {
    this(name, EnumSet.copyOf(EventType.domainEvents())); // states: see the analytics tests
  }

  public RecordingHandler(String name, Set<EventType> types) {
    this.name = name;
    this.types = types;
  }

  /** Fail retryably (as an unreachable service would) while {@code condition} holds. */
  public RecordingHandler failWhen(Predicate<DomainEvent> condition) {
    this.failWhen = condition;
    return this;
  }

  /** Fail permanently (as a validation error would) while {@code condition} holds. */
  public RecordingHandler failPermanentlyWhen(Predicate<DomainEvent> condition) {
    this.failPermanentlyWhen = condition;
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
    if (failPermanentlyWhen.test(event)) {
      throw EffectFailure.permanent("injected permanent failure for " + event.eventId(), null);
    }
    if (failWhen.test(event)) {
      throw EffectFailure.retryable("injected retryable failure for " + event.eventId(), null);
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
