package dev.shopstream.pipeline.kcl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.common.StreamConfig;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.LeaseRefresher;

/**
 * {@code SHOP_KCL_EAGER_LEASE_SYNC}: run before the scheduler, on its thread. On an empty lease table
 * KCL 3.1.1 waits a random 1-30 s (hard-coded, in 3 s steps) for another worker to create the leases
 * before creating them itself ({@code Scheduler.shouldInitiateLeaseSync}); a new application's first
 * task, and every replay, pays that wait. This does what KCL does after the wait, with KCL's own
 * parts, first: create the lease table (KCL's schema), wait for it polling every second (KCL polls
 * every 10 s) and, while it is empty, sync the shards into leases. KCL then finds leases and skips
 * both. Workers starting together each list the shards once; lease creation is conditional, so
 * nothing is created twice. Anything failing here is left to KCL's own start, which retries it.
 */
public final class EagerLeaseSync {
  private static final Logger LOG = LoggerFactory.getLogger(EagerLeaseSync.class);
  private static final long POLL_SECONDS = 1;
  private static final long TABLE_TIMEOUT_SECONDS = 600;

  private EagerLeaseSync() {}

  /** @return true if this call created the leases, false if there were leases already or it could not */
  public static boolean prepare(Scheduler scheduler) {
    LeaseRefresher leases = scheduler.leaseRefresher();
    try {
      leases.createLeaseTableIfNotExists();
      if (!leases.waitUntilLeaseTableExists(POLL_SECONDS, TABLE_TIMEOUT_SECONDS) || !leases.isLeaseTableEmpty()) {
        return false;
      }
      long start = System.nanoTime();
      for (StreamConfig stream : scheduler.currentStreamConfigMap().values()) {
        Exception failed = scheduler.shardSyncTaskManagerProvider().apply(stream).callShardSyncTask().getException();
        if (failed != null) {
          throw failed;
        }
      }
      LOG.info("empty lease table {}: created the shards' leases in {} ms", scheduler.applicationName(),
          (System.nanoTime() - start) / 1_000_000);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      LOG.warn("could not create the leases ahead of KCL ({}); KCL's own start-up does it", cause.toString());
      return false;
    }
  }
}
