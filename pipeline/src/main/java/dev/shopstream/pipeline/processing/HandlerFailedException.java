package dev.shopstream.pipeline.processing;

/** A handler did not complete its effect for an event; the record stays unhandled. */
public final class HandlerFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String handler;
  private final String eventId;

  public HandlerFailedException(String handler, String eventId, Throwable cause) {
    super("handler '" + handler + "' failed for event " + eventId + ": " + cause, cause);
    this.handler = handler;
    this.eventId = eventId;
  }

  public String handler() {
    return handler;
  }

  public String eventId() {
    return eventId;
  }
}
