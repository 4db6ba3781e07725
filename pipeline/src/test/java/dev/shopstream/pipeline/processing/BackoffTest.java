package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesUpToTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.after(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.after(4)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.after(10_000)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void refusesAnInvertedRange() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
