package dev.shopstream.handlers.idempotency;

import java.util.Objects;

/**
 * The shard lease an effect's record is handled under, as a claim records it.
 *
 * @param name the lease ({@code <application>/<shard id>}): a replay, its own application, never meets the
 *     live worker's leases
 * @param epoch the holder's fencing epoch: KCL's lease counter when this holder took the lease. Every later
 *     holder of the lease has a strictly greater one (a take or an assignment increments the counter, and a
 *     holder whose lease moved can no longer renew it), so an old holder cannot forge it
 */
public record ShardLease(String name, long epoch) {
  public ShardLease {
    Objects.requireNonNull(name, "name");
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must not be negative, got " + epoch);
    }
  }

  @Override
  public String toString() {
    return name + "@" + epoch;
  }
}
