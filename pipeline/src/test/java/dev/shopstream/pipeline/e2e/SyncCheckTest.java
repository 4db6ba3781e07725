package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.testkit.sync.SyncScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The analytics sync, counted from outside (the suite's size; {@code bin/bench --parts k} runs 10,000 items and 5,000
 * changes): 1,000 items of the five entities, the worker (analytics, from LATEST) as its own process,
 * {@code shop-stream snapshot} as its own process while writes go on, SIGKILLed after its first checkpoint and resumed,
 * then 500 more changes (puts and deletes). A reference sink materialises the state events from the analytics
 * topic's state queue last-writer-wins by version, tombstones kept, and must equal a scan of the table, emails
 * compared as their HMAC: once after the snapshot, once after the changes. See {@link SyncScenario}.
 */
@Tag("process")
class SyncCheckTest {

  @Test
  void theSinkEqualsTheTableAfterASnapshotKilledMidwayAndResumedWithWritesGoingOn() throws Exception {
    try (LocalShopStack stack = LocalWorkers.stack()) {
      SyncScenario.Result result = new SyncScenario(stack, new SyncScenario.Settings(1000, 500, 20, 100,
          Duration.ofSeconds(90), Path.of("target", "sync-check")), "sync-check").run();

      assertThat(result.killedMidway()).as("the snapshot was SIGKILLed after its first checkpoint, before its end "
          + "(lines done at the kill: %d)", result.linesDoneAtKill()).isTrue();
      assertThat(result.resumeExit()).as(result.resumeOutput()).isZero();
      assertThat(result.resumeOutput()).contains("resuming from s3://").contains("line(s) done before");
      assertThat(result.resumedRows()).as("rows the resumed run read").isPositive();
      assertThat(result.writesDuringSnapshot()).as("writes went on while the snapshot ran").isPositive();
      assertThat(result.handoverDifferences()).as("sink vs table after the snapshot and the writes during it")
          .isEmpty();
      assertThat(result.endDifferences()).as("sink vs table after 500 more changes").isEmpty();
      assertThat(result.tombstones()).as("deletes kept as tombstones").isPositive();
      assertThat(result.sinkRows() - result.tombstones()).as("live rows in the sink")
          .isEqualTo(result.tableItems());
      System.out.printf(Locale.ROOT, "sync check: %d items seeded, %d writes during the snapshot, killed at %d lines, "
          + "resumed %d rows at %.0f rows/s; handover lag %d ms; 500 changes in the sink after %d ms; table %d items, "
          + "sink %d rows (%d tombstones), %d states received (%d applied); %d s in all%n", result.seeded(),
          result.writesDuringSnapshot(), result.linesDoneAtKill(), result.resumedRows(), result.resumedRowsPerSecond(),
          result.handoverLag().toMillis(), result.changesLag().toMillis(), result.tableItems(), result.sinkRows(),
          result.tombstones(), result.statesReceived(), result.statesApplied(), result.took().toSeconds());
    }
  }
}
