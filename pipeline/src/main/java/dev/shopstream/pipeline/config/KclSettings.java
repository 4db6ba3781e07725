package dev.shopstream.pipeline.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the worker runs KCL: leases, their assignment and start-up. Meanings and ranges: the
 * {@code SHOP_KCL_*} keys of {@link ConfigKey}.
 *
 * @param failover lease duration
 * @param leaseAssignmentInterval how often KCL 3's leader assigns leases (LEADER assignment)
 * @param workerMetrics whether KCL 3 balances by worker CPU
 * @param assignment who hands out leases
 * @param eagerLeaseSync on an empty lease table, create the leases at once instead of KCL's random 1-30 s wait
 * @param dispatchInterval the pause of KCL's scheduler loop, which starts, advances and stops shard consumers
 */
public record KclSettings(Duration failover, Duration leaseAssignmentInterval, boolean workerMetrics,
    LeaseAssignment assignment, boolean eagerLeaseSync, Duration dispatchInterval) {
  public KclSettings {
    Objects.requireNonNull(failover, "failover");
    Objects.requireNonNull(leaseAssignmentInterval, "leaseAssignmentInterval");
    Objects.requireNonNull(assignment, "assignment");
    Objects.requireNonNull(dispatchInterval, "dispatchInterval");
  }
}
