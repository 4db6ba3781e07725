package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.DomainEvent;

/** A handler kept failing retryably for an event: the record stays unhandled and holds the shard. */
public final class HandlerFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String handler;
  private final transient DomainEvent event;

  public HandlerFailedException(String handler, DomainEvent event, Throwable cause) {
    super("handler '" + handler + "' failed for event " + event.eventId() + ": " + cause, cause);
    this.handler = handler;
    this.event = event;
  }

  public String handler() {
    return handler;
  }

  public DomainEvent event() {
    return event;
  }
}
