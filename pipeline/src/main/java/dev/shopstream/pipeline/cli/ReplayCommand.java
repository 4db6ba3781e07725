package dev.shopstream.pipeline.cli;

import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.replay.Replay;
import dev.shopstream.pipeline.replay.ReplayTables;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code shop-stream replay}: the stream again into chosen handlers, under its own lease tables. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Re-reads the stream from TRIM_HORIZON into chosen handlers under its own application name and "
        + "lease tables (the live worker's checkpoints are untouched), stops once every open shard is read to where "
        + "the stream was when it started, prints progress per shard and a summary, and removes the lease tables it "
        + "created. Records that cannot be handled are counted, not parked, unless --park-dead-letters.",
        "Examples:",
        "  shop-stream replay                                 (analytics only, the default)",
        "  shop-stream replay --dry-run                       (derive and count, send nothing)",
        "  shop-stream replay --handlers analytics,email      (email must be asked for; still deduplicated)",
        "  shop-stream replay --from 2026-11-27T08:00:00Z --shards shardId-0001"})
final class ReplayCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--handlers", split = ",", defaultValue = "analytics",
      description = "Handlers to replay into (default ${DEFAULT-VALUE}).")
  List<String> handlers;

  @Option(names = "--dry-run", description = "Derive and count events without sending anything.")
  boolean dryRun;

  @Option(names = "--from", description = "Only events written at or after this ISO-8601 instant.")
  Instant from;

  @Option(names = "--shards", split = ",", description = "Only these shard ids (default: all).")
  Set<String> shards = Set.of();

  @Option(names = "--keep-tables", description = "Keep the replay's lease tables afterwards.")
  boolean keepTables;

  @Option(names = "--application", description = "KCL application name of the replay; must start with "
      + "<SHOP_APPLICATION_NAME>-replay- and its tables must not exist (default: "
      + "<SHOP_APPLICATION_NAME>-replay-<epoch seconds>).")
  String application;

  @Option(names = "--max-duration", defaultValue = "PT2H", description =
      "Give up after this long (ISO-8601 duration, default ${DEFAULT-VALUE}).")
  Duration maxDuration;

  @Option(names = "--park-dead-letters", description = "Park records that cannot be handled in the live dead-letter "
      + "queue (default: count them only; the live worker parked its own).")
  boolean parkDeadLetters;

  @Option(names = "--quiet-period", defaultValue = "PT30S", description = "An open shard whose polls came back empty "
      + "this long, with nothing written since the replay started, counts as read to its end (default "
      + "${DEFAULT-VALUE}).")
  Duration quietPeriod;

  @Option(names = "--log-file", description = "Where log lines go while the replay runs, so they do not mix with "
      + "its progress (default: <tmpdir>/<application>.log).")
  Path logFile;

  @Override
  public Integer call() {
    try (CompositionRoot root = main.root(new SimpleMeterRegistry())) {
      String name = application != null ? application
          : ReplayTables.prefix(root.liveTables()) + Instant.now().getEpochSecond();
      List<String> problems = ReplayTables.problems(name, root.liveTables());
      if (!problems.isEmpty()) {
        problems.forEach(System.err::println);
        return Main.CONFIGURATION_OR_DEPENDENCY;
      }
      Path logs = logFile != null ? logFile : Path.of(System.getProperty("java.io.tmpdir"), name + ".log");
      System.out.println("log lines of this replay go to " + logs);
      Replay.Summary summary;
      try (ReplayLogs ignored = ReplayLogs.toFile(logs)) {
        summary = root.replay(new Replay.Options(name, handlers, dryRun, from, shards, keepTables, maxDuration,
            parkDeadLetters, quietPeriod), System.out);
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return Main.CONFIGURATION_OR_DEPENDENCY;
      }
      return summary.caughtUp() && summary.undeliveredEvents() == 0 ? 0 : 1;
    }
  }
}
