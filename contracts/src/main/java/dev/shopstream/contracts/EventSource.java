package dev.shopstream.contracts;

import java.util.Objects;

/** Position of the change in the table's stream. */
public record EventSource(String table, String shardId, String sequenceNumber) {
  public EventSource {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
  }
}
