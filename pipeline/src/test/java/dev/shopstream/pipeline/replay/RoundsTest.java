package dev.shopstream.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.pipeline.processing.Pause;
import dev.shopstream.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replay's progress rounds, on a manual clock its pause moves: no real time passes. */
class RoundsTest {
  private static final Instant START = Instant.parse("2026-11-27T10:00:00Z");
  private final ManualClock clock = new ManualClock(START);
  private final List<Instant> roundsAt = new ArrayList<>();
  private final Rounds rounds = new Rounds(clock, (pause, cancellation) -> {
    clock.advance(pause);
    return true;
  });

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aRoundRunsAfterEachPeriodUntilOneSaysDone() {
    assertThat(rounds.every(Duration.ofSeconds(1), START.plusSeconds(60), () -> {
      roundsAt.add(clock.instant());
      return roundsAt.size() == 3;
    })).isTrue();
    assertThat(roundsAt).containsExactly(START.plusSeconds(1), START.plusSeconds(2), START.plusSeconds(3));
  }

  @Test
  void theLastPauseEndsAtTheDeadlineWithOneMoreRoundThere() {
    assertThat(rounds.every(Duration.ofSeconds(1), START.plusMillis(2500), () -> {
      roundsAt.add(clock.instant());
      return false;
    })).isFalse();
    assertThat(roundsAt).containsExactly(START.plusSeconds(1), START.plusSeconds(2), START.plusMillis(2500));
  }

  @Test
  void aDeadlineAlreadyPassedRunsNoRound() {
    assertThat(rounds.every(Duration.ofSeconds(1), START, () -> roundsAt.add(clock.instant()))).isFalse();
    assertThat(roundsAt).isEmpty();
  }

  @Test
  void anInterruptedPauseStopsTheRoundsAndKeepsTheInterrupt() {
    Rounds interrupted = new Rounds(clock, Pause.SYSTEM);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> interrupted.every(Duration.ofSeconds(1), START.plusSeconds(5), () -> true))
        .isInstanceOf(IllegalStateException.class).hasMessage("interrupted");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }
}
