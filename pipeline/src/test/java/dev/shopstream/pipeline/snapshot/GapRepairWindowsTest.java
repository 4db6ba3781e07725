package dev.shopstream.pipeline.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.pipeline.snapshot.GapRepairWindows.Refusal;
import dev.shopstream.pipeline.snapshot.GapRepairWindows.Repair;
import dev.shopstream.pipeline.snapshot.GapRepairWindows.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What gap repair exports for a checkpoint behind the trim horizon, or why it cannot. */
class GapRepairWindowsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Instant PITR_SINCE = NOW.minus(Duration.ofDays(35));

  @Test
  void aCheckpointThirtyHoursOldIsRepairedByTwoWindowsEndingNowEachWithinTheExportLimits() {
    Instant checkpoint = NOW.minus(Duration.ofHours(30)).plusMillis(700);

    var plan = GapRepairWindows.plan(checkpoint, NOW, PITR_SINCE, NOW);

    assertThat(plan).isInstanceOf(Repair.class);
    List<Window> windows = ((Repair) plan).windows();
    assertThat(windows).containsExactly(
        new Window(NOW.minus(Duration.ofHours(30)), NOW.minus(Duration.ofHours(6))),
        new Window(NOW.minus(Duration.ofHours(6)), NOW));
  }

  @Test
  void windowsAreContiguousAndNeverShorterThanFifteenMinutesNorLongerThanADay() {
    for (long minutes : new long[] {1, 14, 15, 16, 60 * 24, 60 * 24 + 1, 60 * 24 + 14, 60 * 24 + 15, 60 * 72 + 7}) {
      var plan = GapRepairWindows.plan(NOW.minus(Duration.ofMinutes(minutes)), NOW, PITR_SINCE, NOW);
      List<Window> windows = ((Repair) plan).windows();
      assertThat(windows.get(windows.size() - 1).to()).as("%d min", minutes).isEqualTo(NOW);
      assertThat(windows.get(0).from()).as("%d min: from the checkpoint, or 15 min before the end", minutes)
          .isEqualTo(NOW.minus(Duration.ofMinutes(Math.max(15, minutes))));
      for (int i = 0; i < windows.size(); i++) {
        Duration length = Duration.between(windows.get(i).from(), windows.get(i).to());
        assertThat(length).as("%d min, window %d", minutes, i).isBetween(GapRepairWindows.MIN_WINDOW,
            GapRepairWindows.MAX_WINDOW);
        if (i > 0) {
          assertThat(windows.get(i).from()).isEqualTo(windows.get(i - 1).to());
        }
      }
    }
  }

  @Test
  void withoutPointInTimeRecoveryOrBeyondItsPeriodTheGapIsRefusedWithTheWayOut() {
    assertThat(GapRepairWindows.plan(NOW.minus(Duration.ofHours(30)), NOW, null, NOW))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.reason()).contains("point-in-time recovery is off")
            .contains("shop-stream snapshot --bucket"));
    assertThat(GapRepairWindows.plan(NOW.minus(Duration.ofDays(36)), NOW, PITR_SINCE, NOW))
        .isInstanceOfSatisfying(Refusal.class,
            r -> assertThat(r.reason()).contains("before the table's earliest restorable time"));
    assertThat(GapRepairWindows.plan(NOW.minus(Duration.ofHours(1)), NOW.plusSeconds(60), PITR_SINCE, NOW))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.reason()).contains("in the future"));
    assertThat(GapRepairWindows.plan(NOW, NOW.minus(Duration.ofHours(1)), PITR_SINCE, NOW))
        .isInstanceOf(Refusal.class);
  }
}
