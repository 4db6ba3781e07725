package dev.shopstream.pipeline.kcl;

import java.util.Objects;
import java.util.UUID;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.LeaseCoordinator;

/**
 * The shard leases as KCL's lease coordinator holds them. {@link LeaseCoordinator#getCurrentlyHeldLease}
 * answers from memory (no DynamoDB call) and returns nothing once a lease has gone unrenewed for the lease
 * duration, or its renewal failed because another worker took it: "held by time".
 *
 * <p>The epoch is the lease's counter as this worker first sees it held. KCL writes the counter only by
 * conditional increments (each renewal, take, assignment and eviction), and a worker whose lease was taken
 * or reassigned can no longer renew it; a new holder discovers or takes a lease only after the previous
 * holder's last counter value was replaced by a greater one. So every holder's epoch is greater than any
 * counter an earlier holder ever held. The concurrency token KCL draws for each take tells one take of the
 * lease from a later one by the same worker.
 */
public final class KclLeases implements LeaseSource {
  private volatile LeaseCoordinator coordinator;

  /** Called once the scheduler is built, before it runs (processors start only once it runs). */
  public void attach(Scheduler scheduler) {
    coordinator = scheduler.leaseCoordinator();
  }

  @Override
  public HeldLease current(String shardId) {
    LeaseCoordinator leases = coordinator;
    Lease lease = leases == null ? null : leases.getCurrentlyHeldLease(shardId);
    if (lease == null || lease.leaseCounter() == null) {
      return null;
    }
    UUID take = lease.concurrencyToken();
    return new HeldLease(lease.leaseCounter(), () -> {
      Lease now = leases.getCurrentlyHeldLease(shardId);
      return now != null && Objects.equals(take, now.concurrencyToken());
    });
  }
}
