package dev.shopstream.pipeline.fleet;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.SequenceNumberRange;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** A stream in memory: shards, each with records (sequence number, write time), read as DynamoDB Streams reads. */
final class FakeStream implements DynamoDbStreamsClient {
  private record Written(String sequenceNumber, Instant at) {}

  private final Map<String, Boolean> open = new LinkedHashMap<>();
  private final Map<String, List<Written>> records = new LinkedHashMap<>();
  int describes;
  int reads;

  FakeStream shard(String id, boolean isOpen) {
    open.put(id, isOpen);
    records.put(id, new ArrayList<>());
    return this;
  }

  FakeStream record(String shard, String sequenceNumber, Instant at) {
    records.get(shard).add(new Written(sequenceNumber, at));
    return this;
  }

  @Override
  public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
    describes++;
    List<Shard> shards = open.entrySet().stream().map(e -> Shard.builder().shardId(e.getKey())
        .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("1")
            .endingSequenceNumber(e.getValue() ? null : "999999").build()).build()).toList();
    return DescribeStreamResponse.builder().streamDescription(StreamDescription.builder().shards(shards).build())
        .build();
  }

  @Override
  public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
    reads++;
    List<Written> written = records.get(request.shardId());
    if (written == null) {
      throw ResourceNotFoundException.builder().message("no shard " + request.shardId()).build();
    }
    int index = 0;
    if (request.shardIteratorType() == ShardIteratorType.AFTER_SEQUENCE_NUMBER) {
      BigInteger after = new BigInteger(request.sequenceNumber());
      while (index < written.size() && new BigInteger(written.get(index).sequenceNumber()).compareTo(after) <= 0) {
        index++;
      }
    }
    return GetShardIteratorResponse.builder().shardIterator(request.shardId() + "#" + index).build();
  }

  @Override
  public GetRecordsResponse getRecords(GetRecordsRequest request) {
    reads++;
    String[] iterator = request.shardIterator().split("#");
    List<Written> written = records.get(iterator[0]);
    int index = Integer.parseInt(iterator[1]);
    List<Record> page = index < written.size()
        ? List.of(Record.builder().dynamodb(StreamRecord.builder().sequenceNumber(written.get(index).sequenceNumber())
            .approximateCreationDateTime(written.get(index).at()).build()).build())
        : List.of();
    return GetRecordsResponse.builder().records(page).nextShardIterator(iterator[0] + "#" + (index + page.size()))
        .build();
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {}
}
