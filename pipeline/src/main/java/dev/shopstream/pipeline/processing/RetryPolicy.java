package dev.shopstream.pipeline.processing;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * The one retry schedule of the worker: a handler call that fails retryably is tried again after
 * exponential pauses with jitter (resilience4j's interval function) until it succeeds, fails
 * permanently, its work is cancelled, or the hold budget is spent.
 *
 * @param quietAttempts attempts before a still-failing record is reported as holding its key (WARN)
 * @param initialBackoff first pause; doubles per attempt up to {@code maxBackoff}
 * @param maxBackoff longest pause between attempts
 * @param jitter how much each pause varies at random, 0 (none) to below 1 (+-100%)
 * @param holdBudget how long a record whose handler keeps failing retryably is retried before that
 *     event is dead-lettered (measured from its first failure)
 */
public record RetryPolicy(int quietAttempts, Duration initialBackoff, Duration maxBackoff, double jitter,
    Duration holdBudget) {
  public static final double DEFAULT_JITTER = 0.5;

  public RetryPolicy {
    if (quietAttempts < 1) {
      throw new IllegalArgumentException("quietAttempts must be at least 1");
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff, got " + initialBackoff
          + " and " + maxBackoff);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
    if (holdBudget.isNegative()) {
      throw new IllegalArgumentException("holdBudget must not be negative");
    }
  }

  public RetryPolicy(int quietAttempts, Duration initialBackoff, Duration maxBackoff, Duration holdBudget) {
    this(quietAttempts, initialBackoff, maxBackoff, DEFAULT_JITTER, holdBudget);
  }

  /** The pause after failed attempt number {@code attempt} (1, 2, ...), never above the maximum. */
  public Duration delayAfter(int attempt) {
    IntervalFunction interval = jitter == 0
        ? IntervalFunction.ofExponentialBackoff(initialBackoff.toMillis(), 2.0, maxBackoff.toMillis())
        : IntervalFunction.ofExponentialRandomBackoff(initialBackoff.toMillis(), 2.0, jitter, maxBackoff.toMillis());
    long millis = interval.apply(Math.max(1, Math.min(attempt, 64)));
    return Duration.ofMillis(Math.min(Math.max(1, millis), maxBackoff.toMillis()));
  }
}
