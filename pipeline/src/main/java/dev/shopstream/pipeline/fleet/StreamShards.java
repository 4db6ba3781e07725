package dev.shopstream.pipeline.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The stream's shards as DescribeStream lists them (a page per 100 shards; DynamoDB allows 10 calls a
 * second per account), listed at most once every {@link #RELIST}, or after {@link #RELIST_UNKNOWN} when
 * a lease names a shard the last listing did not have (a child opened since).
 */
final class StreamShards {
  static final Duration RELIST = Duration.ofMinutes(1);
  static final Duration RELIST_UNKNOWN = Duration.ofSeconds(10);

  /** A shard of the stream; {@code open}: it has no ending sequence number yet. */
  record Listed(String shardId, String parentShardId, boolean open) {}

  private final DynamoDbStreamsClient streams;
  private final String streamArn;
  private Map<String, Listed> listed = Map.of();
  private Instant listedAt;

  StreamShards(DynamoDbStreamsClient streams, String streamArn) {
    this.streams = streams;
    this.streamArn = streamArn;
  }

  /** The shards, listed again when due; {@code leased} are the shard ids the lease table names. */
  synchronized Map<String, Listed> shards(Collection<String> leased, Instant now) {
    boolean unknown = leased.stream().anyMatch(id -> !listed.containsKey(id));
    if (listedAt == null || !now.isBefore(listedAt.plus(RELIST))
        || unknown && !now.isBefore(listedAt.plus(RELIST_UNKNOWN))) {
      listed = list();
      listedAt = now;
    }
    return listed;
  }

  private Map<String, Listed> list() {
    Map<String, Listed> shards = new LinkedHashMap<>();
    String after = null;
    do {
      String start = after;
      DescribeStreamResponse page = streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(start));
      for (Shard shard : page.streamDescription().shards()) {
        boolean open = shard.sequenceNumberRange() == null
            || shard.sequenceNumberRange().endingSequenceNumber() == null;
        shards.put(shard.shardId(), new Listed(shard.shardId(), shard.parentShardId(), open));
      }
      after = page.streamDescription().lastEvaluatedShardId();
    } while (after != null);
    return shards;
  }
}
