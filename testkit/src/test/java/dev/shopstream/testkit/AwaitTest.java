package dev.shopstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one polling wait, on a manual clock its pause moves: no real time passes. */
class AwaitTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Duration> pauses = new ArrayList<>();
  private final Await await = Await.every(Duration.ofSeconds(1)).with(clock, pause -> {
    pauses.add(pause);
    clock.advance(pause);
  });

  @Test
  void checksAtOnceThenEveryIntervalUntilTheConditionHolds() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    assertThat(await.within(Duration.ofSeconds(10), () -> checks.incrementAndGet() == 3)).isTrue();
    assertThat(checks).hasValue(3);
    assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void neverPausesPastTheDeadlineAndChecksOnceMoreAtIt() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    assertThat(await.within(Duration.ofMillis(2500), () -> {
      checks.incrementAndGet();
      return false;
    })).isFalse();
    assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500));
    assertThat(checks).as("at 0, 1, 2 and 2.5 s").hasValue(4);
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:02.500Z"));
  }

  @Test
  void aTimeoutSaysWhatWasAwaitedForHowLongAndTheContext() {
    assertThatThrownBy(() -> await.until("the shard's lease taken", Duration.ofSeconds(3), () -> false,
        () -> "workers [w-1]"))
        .isInstanceOf(Await.TimedOut.class).isInstanceOf(AssertionError.class)
        .hasMessage("not within 3 s: the shard's lease taken; workers [w-1]");
    assertThatThrownBy(() -> await.until("nothing", Duration.ofMillis(1500), () -> false))
        .hasMessage("not within 1500 ms: nothing");
  }

  @Test
  void valueReturnsTheFirstNonNullPollAndFailsWithoutOne() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    String found = await.value("the second poll", Duration.ofSeconds(5),
        () -> polls.incrementAndGet() >= 2 ? "found" : null, () -> "");
    assertThat(found).isEqualTo("found");
    assertThat(polls).hasValue(2);
    Object none = await.firstOf(Duration.ofSeconds(2), () -> null);
    assertThat(none).isNull();
    assertThatThrownBy(() -> await.value("a value", Duration.ofSeconds(1), () -> null, () -> "polled 2 times"))
        .hasMessage("not within 1 s: a value; polled 2 times");
  }

  @Test
  void aNonPositiveIntervalIsRefused() {
    assertThatThrownBy(() -> Await.every(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
