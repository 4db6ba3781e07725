package dev.shopstream.handlers.idempotency;

import java.time.Duration;

/**
 * Evidence from the provider whether an effect of unknown outcome happened: consulted before an effect
 * is repeated after a takeover or an ambiguous failure (a timeout after the request left). Pluggable:
 * the email handler can read SES send events (configuration set -> SNS -> SQS); without a source
 * ({@link #NONE}) an unknown outcome is resolved by repeating the effect once the claim goes stale.
 */
public interface Reconciliation {

  /** What the provider says about the claim's effect. */
  sealed interface Evidence {}

  /** The provider accepted it: {@code detail} says what (e.g. the message id). */
  record Accepted(String detail) implements Evidence {}

  /** No record of it (yet: see {@link #settleTime()}). */
  record NotSeen() implements Evidence {}

  /** No source: nothing is ever known. */
  Reconciliation NONE = new Reconciliation() {
    @Override
    public Evidence lookup(String scope, String key) {
      return new NotSeen();
    }

    @Override
    public Duration settleTime() {
      return null;
    }
  };

  Evidence lookup(String scope, String key);

  /**
   * How long after an attempt its evidence is sure to have arrived: a {@link NotSeen} older than this
   * means the effect did not happen. Null: never sure (no source).
   */
  Duration settleTime();
}
