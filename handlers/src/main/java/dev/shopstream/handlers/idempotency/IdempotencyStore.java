package dev.shopstream.handlers.idempotency;

/**
 * Claims on external effects, keyed by (scope, key): a scope per handler, a business key per effect
 * (an order id for its confirmation email). A claim is in progress until completed or released; an
 * in-progress claim older than the store's timeout is stale and can be taken over.
 */
public interface IdempotencyStore {

  Claim claim(String scope, String key, String eventId);

  /** Marks the effect done; later claims answer {@link Claim.Completed}. */
  void complete(String scope, String key, String detail);

  /** Gives the claim up after a failed effect, so that the next attempt can claim at once. */
  void release(String scope, String key);
}
