package dev.shopstream.pipeline.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsGetRecordsResponseAdapter;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * A GetRecords response as KCL reads it, each record converted once, to a {@link LeanStreamRecord}. The
 * adapter's own converts every record (to JSON) again on each {@link #records()} call, and KCL calls it four times per
 * response (twice in its prefetcher, twice when it advances the iterator). Each call still returns a list of its own,
 * as before (KCL removes already checkpointed records from the one it hands on).
 */
final class RecordsConvertedOnce extends DynamoDBStreamsGetRecordsResponseAdapter {
  private final GetRecordsResponse response;
  private List<KinesisClientRecord> records;

  RecordsConvertedOnce(GetRecordsResponse response) {
    super(response);
    this.response = response;
  }

  @Override
  public synchronized List<KinesisClientRecord> records() {
    if (records == null) {
      records = response.records().stream().<KinesisClientRecord>map(LeanStreamRecord::of).toList();
    }
    return new ArrayList<>(records);
  }
}
