package dev.shopstream.pipeline.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which leases are still renewed, judged as KCL's own lease taker judges it: a lease whose owner and
 * counter have not changed for a lease duration, counted from the read that first saw them so, is
 * expired. A lease seen for the first time counts as renewed then, so a reader needs reads spanning a
 * lease duration before it can call anything expired ({@code status} reads twice for that).
 */
final class LeaseRenewals {
  private record Seen(String owner, Long counter, Instant since) {}

  private final Duration leaseDuration;
  private final Map<String, Seen> seen = new HashMap<>();

  LeaseRenewals(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

  synchronized void observe(Collection<Lease> leases, Instant now) {
    Set<String> present = leases.stream().map(Lease::shardId).collect(Collectors.toSet());
    seen.keySet().retainAll(present);
    for (Lease lease : leases) {
      Seen before = seen.get(lease.shardId());
      if (before == null || !Objects.equals(before.owner(), lease.owner())
          || !Objects.equals(before.counter(), lease.counter())) {
        seen.put(lease.shardId(), new Seen(lease.owner(), lease.counter(), now));
      }
    }
  }

  /** When the lease was last seen to change (renewed, taken); null if never seen. */
  synchronized Instant lastRenewal(String shardId) {
    Seen last = seen.get(shardId);
    return last == null ? null : last.since();
  }

  /** Whether its owner has let it go unrenewed for longer than a lease duration, as of {@code now}. */
  synchronized boolean expired(String shardId, Instant now) {
    Seen last = seen.get(shardId);
    return last != null && Duration.between(last.since(), now).compareTo(leaseDuration) > 0;
  }
}
