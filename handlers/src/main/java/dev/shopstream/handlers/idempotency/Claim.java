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
   * @param lastAttemptAt when its latest attempt started (the start of the provider's settle time)
   * @param staleWhenTaken true when it had gone stale; false when it was an older holder's of our lease
   *     whose effect window had passed
   */
  record Previous(String owner, String token, ShardLease lease, Instant lastAttemptAt, boolean staleWhenTaken) {}

  /** No: the effect was completed before (possibly by another worker, or before a replay). */
  record Completed(String detail, Instant completedAt) implements Claim {}

  /**
   * Not now: another attempt holds the claim; try again after {@code until} (when it goes stale, or when an
   * older holder's effect window ends).
   */
  record HeldElsewhere(Instant until) implements Claim {}

  /** An earlier attempt of this same owner holds it (its outcome is unknown) until {@code staleAt}. */
  record HeldByMe(String token, Instant lastAttemptAt, Instant staleAt) implements Claim {}

  /**
   * Never: a newer holder of the same lease ({@code epoch}) has claimed it. The claimant is a zombie for
   * this shard and must stop its work there.
   */
  record Superseded(long epoch) implements Claim {}
}
