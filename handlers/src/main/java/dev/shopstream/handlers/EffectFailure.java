package dev.shopstream.handlers;

/**
 * A handler's effect did not happen, classified: a retryable failure (throttling, 5xx, timeouts,
 * an unreachable service, a claim held by another attempt) may succeed if tried again; a permanent
 * one (validation, a missing template, a bad address) will not, and its record goes to the
 * dead-letter queue. A systemic failure (access denied, bad credentials, the topic or configuration
 * set gone) is retried like a retryable one, because it is not the event's fault and every event
 * would fail alike: the record holds its key and the worker raises an alarm instead of parking every
 * event one by one. An effect call may also end with its outcome unknown ({@link #outcomeUnknown}):
 * the request left, no answer came (a timeout, a reset connection, a 5xx); the provider may have
 * acted on it. Such a failure is retryable, but the effect's claim is kept (see OnceOnly).
 */
public final class EffectFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;
  private final boolean systemic;
  private final boolean outcomeUnknown;

  private EffectFailure(String message, boolean retryable, boolean systemic, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.systemic = systemic;
    this.outcomeUnknown = outcomeUnknown;
  }

  public static EffectFailure retryable(String message, Throwable cause) {
    return new EffectFailure(message, true, false, false, cause);
  }

  public static EffectFailure permanent(String message, Throwable cause) {
    return new EffectFailure(message, false, false, false, cause);
  }

  /** Not this event's fault and not going away by itself: retried (held), and alarmed on. */
  public static EffectFailure systemic(String message, Throwable cause) {
    return new EffectFailure(message, true, true, false, cause);
  }

  /** The call may have taken effect (no answer after the request left): retryable, claim kept. */
  public static EffectFailure outcomeUnknown(String message, Throwable cause) {
    return new EffectFailure(message, true, false, true, cause);
  }

  public boolean retryable() {
    return retryable;
  }

  public boolean systemic() {
    return systemic;
  }

  /** True when the effect may have happened despite the failure. */
  public boolean isOutcomeUnknown() {
    return outcomeUnknown;
  }

  /** Retryable when {@code failure} is an EffectFailure that says so; anything else is permanent. */
  public static boolean isRetryable(Throwable failure) {
    return failure instanceof EffectFailure effect && effect.retryable;
  }

  /** True when {@code failure} is an EffectFailure classified systemic. */
  public static boolean isSystemic(Throwable failure) {
    return failure instanceof EffectFailure effect && effect.systemic;
  }

  /** True when {@code failure} says the effect may have happened ({@link #outcomeUnknown}). */
  public static boolean mayHaveTakenEffect(Throwable failure) {
    return failure instanceof EffectFailure effect && effect.outcomeUnknown;
  }
}
