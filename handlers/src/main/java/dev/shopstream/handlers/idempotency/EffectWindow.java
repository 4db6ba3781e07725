package dev.shopstream.handlers.idempotency;

import java.time.Duration;

/**
 * How long an attempt's effect can still land after its claim was written, the one figure the fencing
 * rests on: the effect call starts within {@code startGrace} of the claim ({@link OnceOnly} re-checks the
 * lease and gives the claim back otherwise), and the SDK gives up on it after {@code callTimeout} (the
 * effect clients' API call timeout, with no SDK retries). A newer lease holder therefore takes over an older
 * holder's in-progress claim only once {@link #length()} has passed since that claim was written.
 *
 * <p>A batch of claims sent in one call goes out once half the grace has passed since its first claim
 * (the rest in another call), so a slow claims table slows effects down but never stops them while one
 * claim takes less than the grace.
 *
 * <p>The residual window: a request the client gave up on at its timeout that the service still carries
 * out afterwards. Nothing on the client side can see that; the email handler's reconciliation (SES's own
 * record of what it accepted) covers it for emails.
 *
 * @param startGrace the longest time between a claim and the start of its effect call (it also absorbs a
 *     small clock difference between workers)
 * @param callTimeout the effect clients' API call timeout
 */
public record EffectWindow(Duration startGrace, Duration callTimeout) {
  /** What the worker runs with: the effect clients are built with this call timeout. */
  public static final EffectWindow DEFAULT = new EffectWindow(Duration.ofSeconds(10), Duration.ofSeconds(30));

  public EffectWindow {
    if (startGrace.isNegative() || startGrace.isZero() || callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("startGrace and callTimeout must be positive, got " + startGrace + " and "
          + callTimeout);
    }
  }

  /** How long after its claim an attempt's effect may still land. */
  public Duration length() {
    return startGrace.plus(callTimeout);
  }
}
