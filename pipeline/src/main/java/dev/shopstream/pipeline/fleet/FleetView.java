package dev.shopstream.pipeline.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The fleet as one read of the lease table (and the stream's shard list) shows it: every shard of the
 * stream, open, closed or without a lease yet, with its owner, whether that owner still renews the
 * lease, its checkpoint, checkpoint age and lag; and every worker named as the owner of an unfinished
 * shard, with the leases it holds and when one of them was last seen renewed.
 *
 * @param readAt when the lease table was read
 */
public record FleetView(Instant readAt, List<Shard> shards, List<Worker> workers) {
  public FleetView {
    shards = List.copyOf(shards);
    workers = List.copyOf(workers);
  }

  /** What the stream's shard list says of a shard. */
  public enum Stream {
    OPEN,
    CLOSED,
    /** a lease names it but the stream's listing does not (past the 24 h retention, or listed before it opened) */
    UNLISTED
  }

  /** Whether a shard's lease is held. */
  public enum Holding {
    /** its owner renewed it within the last lease duration */
    HELD,
    /**
     * its owner has not renewed it for a lease duration (stopped, cut off): nobody reads the shard until it is taken
     */
    EXPIRED,
    /** no owner: never taken, released, or no lease yet */
    NONE
  }

  /** Where a shard's lag comes from, and so how much to trust it. */
  public enum LagSource {
    /** this worker holds the shard: the age of its oldest unhandled record, exact */
    OWN,
    /** the holder's own figure, written into the lease at most one fleet-view interval ago */
    HOLDER,
    /**
     * nobody holds it (or its holder reports nothing): the age of the first record after the checkpoint, read from the
     * stream
     */
    STREAM,
    /** the shard ended and every record of it was handled */
    DONE,
    /** not known: held by a worker that reports no lag, or the stream could not be read */
    UNKNOWN
  }

  /**
   * One shard.
   *
   * @param leased whether the lease table has a lease for it
   * @param owner the lease's owner (null: none)
   * @param checkpoint a sequence number, TRIM_HORIZON, LATEST or SHARD_END (null: no lease)
   * @param checkpointAge since the checkpoint last moved (null when finished or unknown)
   * @param lag how far the shard's handled records are behind the stream (null when unknown)
   */
  public record Shard(String shardId, Stream stream, boolean leased, String owner, Holding holding, String checkpoint,
      Duration checkpointAge, Duration lag, LagSource lagSource) {

    /** The shard ended and was handled to its end: nobody needs to hold it. */
    public boolean finished() {
      return "SHARD_END".equals(checkpoint);
    }

    /** Not finished and not held by a worker that renews its lease: nobody reads it. */
    public boolean unowned() {
      return !finished() && holding != Holding.HELD;
    }
  }

  /**
   * A worker named as the owner of an unfinished shard.
   *
   * @param leases leases it holds and renews
   * @param lastRenewal when one of its leases was last seen renewed (by this reader)
   */
  public record Worker(String workerId, int leases, Instant lastRenewal) {}

  /** Unfinished shards no live worker holds. */
  public long unowned() {
    return shards.stream().filter(Shard::unowned).count();
  }

  /** Workers holding at least one lease they renew. */
  public long liveWorkers() {
    return workers.stream().filter(w -> w.leases() > 0).count();
  }
}
