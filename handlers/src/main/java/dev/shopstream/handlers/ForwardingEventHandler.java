package dev.shopstream.handlers;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import java.util.Objects;
import java.util.Set;

/**
 * A handler that passes everything on to another: the one base of every decorator of an {@link EventHandler}
 * (a filter, a timer, a fault injected in a test). Keeps the delegate's name and event types, so metrics, dead
 * letters and routing see the wrapped handler; a subclass overrides only what it changes, usually
 * {@link #handle}, and calls {@code super.handle(event)} to pass the event on.
 */
public abstract class ForwardingEventHandler implements EventHandler {
  private final EventHandler delegate;

  protected ForwardingEventHandler(EventHandler delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The wrapped handler. */
  protected final EventHandler delegate() {
    return delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Set<EventType> eventTypes() {
    return delegate.eventTypes();
  }

  @Override
  public HandlerResult handle(DomainEvent event) {
    return delegate.handle(event);
  }
}
