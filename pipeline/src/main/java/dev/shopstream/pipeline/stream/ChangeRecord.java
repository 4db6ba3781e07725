package dev.shopstream.pipeline.stream;

import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.TableModel;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * One stream record as the worker carries it from the KCL edge inward, converted once: where it
 * is in the stream, the key that orders it, the change the differ reads (or why there is none), and
 * the raw SDK record, kept whole for the dead-letter queue.
 *
 * @param orderingKey the item's partition key: records of one key are handled in stream order
 * @param writtenAt DynamoDB's approximate creation time; null when the record lacks it
 * @param change the differ's view; null when the record is malformed
 * @param malformed why the record could not be read; null when {@code change} is set
 */
public record ChangeRecord(Record raw, EventSource source, String orderingKey, Instant writtenAt, StreamChange change,
    String malformed) {

  /** The ordering key of records whose partition key cannot be read: they queue behind each other. */
  public static final String UNKEYED = "";

  public ChangeRecord {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(orderingKey, "orderingKey");
    if ((change == null) == (malformed == null)) {
      throw new IllegalArgumentException("a change record has either a change or a reason it has none");
    }
  }

  /** Converts the SDK's record; never throws: a record that cannot be read comes back malformed. */
  public static ChangeRecord of(Record raw, String table, String shardId) {
    var data = raw.dynamodb();
    String sequenceNumber = data != null && data.sequenceNumber() != null ? data.sequenceNumber() : "unknown";
    EventSource source = new EventSource(table, shardId, sequenceNumber);
    Instant writtenAt = data == null ? null : data.approximateCreationDateTime();
    String key = UNKEYED;
    if (data != null && data.hasKeys()) {
      AttributeValue pk = data.keys().get(TableModel.PARTITION_KEY);
      if (pk != null && pk.s() != null) {
        key = pk.s();
      }
    }
    try {
      return new ChangeRecord(raw, source, key, writtenAt, StreamChanges.from(raw, table, shardId), null);
    } catch (IllegalArgumentException e) {
      return new ChangeRecord(raw, source, key, writtenAt, null, e.getMessage());
    }
  }

  public String sequenceNumber() {
    return source.sequenceNumber();
  }
}
