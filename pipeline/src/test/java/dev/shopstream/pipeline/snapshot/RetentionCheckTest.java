package dev.shopstream.pipeline.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetentionCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration DAY = Duration.ofHours(24);

  @Test
  void aFreshExportThatEndsInsideTheRetentionIsAccepted() {
    assertThat(Snapshot.retentionProblem(NOW.minusSeconds(60), 1_000_000L, NOW, DAY, 300)).isEmpty();
    assertThat(Snapshot.retentionProblem(NOW.minus(Duration.ofHours(20)), null, NOW, DAY, 300)).isEmpty();
  }

  @Test
  void anExportWhoseSnapshotWouldEndAfterTheStreamDroppedItsChangesIsRefused() {
    // 20 h old, 10 million items at 300 rows/s is about 9.3 h: it would end 5 h after the trim
    assertThat(Snapshot.retentionProblem(NOW.minus(Duration.ofHours(20)), 10_000_000L, NOW, DAY, 300))
        .hasValueSatisfying(reason -> assertThat(reason).contains("10000000 items, about 555 min at 300 rows/s")
        .contains("take a new export"));
    assertThat(Snapshot.retentionProblem(NOW.minus(Duration.ofHours(25)), null, NOW, DAY, 300)).isPresent();
  }
}
