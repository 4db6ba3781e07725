package dev.shopstream.handlers;

/**
 * A handler's effect did not happen, classified: a retryable failure (throttling, 5xx, timeouts,
 * an unreachable service) may succeed if tried again; a permanent
 * one (validation, a missing template, a bad address) will not, and its record goes to the
 * dead-letter queue. A systemic failure (access denied, bad credentials, the topic or configuration
 * set gone) is retried like a retryable one, because it is not the event's fault and every event
 * would fail alike: the record holds its key and the worker raises an alarm instead of parking every
 * event one by one. An effect call may also end with its outcome unknown ({@link #outcomeUnknown}):
 * the request left, no answer came (a timeout, a reset connection, a 5xx); the provider may have
 * acted on it. Such a failure is retryable, but the effect's claim is kept (see OnceOnly).
 *
 * <p>A {@link Deferral} is no failure: the attempt did not try the effect, because another attempt's claim
 * decides it for now. It is retryable (tried again on the same schedule, within the same hold budget),
 * and the record engine counts it as deferred rather than failed.
 */
public sealed class EffectFailure extends RuntimeException permits EffectFailure.Deferral {
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

  /** This attempt stood back for another attempt's claim (see {@link Deferral}): retried, counted as deferred. */
  public static Deferral deferred(String reason) {
    return new Deferral(reason);
  }

  /**
   * The effect was not tried: its claim is held by another attempt, an earlier attempt's outcome is not
   * known yet, the claim was taken over meanwhile, or a newer lease holder has it. Nothing failed; the
   * record waits for that claim, as a retryable failure would, but is counted and logged as deferred.
   */
  public static final class Deferral extends EffectFailure {
    private static final long serialVersionUID = 1L;

    private Deferral(String reason) {
      super(reason, true, false, false, null);
    }
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

  /** True when {@code failure} is a {@link Deferral}: not a failure, a wait for another attempt's claim. */
  public static boolean isDeferral(Throwable failure) {
    return failure instanceof Deferral;
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
