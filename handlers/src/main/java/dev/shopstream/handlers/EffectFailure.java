package dev.shopstream.handlers;

/**
 * A handler's effect did not happen, classified: a retryable failure (throttling, 5xx, timeouts,
 * an unreachable service, a claim held by another attempt) may succeed if tried again; a permanent
 * one (validation, a missing template, a bad address) will not, and its record goes to the
 * dead-letter queue. An effect call may also end with its outcome unknown ({@link #outcomeUnknown}):
 * the request left, no answer came (a timeout, a reset connection, a 5xx); the provider may have
 * acted on it. Such a failure is retryable, but the effect's claim is kept (see OnceOnly).
 */
public final class EffectFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;
  private final boolean outcomeUnknown;

  private EffectFailure(String message, boolean retryable, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.outcomeUnknown = outcomeUnknown;
  }

  /** The call may have taken effect (no answer after the request left): retryable, claim kept. */
  public static EffectFailure outcomeUnknown(String message, Throwable cause) {
    return new EffectFailure(message, true, true, cause);
  }

  /** True when the effect may have happened despite the failure. */
  public boolean isOutcomeUnknown() {
    return outcomeUnknown;
  }

  public static EffectFailure retryable(String message, Throwable cause) {
    return new EffectFailure(message, true, false, cause);
  }

  public static EffectFailure permanent(String message, Throwable cause) {
    return new EffectFailure(message, false, false, cause);
  }

  public boolean retryable() {
    return retryable;
  }

  /** Retryable when {@code failure} is an EffectFailure that says so; anything else is permanent. */
  public static boolean isRetryable(Throwable failure) {
    return failure instanceof EffectFailure effect && effect.retryable;
  }

  /** True when {@code failure} says the effect may have happened ({@link #outcomeUnknown}). */
  public static boolean mayHaveTakenEffect(Throwable failure) {
    return failure instanceof EffectFailure effect && effect.outcomeUnknown;
  }
}
