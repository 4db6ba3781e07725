package dev.shopstream.pipeline.processing;

import java.time.Duration;

/**
 * How hard a failing handler call is tried.
 *
 * @param attemptsPerCall attempts of one handler call (resilience4j, retryable errors only)
 * @param initialBackoff first pause between attempts; doubles, with jitter, up to {@code maxBackoff}
 * @param maxBackoff longest pause between attempts
 * @param holdBudget how long a record whose handler keeps failing retryably holds the shard before
 *     it is dead-lettered (measured from its first failure)
 */
public record RetryPolicy(int attemptsPerCall, Duration initialBackoff, Duration maxBackoff, Duration holdBudget) {
  public RetryPolicy {
    if (attemptsPerCall < 1) {
      throw new IllegalArgumentException("attemptsPerCall must be at least 1");
    }
    new Backoff(initialBackoff, maxBackoff);
    if (holdBudget.isNegative()) {
      throw new IllegalArgumentException("holdBudget must not be negative");
    }
  }

  public Backoff backoff() {
    return new Backoff(initialBackoff, maxBackoff);
  }
}
