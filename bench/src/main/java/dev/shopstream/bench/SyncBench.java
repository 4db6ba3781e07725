package dev.shopstream.bench;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.ShopTableSetup;
import dev.shopstream.testkit.sync.SyncScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * (k) The analytics sync check at the size: 10,000 items, a snapshot SIGKILLed after its first checkpoint
 * and resumed while 50 writes/s go on, then 5,000 changes; the reference sink must equal the table. Reports the
 * snapshot's rows/s (publishing, and a dry run that reads and derives only) against the no-op drain measured in
 * the same run (part b), and the handover lag: from the snapshot's end to the sink equal to the table.
 */
final class SyncBench {
  static final int ITEMS = 10_000;
  static final int CHANGES = 5_000;

  private SyncBench() {}

  static void run(Report report, double drain) throws Exception {
    report.section("(k) sync check: " + ITEMS + " items, snapshot killed after its first checkpoint (1,000 lines) and "
        + "resumed with 50 writes/s going on, then " + CHANGES + " changes; worker and snapshot as processes");
    try (LocalShopStack stack = LocalShopStack.start(Path.of("bench", "target", "local-services"))) {
      ShopTableSetup.createIfMissing(stack.dynamo, LocalShopStack.TABLE);
      ShopTableSetup.createIdempotencyTableIfMissing(stack.dynamo, LocalShopStack.IDEMPOTENCY_TABLE);
      SyncScenario scenario = new SyncScenario(stack, new SyncScenario.Settings(ITEMS, CHANGES, 50, 1000,
          Duration.ofMinutes(10), Path.of("bench", "target", "sync-check")), "sync-bench");
      SyncScenario.Result result = scenario.run();
      double dryRun = scenario.dryRunRowsPerSecond(result.resumeArguments());
      boolean equal = result.handoverDifferences().isEmpty() && result.endDifferences().isEmpty()
          && result.killedMidway();
      report.line(String.format(Locale.ROOT, "sync check %s: table %d items, sink %d rows (%d tombstones), %d states "
          + "received (%d applied)%s", equal ? "PASSED" : "FAILED", result.tableItems(), result.sinkRows(),
          result.tombstones(), result.statesReceived(), result.statesApplied(),
          equal ? "" : "; differences: " + result.handoverDifferences() + " " + result.endDifferences()));
      report.line(String.format(Locale.ROOT, "%-58s %10s %12s", "snapshot", "rows/s", "x no-op drain"));
      report.line(String.format(Locale.ROOT, "%-58s %10.0f %12s", "resumed run, publishing (" + result.resumedRows()
          + " rows, concurrency 16)", result.resumedRowsPerSecond(), ratio(result.resumedRowsPerSecond(), drain)));
      report.line(String.format(Locale.ROOT, "%-58s %10.0f %12s", "dry run (read + derive, no publish)", dryRun,
          ratio(dryRun, drain)));
      report.line(String.format(Locale.ROOT, "%-58s %10.0f %12s", "(b) no-op drain of the stream, this run",
          drain, drain > 0 ? "(baseline)" : "not run"));
      report.line(String.format(Locale.ROOT,
          "handover lag (snapshot end -> sink equal to the table): %.1f s; %d writes "
          + "during the snapshot; %d changes in the sink %.1f s after written; %d s in all",
          result.handoverLag().toMillis() / 1000.0, result.writesDuringSnapshot(), CHANGES,
          result.changesLag().toMillis() / 1000.0, result.took().toSeconds()));
    }
  }

  private static String ratio(double rate, double baseline) {
    return baseline > 0 ? String.format(Locale.ROOT, "%.2f", rate / baseline) : "-";
  }
}
