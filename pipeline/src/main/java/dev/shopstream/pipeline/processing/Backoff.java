package dev.shopstream.pipeline.processing;

import java.time.Duration;

/** Exponential pauses between attempts: initial, 2x, 4x, ... capped at max. */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /** Pause before attempt {@code attempt + 1}, for attempt = 1, 2, ... */
  public Duration after(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    long millis = initial.toMillis() << doublings;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }
}
