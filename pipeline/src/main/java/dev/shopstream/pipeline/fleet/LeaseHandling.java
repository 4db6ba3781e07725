package dev.shopstream.pipeline.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the lease table says of how far shards were handled and who works on them, for the gap repair: each
 * holder writes its shard's lag into the lease every fleet-view interval ({@link LeaseReports}), and the lease
 * outlives the holder, so a worker that finds a shard's checkpoint past the retention can still read up to
 * when its changes had been handled.
 */
public final class LeaseHandling {
  private final LeaseTableScan leases;

  public LeaseHandling(DynamoDbClient dynamo, String leaseTable) {
    this.leases = new LeaseTableScan(dynamo, leaseTable);
  }

  /**
   * The write time before which every change of the shard had been handled at its holder's last report: the
   * report's time less the age of the oldest record not yet handled then; empty when no holder ever reported.
   */
  public Optional<Instant> handledThrough(String shardId) {
    Lease lease = leases.read(shardId);
    if (lease == null || lease.reportedAt() == null || lease.reportedLagMillis() == null) {
      return Optional.empty();
    }
    return Optional.of(lease.reportedAt().minus(Duration.ofMillis(lease.reportedLagMillis())));
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
