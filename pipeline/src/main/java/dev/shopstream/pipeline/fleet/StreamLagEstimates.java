package dev.shopstream.pipeline.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The lag of a shard nobody reads, estimated from the stream itself: the age of the first record after
 * its checkpoint (the oldest record waiting). Cost: a GetShardIterator and a GetRecords of one record.
 * Once a waiting record is found its write time is kept, so the estimate grows with the clock at no
 * further cost until the checkpoint moves; while nothing waits it is read again on each call. (A
 * GetRecords may also come back empty before an open shard's records: then it says 0 until a later
 * read finds one.) DynamoDB Streams allows few readers per shard, so this is only asked for shards no
 * worker reads.
 */
final class StreamLagEstimates {
  private static final Logger LOG = LoggerFactory.getLogger(StreamLagEstimates.class);

  private record Found(String position, Instant oldestWaiting) {}

  private final DynamoDbStreamsClient streams;
  private final String streamArn;
  private final Map<String, Found> found = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();

  StreamLagEstimates(DynamoDbStreamsClient streams, String streamArn) {
    this.streams = streams;
    this.streamArn = streamArn;
  }

  /**
   * @param position the lease's checkpoint: a sequence number, TRIM_HORIZON, or null for a shard without
   *     a lease (read from its oldest record)
   * @return the estimate, or null when it cannot be made (LATEST, the stream unreadable)
   */
  Duration lag(String shardId, String position, Instant now) {
    String from = position == null ? "TRIM_HORIZON" : position;
    Found known = found.get(shardId);
    if (known != null && known.position().equals(from)) {
      return age(known.oldestWaiting(), now);
    }
    GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().streamArn(streamArn).shardId(shardId);
    if ("TRIM_HORIZON".equals(from)) {
      request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
    } else if (!from.isEmpty() && from.chars().allMatch(Character::isDigit)) {
      request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(from);
    } else {
      return null;
    }
    try {
      Instant oldest = firstRecordWrittenAt(request);
      if (oldest == null) {
        found.remove(shardId);
        return Duration.ZERO;
      }
      found.put(shardId, new Found(from, oldest));
      return age(oldest, now);
    } catch (TrimmedDataAccessException e) {
      // the checkpoint lies in trimmed data: what waits is the oldest record kept
      return "TRIM_HORIZON".equals(from) ? null : lag(shardId, "TRIM_HORIZON", now);
    } catch (SdkException e) {
      LOG.debug("shard {}: no lag estimate from the stream: {}", shardId, e.toString());
      return null;
    }
  }

  private Instant firstRecordWrittenAt(GetShardIteratorRequest.Builder request) {
    calls.incrementAndGet();
    String iterator = streams.getShardIterator(request.build()).shardIterator();
    if (iterator == null) {
      return null; // a closed shard read to its end
    }
    calls.incrementAndGet();
    var records = streams.getRecords(r -> r.shardIterator(iterator).limit(1)).records();
    Record first = records.isEmpty() ? null : records.get(0);
    return first == null || first.dynamodb() == null ? null : first.dynamodb().approximateCreationDateTime();
  }

  /** Forgets shards no longer asked about. */
  void keepOnly(Set<String> shardIds) {
    found.keySet().retainAll(shardIds);
  }

  /** Stream calls made for estimates so far. */
  long calls() {
    return calls.get();
  }

  private static Duration age(Instant then, Instant now) {
    Duration age = Duration.between(then, now);
    return age.isNegative() ? Duration.ZERO : age;
  }
}
