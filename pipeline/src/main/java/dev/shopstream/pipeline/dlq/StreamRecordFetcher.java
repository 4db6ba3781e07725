package dev.shopstream.pipeline.dlq;

import dev.shopstream.contracts.EventSource;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Re-reads one stream record by its position, for dead letters whose images were not stored (a
 * stream reference): possible while the stream keeps the record (24 h).
 */
public final class StreamRecordFetcher {
  private final DynamoDbStreamsClient streams;
  private final Function<String, String> streamArnOfTable;

  public StreamRecordFetcher(DynamoDbStreamsClient streams, Function<String, String> streamArnOfTable) {
    this.streams = streams;
    this.streamArnOfTable = streamArnOfTable;
  }

  /** @throws IllegalStateException saying why the record cannot be read any more */
  public Record fetch(EventSource source) {
    String arn = streamArnOfTable.apply(source.table());
    try {
      String iterator = streams.getShardIterator(r -> r.streamArn(arn).shardId(source.shardId())
          .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(source.sequenceNumber()))
          .shardIterator();
      GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(iterator).limit(1));
      return page.records().stream()
          .filter(record -> source.sequenceNumber().equals(record.dynamodb().sequenceNumber()))
          .findFirst().orElseThrow(() -> new IllegalStateException("record " + source.sequenceNumber() + " of shard "
              + source.shardId() + " is no longer in the stream"));
    } catch (TrimmedDataAccessException e) {
      throw new IllegalStateException("record " + source.sequenceNumber() + " of shard " + source.shardId()
          + " has left the stream (24 h retention): its images are lost; the item's current state is in the table", e);
    }
  }
}
