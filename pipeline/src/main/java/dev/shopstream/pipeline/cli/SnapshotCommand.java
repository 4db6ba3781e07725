package dev.shopstream.pipeline.cli;

import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.snapshot.ExportLocation;
import dev.shopstream.pipeline.snapshot.GapRepairWindows;
import dev.shopstream.pipeline.snapshot.Snapshot;
import dev.shopstream.pipeline.snapshot.SnapshotInputException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code shop-stream snapshot}: the state of every item, from a table export, to the analytics topic. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
    description = {"Publishes the state of every item of the table (a *-state event each) to the analytics topic only, "
        + "from a point-in-time export: requests one (ExportTableToPointInTime; point-in-time recovery must be on) and "
        + "waits for it, or takes an existing one. Reads its manifest (or lists its data files where it has none), "
        + "prints progress, and keeps a checkpoint next to the export, so a run that stopped or crashed resumes "
        + "where it was. Exit 0: every row done; 1: stopped early (run it again to resume); 2: bad input or "
        + "configuration.", "Examples:",
        "  shop-stream snapshot --bucket my-exports                     (a new export as of now)",
        "  shop-stream snapshot --export arn:aws:dynamodb:...:table/shop/export/01764230000000-a1b2c3d4",
        "  shop-stream snapshot --export s3://my-exports/shop-1764230000/AWSDynamoDB/01764230000000-a1b2c3d4/",
        "  shop-stream snapshot --export ... --dry-run                 (derive and count, publish nothing)",
        "  shop-stream snapshot --bucket my-exports --incremental-from 2026-11-20T08:00:00Z   (gap repair)"})
final class SnapshotCommand implements Callable<Integer> {
  /** DynamoDB Streams keeps changes this long. */
  static final Duration STREAM_RETENTION = Duration.ofHours(24);

  @ParentCommand
  Main main;

  @Option(names = "--export", description = "An existing export: its ARN, or its S3 folder "
      + "s3://<bucket>/<prefix>/AWSDynamoDB/<exportId>/. Default: request a new one (needs --bucket).")
  String export;

  @Option(names = "--bucket", description = "S3 bucket for a new export.")
  String bucket;

  @Option(names = "--prefix", defaultValue = "shop-stream-exports", description = "S3 prefix for a new export; each "
      + "export gets a folder <table>-<epoch seconds> under it (default ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--export-time", description = "A new export as of this ISO-8601 instant (default: now); for an S3 "
      + "folder without manifest-summary.json, or an export whose description names none, the time it is as of.")
  Instant exportTime;

  @Option(names = "--incremental-from", description = "Gap repair: instead of the whole table, the items changed "
      + "from this ISO-8601 instant (a shard's checkpoint time) to --incremental-to, from incremental exports "
      + "(windows of 15 min to 24 h, as many as needed) into --bucket. See docs/operations.md, Gap repair.")
  Instant incrementalFrom;

  @Option(names = "--incremental-to", description = "End of the gap repair's window (default: now).")
  Instant incrementalTo;

  @Option(names = "--dry-run", description = "Read the export, derive and count the states, publish and save nothing.")
  boolean dryRun;

  @Option(names = "--max-duration", defaultValue = "PT2H", description = "Stop (resumable) after this long, "
      + "waiting for the export included (ISO-8601 duration, default ${DEFAULT-VALUE}).")
  Duration maxDuration;

  @Option(names = "--concurrency", defaultValue = "32", description =
      "States published at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--checkpoint-lines", defaultValue = "" + Snapshot.DEFAULT_CHUNK_LINES, description = "Lines read, "
      + "published and then checkpointed together: what a crash repeats at most, per data file (default "
      + "${DEFAULT-VALUE}).")
  int checkpointLines;

  @Option(names = "--assumed-rows-per-second", defaultValue = "300", description = "Rate the retention check "
      + "assumes: a snapshot that would end after the stream dropped the changes since the export time is refused "
      + "(default ${DEFAULT-VALUE}, below what docs/snapshot.md measured).")
  double assumedRowsPerSecond;

  @Option(names = "--log-file", description = "Where log lines go while the snapshot runs (default: "
      + "<tmpdir>/shop-stream-snapshot.log).")
  Path logFile;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    if (export == null && (bucket == null || bucket.isBlank())) {
      System.err.println("shop-stream snapshot: pass --bucket (where a new export goes) or --export (an existing one)");
      return Main.CONFIGURATION_OR_DEPENDENCY;
    }
    if (concurrency < 1 || concurrency > 256 || assumedRowsPerSecond <= 0 || checkpointLines < 1) {
      System.err.println("shop-stream snapshot: --concurrency must be 1..256, --assumed-rows-per-second above 0 and "
          + "--checkpoint-lines at least 1");
      return Main.CONFIGURATION_OR_DEPENDENCY;
    }
    try (CompositionRoot root = main.root(new SimpleMeterRegistry())) {
      Snapshot snapshot = root.snapshot(dryRun, out); // the analytics settings are checked before anything is asked for
      Path logs = logFile != null ? logFile : Path.of(System.getProperty("java.io.tmpdir"), "shop-stream-snapshot.log");
      try (ReplayLogs ignored = ReplayLogs.toFile(logs)) {
        if (incrementalFrom != null) {
          return repair(root, snapshot, out);
        }
        ExportLocation location = locate(root, out);
        Optional<String> tooOld = Snapshot.retentionProblem(location.exportTime(), location.itemCount(), Instant.now(),
            STREAM_RETENTION, assumedRowsPerSecond);
        if (tooOld.isPresent()) {
          System.err.println("shop-stream snapshot: refused: " + tooOld.get());
          return Main.CONFIGURATION_OR_DEPENDENCY;
        }
        return publish(root, snapshot, location, out);
      } catch (SnapshotInputException e) {
        System.err.println("shop-stream snapshot: " + e.getMessage());
        return Main.CONFIGURATION_OR_DEPENDENCY;
      }
    }
  }

  /** Gap repair: one incremental export per window the plan gives, each published as a snapshot is. */
  private int repair(CompositionRoot root, Snapshot snapshot, PrintStream out) {
    if (export != null || bucket == null) {
      throw new SnapshotInputException("--incremental-from requests new incremental exports: pass --bucket, not "
          + "--export (an existing incremental export's S3 folder is read with --export alone)");
    }
    var exports = root.tableExports();
    String table = root.config().table();
    Instant now = Instant.now();
    GapRepairWindows.Plan plan = GapRepairWindows.plan(incrementalFrom, incrementalTo != null ? incrementalTo : now,
        exports.earliestRestorable(table), now);
    if (plan instanceof GapRepairWindows.Refusal refusal) {
      throw new SnapshotInputException("refused: " + refusal.reason());
    }
    List<GapRepairWindows.Window> windows = ((GapRepairWindows.Repair) plan).windows();
    out.printf("gap repair of table %s: %d incremental export(s) %s%n", table, windows.size(), windows);
    for (GapRepairWindows.Window window : windows) {
      ExportLocation location = exports.requestIncremental(table, bucket, prefix, window.from(),
          window.to(), maxDuration, root.snapshotCheckpointName(), out);
      int exit = publish(root, snapshot, location, out);
      if (exit != 0) {
        return exit;
      }
    }
    return 0;
  }

  private int publish(CompositionRoot root, Snapshot snapshot, ExportLocation location, PrintStream out) {
    out.printf("%s %s as of %s: %d data file(s)%s%s%n", location.incremental() ? "incremental export (changes from "
        + location.incrementalFrom() + ")" : "export", location.exportId(), location.exportTime(),
        location.dataFiles().size(), location.itemCount() == null ? "" : ", " + location.itemCount() + " item(s)",
        dryRun ? " (dry run: nothing is published)" : ", states to the analytics topic");
    Snapshot.Summary summary = snapshot.run(location, root.snapshotCheckpoint(location),
        new Snapshot.Options(dryRun, maxDuration, concurrency, checkpointLines));
    out.printf("%s: %,d row(s), %,d state(s) %s, %,d rejected, %,d unrecognized, %,d line(s) done before, in %.1f s%n",
        summary.complete() ? "done" : "stopped early", summary.rows(), summary.states(),
        dryRun ? "derived" : "published", summary.rejected(), summary.unrecognized(), summary.skippedAsDone(),
        summary.took().toMillis() / 1000.0);
    summary.rejections().forEach(reason -> out.println("  rejected: " + reason));
    if (!dryRun) {
      out.println("checkpoint: " + root.snapshotCheckpoint(location).location());
    }
    return summary.complete() ? 0 : 1;
  }

  private ExportLocation locate(CompositionRoot root, PrintStream out) {
    var exports = root.tableExports();
    String checkpoint = root.snapshotCheckpointName();
    if (export == null) {
      return exports.request(root.config().table(), bucket, prefix, exportTime, maxDuration, checkpoint, out);
    }
    if (export.startsWith("s3://")) {
      return exports.byS3Uri(export, exportTime, checkpoint);
    }
    if (export.startsWith("arn:")) {
      return exports.byArn(export, exportTime, maxDuration, checkpoint, out);
    }
    throw new SnapshotInputException("--export " + export
        + " is neither an export ARN (arn:aws:dynamodb:...) nor an S3 "
        + "export folder (s3://...)");
  }
}
