package dev.shopstream.pipeline.kcl;

import dev.shopstream.pipeline.processing.ShardLeases;

/** Where a shard processor learns the lease it works under: its epoch, and whether it is still held. */
public interface LeaseSource {

  /**
   * @param epoch the fencing epoch: KCL's lease counter as this worker holds the lease now
   * @param holding whether this same take of the lease is still held, by time
   */
  record HeldLease(long epoch, ShardLeases.Holding holding) {}

  /** @return the shard's lease as this worker holds it now, or null when it does not (expired, lost) */
  HeldLease current(String shardId);
}
