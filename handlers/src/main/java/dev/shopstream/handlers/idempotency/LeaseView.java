package dev.shopstream.handlers.idempotency;

import dev.shopstream.contracts.EventSource;

/**
 * Admission to effects, by shard lease: before a claim and again right before its effect call, the
 * worker checks that it still holds the lease of the record's shard, by time (its lease coordinator's
 * view, renewed every few seconds) and that the shard's work is not cancelled. A claim records the
 * lease with its epoch ({@link ShardLease}); a claim that meets the same lease under a newer epoch
 * tells this view ({@link #superseded}), which stops that shard's work here. Implemented by the pipeline
 * from KCL's lease coordinator; handlers never see KCL.
 */
public interface LeaseView {

  /** Holds no leases (a redrive from the command line, a test): no fencing, claims are taken over only when stale. */
  LeaseView NONE = source -> null;

  /**
   * @return the lease of {@code source}'s shard this process holds now, or null where it handles records
   *     without leases ({@link #NONE})
   * @throws dev.shopstream.handlers.EffectFailure retryable, when this worker no longer holds the shard's
   *     lease or its work there was cancelled: no effect may start
   */
  ShardLease admit(EventSource source);

  /** A claim showed that a holder with a newer epoch than {@code lease}'s has the shard: stop its work here. */
  default void superseded(EventSource source, ShardLease lease, long newerEpoch) {}
}
