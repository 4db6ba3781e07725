package dev.shopstream.handlers.idempotency;

import java.time.Instant;

/** The answer to "may I perform this effect now?". */
public sealed interface Claim {

  /**
   * Yes: go ahead, then complete or release.
   *
   * @param takeover true when a stale in-progress claim was taken over: an earlier attempt crashed
   *     mid-effect, so the effect may already have happened once
   */
  record Acquired(boolean takeover) implements Claim {}

  /** No: the effect was completed before (possibly by another worker, or before a replay). */
  record Completed(String detail, Instant completedAt) implements Claim {}

  /** Not now: another attempt holds the claim until {@code staleAt}; try again later. */
  record HeldElsewhere(Instant staleAt) implements Claim {}
}
