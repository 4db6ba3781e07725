package dev.shopstream.pipeline.fleet;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Writes what this worker knows of the shards it holds into their leases, so that every other worker
 * (and {@code status}) sees the exact lag of shards it does not hold: per lease one conditional
 * UpdateItem of four attributes of this project's own ({@code shopLagMillis}, {@code shopCheckpointAt},
 * {@code shopReportedAt}, {@code shopReportedBy}), only while this worker still owns the lease and the lease exists.
 * KCL's own attributes (owner, counter, checkpoint) are never touched, so its conditional renewals, takes and
 * checkpoints are not affected; KCL ignores attributes it does not know.
 */
final class LeaseReports {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReports.class);

  private final DynamoDbClient dynamo;
  private final String table;
  private final String workerId;

  LeaseReports(DynamoDbClient dynamo, String table, String workerId) {
    this.dynamo = dynamo;
    this.table = table;
    this.workerId = workerId;
  }

  /** @return the first failure other than a lease no longer ours (null: every report written or refused as not ours) */
  SdkException report(Collection<OwnShard> shards, Instant now) {
    SdkException failure = null;
    for (OwnShard shard : shards) {
      try {
        dynamo.updateItem(r -> r.tableName(table)
            .key(Map.of(LeaseTableScan.LEASE_KEY, AttributeValue.fromS(shard.shardId())))
            .conditionExpression("attribute_exists(#key) AND #owner = :me")
            .updateExpression("SET #lag = :lag, #checkpointAt = :checkpointAt, #at = :at, #by = :me")
            .expressionAttributeNames(Map.of("#key", LeaseTableScan.LEASE_KEY, "#owner", LeaseTableScan.OWNER,
                "#lag", LeaseTableScan.REPORTED_LAG_MILLIS, "#checkpointAt", LeaseTableScan.REPORTED_CHECKPOINT_AT,
                "#at", LeaseTableScan.REPORTED_AT, "#by", LeaseTableScan.REPORTED_BY))
            .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(workerId),
                ":lag", millis(shard.lag().toMillis()),
                ":checkpointAt", millis(shard.lastCheckpointAt().toEpochMilli()),
                ":at", millis(now.toEpochMilli()))));
      } catch (ConditionalCheckFailedException e) {
        LOG.debug("shard {}: lease no longer ours, nothing reported", shard.shardId());
      } catch (SdkException e) {
        failure = failure == null ? e : failure;
      }
    }
    return failure;
  }

  private static AttributeValue millis(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
