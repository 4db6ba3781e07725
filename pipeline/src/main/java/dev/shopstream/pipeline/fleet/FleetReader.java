package dev.shopstream.pipeline.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Builds the {@link FleetView} from the lease table, the stream's shard list, what the holders reported
 * into their leases and what the reading worker knows of its own shards. Each read is one Scan of the
 * lease table, a DescribeStream when due ({@link StreamShards}) and, per shard nobody holds, a lag
 * estimate from the stream ({@link StreamLagEstimates}). Whether a lease is still renewed is judged over
 * successive reads ({@link LeaseRenewals}): keep one reader and read it repeatedly.
 */
public final class FleetReader {
  private final LeaseTableScan scan;
  private final StreamShards streamShards;
  private final StreamLagEstimates estimates;
  private final LeaseRenewals renewals;
  private final CheckpointAges checkpointAges = new CheckpointAges();
  private final String workerId;
  private final Duration reportsFreshFor;
  private final boolean estimateUnreported;
  private final Clock clock;

  FleetReader(LeaseTableScan scan, StreamShards streamShards, StreamLagEstimates estimates, Duration leaseDuration,
      String workerId, Duration reportsFreshFor, boolean estimateUnreported, Clock clock) {
    this.scan = scan;
    this.streamShards = streamShards;
    this.estimates = estimates;
    this.renewals = new LeaseRenewals(leaseDuration);
    this.workerId = workerId;
    this.reportsFreshFor = reportsFreshFor;
    this.estimateUnreported = estimateUnreported;
    this.clock = clock;
  }

  /**
   * The reader of a worker: its own shards exact, others' from their holders' reports, estimates from the
   * stream only for shards nobody holds (a held shard has its reader already).
   *
   * @param interval how often the workers report (a report older than 3 of them is not trusted)
   */
  public static FleetReader forWorker(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String leaseTable,
      String streamArn, String workerId, Duration leaseDuration, Duration interval, Clock clock) {
    return new FleetReader(new LeaseTableScan(dynamo, leaseTable), new StreamShards(streams, streamArn),
        new StreamLagEstimates(streams, streamArn), leaseDuration, workerId, interval.multipliedBy(3), false, clock);
  }

  /**
   * The reader of {@code status}: it holds nothing, and also estimates from the stream the lag of a held
   * shard whose holder reports none (a worker of an earlier version), as {@code status} always did.
   */
  public static FleetReader forStatus(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String leaseTable,
      String streamArn, Duration leaseDuration, Duration interval, Clock clock) {
    return new FleetReader(new LeaseTableScan(dynamo, leaseTable), new StreamShards(streams, streamArn),
        new StreamLagEstimates(streams, streamArn), leaseDuration, null, interval.multipliedBy(3), true, clock);
  }

  /** @param own the shards the reading worker processes now (none for {@code status}) */
  public FleetView read(Collection<OwnShard> own) {
    Instant now = clock.instant();
    List<Lease> leases = scan.read();
    renewals.observe(leases, now);
    Map<String, Lease> byShard = leases.stream().collect(Collectors.toMap(Lease::shardId,
        Function.identity(), (a, b) -> a));
    Map<String, StreamShards.Listed> listed = streamShards.shards(byShard.keySet(), now);
    Map<String, OwnShard> mine = own.stream().collect(Collectors.toMap(OwnShard::shardId,
        Function.identity(), (a, b) -> a));
    TreeSet<String> ids = new TreeSet<>(byShard.keySet());
    ids.addAll(listed.keySet());

    List<FleetView.Shard> shards = new ArrayList<>();
    for (String id : ids) {
      shards.add(shard(id, byShard.get(id), listed.get(id), mine.get(id), now));
    }
    estimates.keepOnly(ids);
    checkpointAges.keepOnly(ids);
    return new FleetView(now, shards, workers(shards, now));
  }

  /** Stream calls made for lag estimates so far (the cost of shards nobody holds). */
  public long streamCalls() {
    return estimates.calls();
  }

  public String leaseTable() {
    return scan.table();
  }

  private FleetView.Shard shard(String id, Lease lease, StreamShards.Listed listed, OwnShard own, Instant now) {
    FleetView.Stream stream = listed == null ? FleetView.Stream.UNLISTED
        : listed.open() ? FleetView.Stream.OPEN : FleetView.Stream.CLOSED;
    if (lease == null) {
      Duration lag = estimates.lag(id, null, now);
      return new FleetView.Shard(id, stream, false, null, FleetView.Holding.NONE, null, null, lag,
          lag == null ? FleetView.LagSource.UNKNOWN : FleetView.LagSource.STREAM);
    }
    String owner = lease.owner();
    boolean mineNow = own != null && owner != null && owner.equals(workerId);
    FleetView.Holding holding = owner == null ? FleetView.Holding.NONE
        : mineNow || !renewals.expired(id, now) ? FleetView.Holding.HELD : FleetView.Holding.EXPIRED;
    String checkpoint = lease.checkpoint();
    if ("SHARD_END".equals(checkpoint)) {
      return new FleetView.Shard(id, stream, true, owner, holding, checkpoint, null, Duration.ZERO,
          FleetView.LagSource.DONE);
    }
    if (mineNow) {
      return new FleetView.Shard(id, stream, true, owner, holding, checkpoint, age(own.lastCheckpointAt(), now),
          own.lag(), FleetView.LagSource.OWN);
    }
    boolean reported = holding == FleetView.Holding.HELD && lease.reportedLagMillis() != null
        && lease.reportedAt() != null && Objects.equals(lease.reportedBy(), owner)
        && !lease.reportedAt().isBefore(now.minus(reportsFreshFor));
    if (reported) {
      Duration checkpointAge = lease.reportedCheckpointAt() == null
          ? checkpointAges.age(id, String.valueOf(checkpoint), null, now) : age(lease.reportedCheckpointAt(), now);
      return new FleetView.Shard(id, stream, true, owner, holding, checkpoint, checkpointAge,
          Duration.ofMillis(Math.max(0, lease.reportedLagMillis())), FleetView.LagSource.HOLDER);
    }
    Duration checkpointAge = checkpointAges.age(id, String.valueOf(checkpoint), lease.reportedCheckpointAt(), now);
    Duration lag = holding != FleetView.Holding.HELD || estimateUnreported ? estimates.lag(id, checkpoint, now) : null;
    return new FleetView.Shard(id, stream, true, owner, holding, checkpoint, checkpointAge, lag,
        lag == null ? FleetView.LagSource.UNKNOWN : FleetView.LagSource.STREAM);
  }

  private List<FleetView.Worker> workers(List<FleetView.Shard> shards, Instant now) {
    Map<String, int[]> held = new TreeMap<>();
    Map<String, Instant> renewed = new TreeMap<>();
    for (FleetView.Shard shard : shards) {
      if (shard.owner() == null || shard.finished()) {
        continue;
      }
      held.computeIfAbsent(shard.owner(), k -> new int[1])[0] += shard.holding() == FleetView.Holding.HELD ? 1 : 0;
      Instant last = renewals.lastRenewal(shard.shardId());
      if (last != null) {
        renewed.merge(shard.owner(), last, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    return held.entrySet().stream()
        .map(e -> new FleetView.Worker(e.getKey(), e.getValue()[0], renewed.get(e.getKey())))
        .toList();
  }

  private static Duration age(Instant then, Instant now) {
    if (then == null) {
      return null;
    }
    Duration age = Duration.between(then, now);
    return age.isNegative() ? Duration.ZERO : age;
  }
}
