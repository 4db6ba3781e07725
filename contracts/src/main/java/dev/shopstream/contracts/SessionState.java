package dev.shopstream.contracts;

import java.time.Instant;
import java.util.Objects;

/**
 * A session ({@code SESSION#id / SESSION}) as it is now.
 *
 * @param state null when the session was deleted (a logout or its time-to-live)
 */
public record SessionState(EventMetadata metadata, String sessionId, StateVersion version, Session state)
    implements EntityState {

  /** Each field null when the item has no such attribute. */
  public record Session(String userId, Instant expiresAt) {}

  public SessionState {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public EventType type() {
    return EventType.SESSION_STATE;
  }
}
