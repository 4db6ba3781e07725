package dev.shopstream.handlers.idempotency;

import java.time.Instant;

/** The answer to "may I perform this effect now?". */
public sealed interface Claim {

  /**
   * Yes: go ahead under {@code token}, then complete or release with it.
   *
   * @param previous the in-progress claim this one replaced (taken over), or null on a first claim
   */
  record Acquired(String token, Previous previous) implements Claim {
    /** An earlier attempt stopped mid-effect (crash, lost lease, unknown outcome): the effect may have happened. */
    public boolean takeover() {
      return previous != null;
    }
  }

  /**
   * The in-progress claim a takeover replaced.
   *
   * @param lease the shard lease it was taken under (null if none)
   * @param staleWhenTaken true when it had gone stale; false when its lease now belongs to the taker
   */
  record Previous(String owner, String token, String lease, Instant claimedAt, boolean staleWhenTaken) {}

  /** No: the effect was completed before (possibly by another worker, or before a replay). */
  record Completed(String detail, Instant completedAt) implements Claim {}

  /** Not now: another owner holds the claim until {@code staleAt}; try again later. */
  record HeldElsewhere(Instant staleAt) implements Claim {}

  /** An earlier attempt of this same owner holds it (its outcome is unknown) until {@code staleAt}. */
  record HeldByMe(String token, Instant claimedAt, Instant staleAt) implements Claim {}
}
