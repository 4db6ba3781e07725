package dev.shopstream.contracts;

import java.util.Objects;

/**
 * Position of the change in the table's stream. A snapshot row (an {@link EntityState} read from a table
 * export) has none: its source is {@code (table, "export", <export id>)}, see {@link #ofExport}.
 */
public record EventSource(String table, String shardId, String sequenceNumber) {
  public EventSource {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
  }

  /** The shard id that marks a snapshot row's source. */
  public static final String EXPORT = "export";

  /** The source of a snapshot row read from the export {@code exportId} of {@code table}. */
  public static EventSource ofExport(String table, String exportId) {
    return new EventSource(table, EXPORT, exportId);
  }
}
