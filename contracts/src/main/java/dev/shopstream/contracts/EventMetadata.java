package dev.shopstream.contracts;

import java.time.Instant;
import java.util.Objects;

/**
 * What every event carries besides its payload.
 *
 * @param eventId stable across redelivery and replay of the same stream record (see {@link EventIds})
 * @param entityKey the table item the event is about
 * @param occurredAt when the change was written (the stream's approximate creation time)
 * @param source where in the stream the change was read
 */
public record EventMetadata(String eventId, EntityKey entityKey, Instant occurredAt, EventSource source) {
  public EventMetadata {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(entityKey, "entityKey");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(source, "source");
  }
}
