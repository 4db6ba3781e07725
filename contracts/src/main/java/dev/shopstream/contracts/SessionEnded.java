package dev.shopstream.contracts;

import java.util.Objects;

/** The application deleted a session (a logout), as opposed to {@link SessionExpired}. */
public record SessionEnded(EventMetadata metadata, String sessionId, String userId) implements DomainEvent {

  public SessionEnded {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(sessionId, "sessionId");
  }

  @Override
  public EventType type() {
    return EventType.SESSION_ENDED;
  }

  @Override
  public String summary() {
    return "session " + sessionId + " of user " + userId + " ended by the application";
  }
}
