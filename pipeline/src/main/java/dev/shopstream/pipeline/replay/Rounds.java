package dev.shopstream.pipeline.replay;

import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.Pause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Runs a round once a period until a round says it is done or a deadline passes: for progress that has no event to
 * wait on (a replay's shards catching up is judged by time as well as by records). The clock and the pause (the
 * pipeline's one {@link Pause}) are injected, so a test can move a manual clock in its pause.
 */
final class Rounds {
  private final Clock clock;
  private final Pause pause;
  /** Nothing cancels the rounds but their deadline. */
  private final Cancellation never = new Cancellation();

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
      if (!pause.pause(left.compareTo(period) < 0 ? left : period, never)) {
        throw new IllegalStateException("interrupted"); // the pause keeps the thread's interrupt flag set
      }
      if (round.getAsBoolean()) {
        return true;
      }
    }
    return false;
  }
}
