package dev.shopstream.pipeline.kcl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.LeaseRefresher;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * Gives this worker's leases back after it stopped. KCL's graceful shutdown in 2.x-style lease taking
 * checkpoints every shard but only stops renewing the leases: they stay owned in the lease table until
 * they expire, and another worker takes an owned lease only after watching it unrenewed for a lease
 * duration (its next taker run, up to 2 x SHOP_KCL_FAILOVER_MILLIS later, plus that duration). A
 * lease without owner is taken at the next taker run. One conditional UpdateItem per lease held
 * (KCL's own evictLease: only if this worker still owns it).
 */
public final class LeaseRelease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  /** @return how many leases were released */
  public static int releaseHeldBy(Scheduler scheduler, String workerId) {
    LeaseRefresher leases = scheduler.leaseRefresher();
    int released = 0;
    try {
      for (Lease lease : leases.listLeases()) {
        if (workerId.equals(lease.leaseOwner()) && !ExtendedSequenceNumber.SHARD_END.equals(lease.checkpoint())
            && leases.evictLease(lease)) {
          released++;
        }
      }
      LOG.info("released {} lease(s) of worker {} for the other workers to take at once", released, workerId);
    } catch (Exception e) {
      LOG.warn("could not release the leases of worker {} ({}); they move to other workers once they expire", workerId,
          e.toString());
    }
    return released;
  }
}
