package dev.shopstream.pipeline.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the lease table says of how far shards were handled and who works on them, for the gap repair: each
 * holder writes its shard's lag into the lease every fleet-view interval ({@link LeaseReports}), and the lease
 * outlives the holder, so a worker that finds a shard's checkpoint past the retention can still read up to
 * when its changes had been handled.
 */
public final class LeaseHandling {
  private final DynamoDbClient dynamo;
  private final LeaseTableScan leases;

  public LeaseHandling(DynamoDbClient dynamo, String leaseTable) {
    this.dynamo = dynamo;
    this.leases = new LeaseTableScan(dynamo, leaseTable);
  }

  /**
   * The write time before which every change of the shard had been handled at its holder's last report: the
   * report's time less the age of the oldest record not yet handled then; empty when no holder ever reported.
   */
  public Optional<Instant> handledThrough(String shardId) {
    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(leases.table()).consistentRead(true)
        .key(Map.of(LeaseTableScan.LEASE_KEY, AttributeValue.fromS(shardId)))).item();
    AttributeValue at = item == null ? null : item.get(LeaseTableScan.REPORTED_AT);
    AttributeValue lag = item == null ? null : item.get(LeaseTableScan.REPORTED_LAG_MILLIS);
    if (at == null || lag == null || at.n() == null || lag.n() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(at.n()))
          .minus(Duration.ofMillis(Long.parseLong(lag.n()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The workers that own a lease now. */
  public Set<String> owners() {
    Set<String> owners = new HashSet<>();
    leases.read().forEach(lease -> {
      if (lease.owner() != null) {
        owners.add(lease.owner());
      }
    });
    return owners;
  }
}
