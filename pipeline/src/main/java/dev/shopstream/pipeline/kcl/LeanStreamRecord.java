package dev.shopstream.pipeline.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import java.nio.ByteBuffer;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;

/**
 * A stream record as KCL carries it to {@link ShardProcessor}, without the JSON copy the adapter
 * writes into every record's data ({@code DynamoDBStreamsClientRecord.fromRecord}, ~half the worker's
 * CPU per record): the worker reads {@link #getRecord()}, and KCL reads the data only for its size
 * (prefetch limits, lease throughput, metrics) and to look for a KPL aggregation header, which JSON
 * never has. The data here is as many zero bytes as that JSON would have ({@link AdapterJsonSize}), so
 * every size KCL computes is the same; everything else is what {@code fromRecord} sets.
 */
final class LeanStreamRecord extends DynamoDBStreamsClientRecord {
  /** Shared, read-only: each record gets its own view (KCL moves a view's position when it reads). */
  private static final ByteBuffer ZEROS = ByteBuffer.allocate(64 * 1024).asReadOnlyBuffer();

  private LeanStreamRecord(Record record, ByteBuffer data) {
    super(record.dynamodb().sequenceNumber(), record.dynamodb().approximateCreationDateTime(), data,
        record.dynamodb().sequenceNumber(), EncryptionType.NONE, 0, null, false, null, record);
  }

  static LeanStreamRecord of(Record record) {
    return new LeanStreamRecord(record, zeros(AdapterJsonSize.of(record)));
  }

  private static ByteBuffer zeros(int size) {
    return size <= ZEROS.capacity() ? ZEROS.duplicate().limit(size) : ByteBuffer.allocate(size).asReadOnlyBuffer();
  }
}
