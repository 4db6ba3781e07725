package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.EventSource;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.idempotency.LeaseView;
import dev.shopstream.handlers.idempotency.ShardLease;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard leases this worker holds, as effects are admitted under them ({@link LeaseView}). Each shard
 * processor registers its lease with the epoch it took it at, its work's cancellation and how to check,
 * by time, that the lease is still its own; a processor's registration is its own (a late release of an
 * earlier processor of the same shard leaves the newer one's in place). A lease is named
 * {@code <application>/<shard id>}, so a replay (its own application) never meets the live worker's.
 *
 * <p>Admission fails, and cancels that shard's work here, when the lease is no longer held or a claim
 * showed a newer holder: the work stops where it is admitted, not only where it is checkpointed.
 */
public final class ShardLeases implements LeaseView {
  private static final Logger LOG = LoggerFactory.getLogger(ShardLeases.class);

  /** Whether the lease a processor took is still its own now, by time (KCL's lease coordinator at the KCL edge). */
  @FunctionalInterface
  public interface Holding {
    boolean stillHeld();
  }

  /** One processor's hold on a shard. */
  public static final class Registration {
    private final String shardId;
    private final ShardLease lease;
    private final Cancellation work;
    private final Holding holding;

    private Registration(String shardId, ShardLease lease, Cancellation work, Holding holding) {
      this.shardId = shardId;
      this.lease = lease;
      this.work = work;
      this.holding = holding;
    }

    /** Still held by time and not cancelled; cancels the work when the lease turned out gone. */
    public boolean check() {
      if (work.isCancelled()) {
        return false;
      }
      if (!holding.stillHeld()) {
        work.cancel("lease " + lease + " no longer held by this worker (not renewed in time, or taken)");
        return false;
      }
      return true;
    }
  }

  private final String applicationName;
  private final Map<String, Registration> held = new ConcurrentHashMap<>();

  public ShardLeases(String applicationName) {
    this.applicationName = applicationName;
  }

  /** A processor took {@code shardId}'s lease at {@code epoch}; its work is {@code work}. */
  public Registration register(String shardId, long epoch, Cancellation work, Holding holding) {
    Registration registration = new Registration(shardId, new ShardLease(applicationName + "/" + shardId, epoch), work,
        holding);
    Registration before = held.put(shardId, registration);
    if (before != null) {
      before.work.cancel("lease " + before.lease + " taken again by this worker at epoch " + epoch);
    }
    return registration;
  }

  /** The processor's hold is over (lease lost, shard ended, shut down); a newer processor's stays. */
  public void release(Registration registration) {
    if (registration != null) {
      held.remove(registration.shardId, registration);
    }
  }

  @Override
  public ShardLease admit(EventSource source) {
    Registration registration = held.get(source.shardId());
    if (registration == null) {
      throw EffectFailure.retryable("this worker does not hold the lease of shard " + source.shardId()
          + " (any more): no effect starts", null);
    }
    if (!registration.check()) {
      throw EffectFailure.retryable("shard " + source.shardId() + ": " + registration.work.reason()
          + "; no effect starts", null);
    }
    return registration.lease;
  }

  @Override
  public void superseded(EventSource source, ShardLease lease, long newerEpoch) {
    Registration registration = held.get(source.shardId());
    if (registration != null && registration.lease.epoch() < newerEpoch && !registration.work.isCancelled()) {
      LOG.warn("shard {}: a claim shows a newer holder of lease {} (epoch {}, ours {}): stopping this shard's work "
          + "here", source.shardId(), lease.name(), newerEpoch, registration.lease.epoch());
      registration.work.cancel("lease " + registration.lease + " superseded by epoch " + newerEpoch);
    }
  }
}
