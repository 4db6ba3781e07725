package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.EventSource;
import dev.shopstream.handlers.idempotency.LeaseView;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shard leases this worker holds now, for handlers' claims ({@link LeaseView}): a shard is held
 * from its processor's initialisation until its lease is lost, it ends or it is shut down (as
 * {@link ShardProgress} sees it). A lease is named {@code <application>/<shard id>}, so a replay
 * (its own application) never takes over the live worker's claims at once.
 */
public final class HeldLeases implements LeaseView {
  private final String applicationName;
  private final Set<String> shards = ConcurrentHashMap.newKeySet();

  public HeldLeases(String applicationName) {
    this.applicationName = applicationName;
  }

  void taken(String shardId) {
    shards.add(shardId);
  }

  void released(String shardId) {
    shards.remove(shardId);
  }

  @Override
  public String heldLease(EventSource source) {
    return shards.contains(source.shardId()) ? applicationName + "/" + source.shardId() : null;
  }
}
