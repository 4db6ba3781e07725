package dev.shopstream.pipeline.testing;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long after a worker's death each of its shards took to be held by a live worker, read from the lease
 * table every 100 ms (a reading is timed when its Scan returned: at most ~100 ms plus one Scan late).
 */
public final class LeaseTakeover {
  private LeaseTakeover() {}

  /**
   * Polls until every shard of {@code orphans} is owned by one of {@code survivors}, or {@code bound} after the
   * death has passed.
   *
   * @param diedAtNanos {@link System#nanoTime()} at the death
   * @return shard -> time from the death to the first reading with a live owner; shards never taken are absent
   */
  public static Map<String, Duration> await(LeaseTable leases, Collection<String> orphans, Collection<String> survivors,
      long diedAtNanos, Duration bound) throws InterruptedException {
    Map<String, Duration> taken = new TreeMap<>();
    long deadline = diedAtNanos + bound.toNanos();
    while (taken.size() < orphans.size() && System.nanoTime() < deadline) {
      Map<String, LeaseTable.Lease> now = leases.leases();
      long readAt = System.nanoTime();
      for (String shard : orphans) {
        LeaseTable.Lease lease = now.get(shard);
        if (!taken.containsKey(shard) && lease != null && survivors.contains(lease.owner())) {
          taken.put(shard, Duration.ofNanos(readAt - diedAtNanos));
        }
      }
      Thread.sleep(100);
    }
    return taken;
  }
}
