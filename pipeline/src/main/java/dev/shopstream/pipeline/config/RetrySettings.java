package dev.shopstream.pipeline.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a handler call that fails retryably is tried again.
 *
 * @param quietAttempts attempts before the record is reported as holding its key (WARN)
 * @param initial first pause; doubles per attempt, with jitter
 * @param max longest pause
 * @param holdBudget how long a record may keep failing before it is dead-lettered
 * @param errorStartsBeforeParking starts of the worker a record may halt with a JVM Error before it is
 *     parked whole instead
 */
public record RetrySettings(int quietAttempts, Duration initial, Duration max, Duration holdBudget,
    int errorStartsBeforeParking) {
  public RetrySettings {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(holdBudget, "holdBudget");
  }
}
