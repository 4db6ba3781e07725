package dev.shopstream.pipeline.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Runs a round once a period until a round says it is done or a deadline passes: for progress that has no event to
 * wait on (a replay's shards catching up is judged by time as well as by records). The clock and the pause are
 * injected, so a test can move a manual clock in its pause.
 */
final class Rounds {
  /** Pauses between two rounds; {@link #REAL} sleeps. */
  @FunctionalInterface
  interface Pause {
    Pause REAL = pause -> Thread.sleep(pause.toMillis());

    void sleep(Duration pause) throws InterruptedException;
  }

  private final Clock clock;
  private final Pause pause;

  Rounds(Clock clock, Pause pause) {
    this.clock = clock;
    this.pause = pause;
  }

  /**
   * Pauses {@code period} (the last pause ends at the deadline, not past it), then runs {@code round}; again until a
   * round returns true.
   *
   * @return true when a round said it is done, false when the deadline passed first
   * @throws IllegalStateException when interrupted (the thread's interrupt flag set again)
   */
  boolean every(Duration period, Instant deadline, BooleanSupplier round) {
    while (clock.instant().isBefore(deadline)) {
      Duration left = Duration.between(clock.instant(), deadline);
      try {
        pause.sleep(left.compareTo(period) < 0 ? left : period);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (round.getAsBoolean()) {
        return true;
      }
    }
    return false;
  }
}
