package dev.shopstream.pipeline.processing;

import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.time.Duration;

/**
 * How a handler call that fails retryably is tried again, and when a record that keeps halting the worker is
 * parked instead.
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
  public static final Setting<Integer> ATTEMPTS = Setting.integer("SHOP_RETRY_ATTEMPTS", 3, 1, 20,
      "Attempts of a handler call failing retryably (throttling, 5xx, timeouts, connection refused) before its "
          + "record is reported as holding its key (WARN); retries go on until SHOP_RETRY_HOLD_SECONDS.");
  public static final Setting<Duration> INITIAL = Setting.millis("SHOP_RETRY_INITIAL_MILLIS", 200, 1, 60_000,
      "First pause before a failed handler call is tried again; doubles per attempt, with jitter.");
  public static final Setting<Duration> MAX = Setting.millis("SHOP_RETRY_MAX_MILLIS", 10_000, 1, 600_000,
      "Longest pause between attempts.");
  public static final Setting<Duration> HOLD = Setting.seconds("SHOP_RETRY_HOLD_SECONDS", 3600, 0, 86_400,
      "How long a record whose handler keeps failing retryably holds its shard before that event is dead-lettered "
          + "(an outage shorter than this loses nothing and needs no redrive).");
  public static final Setting<Integer> ERROR_STARTS_BEFORE_PARKING = Setting.integer(
      "SHOP_ERROR_STARTS_BEFORE_PARKING", 3, 1, 100,
      "A JVM Error while handling a record halts the worker (exit 70) and ECS restarts it from its checkpoint; a "
          + "record that does so on this many starts in a row is parked whole in the dead-letter queue "
          + "(WORKER_ERROR) instead, so the shard moves on. Counted per record in the idempotency table.");

  /** Reads this slice, reporting a longest pause below the first. */
  public static RetrySettings read(SettingValues values) {
    Duration initial = values.get(INITIAL);
    Duration max = values.get(MAX);
    values.check(max.compareTo(initial) >= 0, MAX.envName() + " (" + max.toMillis() + ") must not be below "
        + INITIAL.envName() + " (" + initial.toMillis() + ")");
    return new RetrySettings(values.get(ATTEMPTS), initial, max, values.get(HOLD),
        values.get(ERROR_STARTS_BEFORE_PARKING));
  }

  /** The policy the record loop retries by. */
  public RetryPolicy policy() {
    return new RetryPolicy(quietAttempts, initial, max, holdBudget);
  }
}
