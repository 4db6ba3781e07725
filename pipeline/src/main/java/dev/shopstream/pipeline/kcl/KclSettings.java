package dev.shopstream.pipeline.kcl;

import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.time.Duration;

/**
 * How the worker runs KCL: leases, their assignment, start-up and KCL's own metrics.
 *
 * @param failover lease duration
 * @param leaseAssignmentInterval how often KCL 3's leader assigns leases (LEADER assignment)
 * @param workerMetrics whether KCL 3 balances by worker CPU
 * @param assignment who hands out leases
 * @param eagerLeaseSync on an empty lease table, create the leases at once instead of KCL's random 1-30 s wait
 * @param dispatchInterval the pause of KCL's scheduler loop, which starts, advances and stops shard consumers
 * @param metricsLevel how much of KCL's own metrics is recorded
 */
public record KclSettings(Duration failover, Duration leaseAssignmentInterval, boolean workerMetrics,
    LeaseAssignment assignment, boolean eagerLeaseSync, Duration dispatchInterval, KclMetricsLevel metricsLevel) {
  public static final Setting<Duration> FAILOVER = Setting.millis("SHOP_KCL_FAILOVER_MILLIS", 5000, 1000, 600_000,
      "Lease duration: a worker that has not renewed its lease for this long loses it to others. Each lease is "
          + "renewed every third of it (one conditional write); with WORKERS assignment a killed worker's shards "
          + "move after 1.7-4 x this (8-20 s at 5000).");
  public static final Setting<Duration> LEASE_ASSIGNMENT = Setting.millis("SHOP_KCL_LEASE_ASSIGNMENT_MILLIS", 20_000,
      1000, 600_000, "How often the KCL leader assigns leases to workers. Lower: faster start and failover.");
  public static final Setting<Boolean> WORKER_METRICS = Setting.flag("SHOP_KCL_WORKER_METRICS", true,
      "true: KCL 3 balances leases by worker CPU (reads ECS/EC2 metadata). false: by throughput only (use off AWS).");
  public static final Setting<LeaseAssignment> ASSIGNMENT = Setting.choice("SHOP_KCL_ASSIGNMENT",
      LeaseAssignment.WORKERS,
      "Who hands out shard leases: WORKERS (each worker takes unowned and expired leases itself, KCL 2.x style: a "
          + "SIGKILLed worker's shards move after 1.7-4 x SHOP_KCL_FAILOVER_MILLIS) or LEADER (KCL 3's elected "
          + "leader assigns them by load; if the leader dies, nothing moves until its 2-minute lock expires). Switch "
          + "with all workers stopped.");
  public static final Setting<Boolean> EAGER_LEASE_SYNC = Setting.flag("SHOP_KCL_EAGER_LEASE_SYNC", true,
      "On an empty lease table (a new application, a replay), the starting worker lists the stream's shards and "
          + "creates their leases at once. false: KCL's own start, a random 1-30 s wait for another worker to do it "
          + "(spreads the shard listing of many workers starting together).");
  public static final Setting<Duration> DISPATCH = Setting.millis("SHOP_KCL_DISPATCH_MILLIS", 200, 50, 10_000,
      "Pause of KCL's scheduler loop, which starts, advances and stops shard consumers: a newly taken shard needs "
          + "three turns before its first read. In memory, no AWS calls; KCL's own default is 1000.");
  public static final Setting<KclMetricsLevel> METRICS_LEVEL = Setting.choice("SHOP_KCL_METRICS_LEVEL",
      KclMetricsLevel.DETAILED,
      "KCL's own metrics, recorded into the worker's registry (kcl_* on /metrics; nothing goes to CloudWatch): NONE, "
          + "SUMMARY (per operation: successes, times, leases taken, lost and held, workers seen, records processed) "
          + "or DETAILED (also per shard: GetRecords latency, lease calls).");

  public static KclSettings read(SettingValues values) {
    return new KclSettings(values.get(FAILOVER), values.get(LEASE_ASSIGNMENT), values.get(WORKER_METRICS),
        values.get(ASSIGNMENT), values.get(EAGER_LEASE_SYNC), values.get(DISPATCH), values.get(METRICS_LEVEL));
  }
}
