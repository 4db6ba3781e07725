package dev.shopstream.contracts;

import java.time.Instant;
import java.util.Objects;

/**
 * DynamoDB's TTL process deleted a session: the REMOVE was made by the service principal
 * {@code dynamodb.amazonaws.com}, not by the application.
 *
 * @param expiresAt the TTL attribute's value, null if the old image lacked it
 */
public record SessionExpired(EventMetadata metadata, String sessionId, String userId, Instant expiresAt)
    implements DomainEvent {

  public SessionExpired {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(sessionId, "sessionId");
  }

  @Override
  public EventType type() {
    return EventType.SESSION_EXPIRED;
  }

  @Override
  public String summary() {
    return "session " + sessionId + " of user " + userId + " expired (TTL)";
  }
}
