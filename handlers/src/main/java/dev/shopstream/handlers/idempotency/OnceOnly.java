package dev.shopstream.handlers.idempotency;

import dev.shopstream.handlers.EffectFailure;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs an effect under a claim: skipped when completed before, deferred while held elsewhere. */
public final class OnceOnly {
  private static final Logger LOG = LoggerFactory.getLogger(OnceOnly.class);

  private final IdempotencyStore store;

  public OnceOnly(IdempotencyStore store) {
    this.store = store;
  }

  /** What happened: the effect ran now ({@code ranNow}), or had already been done. */
  public record Outcome(boolean ranNow, String detail) {}

  /**
   * @param effect performs the effect and describes it; its exceptions propagate after the claim is released
   * @throws EffectFailure retryable while another attempt holds the claim
   */
  public Outcome run(String scope, String key, String eventId, Supplier<String> effect) {
    Claim claim = store.claim(scope, key, eventId);
    if (claim instanceof Claim.Completed completed) {
      return new Outcome(false, "already done at " + completed.completedAt() + ": " + completed.detail());
    }
    if (claim instanceof Claim.HeldElsewhere held) {
      throw EffectFailure.retryable(scope + " " + key + " is being handled by another attempt (claim stale at "
          + held.staleAt() + ")", null);
    }
    if (((Claim.Acquired) claim).takeover()) {
      LOG.warn("took over the stale claim {} {}: an earlier attempt stopped mid-effect, so the effect may be repeated",
          scope, key);
    }
    String detail;
    try {
      detail = effect.get();
    } catch (RuntimeException e) {
      releaseQuietly(scope, key, e);
      throw e;
    }
    store.complete(scope, key, detail);
    return new Outcome(true, detail);
  }

  private void releaseQuietly(String scope, String key, RuntimeException cause) {
    try {
      store.release(scope, key);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      LOG.warn("could not release claim {} {} (it goes stale by itself): {}", scope, key, e.toString());
    }
  }
}
