package dev.shopstream.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls what has no event to wait on (a remote service, another process, a registry) until it holds or a deadline
 * passes: checks, then pauses an interval (never past the deadline), and checks once more at the deadline. A
 * timeout fails with what was awaited, how long, and the state around it. Where the thing awaited has an event (a
 * latch, a future, a worker's lifecycle), wait on that instead.
 *
 * <p>The clock and the pause are injectable ({@link #with}), so a test can move a {@link ManualClock} in its pause.
 */
public final class Await {
  /** Pauses between two checks; {@link #REAL} sleeps. */
  @FunctionalInterface
  public interface Pause {
    Pause REAL = pause -> Thread.sleep(pause.toMillis());

    void sleep(Duration pause) throws InterruptedException;
  }

  /** A condition not met within its time: a failed expectation, as in a test. */
  public static final class TimedOut extends AssertionError {
    private static final long serialVersionUID = 1L;

    TimedOut(String message) {
      super(message);
    }
  }

  private static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

  private final Duration interval;
  private final Clock clock;
  private final Pause pause;

  private Await(Duration interval, Clock clock, Pause pause) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("a poll interval must be positive: " + interval);
    }
    this.interval = interval;
    this.clock = clock;
    this.pause = pause;
  }

  /** Checks every 200 ms, on the system clock. */
  public static Await polling() {
    return every(DEFAULT_INTERVAL);
  }

  /** Checks every {@code interval}, on the system clock. */
  public static Await every(Duration interval) {
    return new Await(interval, Clock.systemUTC(), Pause.REAL);
  }

  /** The same polling on another clock and pause (a test's {@link ManualClock}, say). */
  public Await with(Clock otherClock, Pause otherPause) {
    return new Await(interval, otherClock, otherPause);
  }

  /** @return true once {@code condition} holds, false when {@code timeout} passed first */
  public boolean within(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    return firstOf(timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null) != null;
  }

  /** @return the first value {@code poll} gives that is not null; null when {@code timeout} passed first */
  public <T> T firstOf(Duration timeout, Supplier<T> poll) throws InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      T value = poll.get();
      if (value != null) {
        return value;
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        return null;
      }
      pause.sleep(left.compareTo(interval) < 0 ? left : interval);
    }
  }

  /** Waits for {@code condition}; @throws TimedOut naming {@code what} when {@code timeout} passes first */
  public void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    until(what, timeout, condition, () -> "");
  }

  /**
   * As {@link #until(String, Duration, BooleanSupplier)}.
   *
   * @param context what the failure adds (e.g. the live workers, a log's tail), read only when it fails
   */
  public void until(String what, Duration timeout, BooleanSupplier condition, Supplier<?> context)
      throws InterruptedException {
    if (!within(timeout, condition)) {
      throw timedOut(what, timeout, context);
    }
  }

  /**
   * Waits for {@code poll} to give a value that is not null.
   *
   * @param context what the failure adds, read only when it fails
   * @throws TimedOut naming {@code what} when {@code timeout} passes first
   */
  public <T> T value(String what, Duration timeout, Supplier<T> poll, Supplier<?> context)
      throws InterruptedException {
    T value = firstOf(timeout, poll);
    if (value == null) {
      throw timedOut(what, timeout, context);
    }
    return value;
  }

  private static TimedOut timedOut(String what, Duration timeout, Supplier<?> context) {
    String within = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    String around = String.valueOf(context.get());
    return new TimedOut("not within " + within + ": " + what + (around.isEmpty() ? "" : "; " + around));
  }
}
