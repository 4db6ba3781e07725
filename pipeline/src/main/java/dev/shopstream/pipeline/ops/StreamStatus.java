package dev.shopstream.pipeline.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What {@code shop-stream status} shows for an application: each shard's lease owner and checkpoint
 * from the lease table, and its lag, measured as the age of the oldest record after the checkpoint
 * (zero when nothing is waiting).
 */
public final class StreamStatus {
  private final DynamoDbClient dynamo;
  private final DynamoDbStreamsClient streams;
  private final Clock clock;

  public StreamStatus(DynamoDbClient dynamo, DynamoDbStreamsClient streams, Clock clock) {
    this.dynamo = dynamo;
    this.streams = streams;
    this.clock = clock;
  }

  /** One shard's state; {@code lag} is null when it could not be measured (e.g. no checkpoint yet). */
  public record ShardStatus(String shardId, String owner, String checkpoint, Duration lag) {}

  public List<ShardStatus> shards(String applicationName, String streamArn) {
    List<Map<String, AttributeValue>> leases;
    try {
      leases = dynamo.scanPaginator(r -> r.tableName(applicationName).consistentRead(true)).items().stream().toList();
    } catch (ResourceNotFoundException e) {
      throw new IllegalStateException("no lease table '" + applicationName + "': has a worker with this "
          + "SHOP_APPLICATION_NAME ever run against this account and region?", e);
    }
    List<ShardStatus> shards = new ArrayList<>();
    for (Map<String, AttributeValue> lease : leases) {
      String shardId = text(lease, "leaseKey");
      String checkpoint = text(lease, "checkpoint");
      shards.add(new ShardStatus(shardId, text(lease, "leaseOwner"), checkpoint, lag(streamArn, shardId, checkpoint)));
    }
    return shards;
  }

  private Duration lag(String streamArn, String shardId, String checkpoint) {
    if (checkpoint == null || !checkpoint.chars().allMatch(Character::isDigit)) {
      return "SHARD_END".equals(checkpoint) ? Duration.ZERO : null;
    }
    String iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shardId)
        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(checkpoint)).shardIterator();
    var records = streams.getRecords(r -> r.shardIterator(iterator).limit(1)).records();
    if (records.isEmpty() || records.get(0).dynamodb().approximateCreationDateTime() == null) {
      return Duration.ZERO;
    }
    Instant oldestWaiting = records.get(0).dynamodb().approximateCreationDateTime();
    return Duration.between(oldestWaiting, clock.instant()).isNegative() ? Duration.ZERO
        : Duration.between(oldestWaiting, clock.instant());
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }
}
