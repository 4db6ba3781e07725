package dev.shopstream.handlers.idempotency;

/**
 * Claims on external effects, keyed by (scope, key): a scope per handler, a business key per effect
 * (a user's order for its confirmation email). A claim is in progress until completed or released.
 * An in-progress claim can be taken over when it is stale (older than the store's timeout: its owner
 * presumed dead), or, under the same shard lease, by a holder with a strictly newer epoch once the
 * older attempt's {@link EffectWindow} has passed. A claim of the same lease under a newer epoch than
 * the claimant's answers {@link Claim.Superseded}: nothing an old holder does can take it back.
 * Completion and release are fenced by the claim's token: an owner whose claim was taken over changes
 * nothing.
 */
public interface IdempotencyStore {

  /**
   * @param token this attempt's token (unique; SES messages carry it as a tag)
   * @param owner the claiming process (a worker's owner token): its own claims answer {@link Claim.HeldByMe}
   * @param lease the shard lease the claimant holds for this effect's record now, or null
   */
  Claim claim(String scope, String key, String eventId, String token, String owner, ShardLease lease);

  /**
   * Starts an attempt under a claim this owner holds that an earlier attempt made (one of its own whose
   * unknown outcome was resolved as "not done", or one it took over): records the attempt's time, which
   * restarts its effect window and the provider's settle time, and the lease it runs under. A claim taken
   * over keeps the earlier attempt's time until then, so waiting for evidence never pushes it forward.
   *
   * @return false when the claim is no longer {@code token}'s (taken over, completed): do not run
   */
  boolean reattempt(String scope, String key, String token, ShardLease lease);

  /**
   * Marks the effect done if the claim is still {@code token}'s; later claims answer {@link Claim.Completed}.
   *
   * @return false when fenced: the claim was taken over by another attempt (which now owns the outcome)
   */
  boolean complete(String scope, String key, String token, String detail);

  /** Gives the claim up after an effect known not to have happened, so the next attempt can claim at once. */
  void release(String scope, String key, String token);
}
