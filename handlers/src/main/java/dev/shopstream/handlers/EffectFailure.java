package dev.shopstream.handlers;

/**
 * A handler's effect did not happen, classified: a retryable failure (throttling, 5xx, timeouts,
 * an unreachable service, a claim held by another attempt) may succeed if tried again; a permanent
 * one (validation, a missing template, a bad address) will not, and its record goes to the
 * dead-letter queue.
 */
public final class EffectFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  private EffectFailure(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public static EffectFailure retryable(String message, Throwable cause) {
    return new EffectFailure(message, true, cause);
  }

  public static EffectFailure permanent(String message, Throwable cause) {
    return new EffectFailure(message, false, cause);
  }

  public boolean retryable() {
    return retryable;
  }

  /** Retryable when {@code failure} is an EffectFailure that says so; anything else is permanent. */
  public static boolean isRetryable(Throwable failure) {
    return failure instanceof EffectFailure effect && effect.retryable;
  }
}
