package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.ConfigException;
import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.dlq.RecordLocation;
import dev.shopstream.pipeline.ops.OpsHttpServer;
import dev.shopstream.pipeline.ops.Replay;
import dev.shopstream.pipeline.ops.ReplayTables;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Command-line entry point: picocli declarations and printing. Configuration comes from the
 * environment (see README); every object comes from the {@link CompositionRoot}. Expected failures
 * (bad configuration, a dependency missing or unreachable) print one line each and exit 2.
 */
@Command(name = "shop-stream", mixinStandardHelpOptions = true,
    subcommands = {Main.Run.class, Main.ReplayCommand.class, Main.Status.class, Main.Dlq.class},
    description = "Turns a DynamoDB table's change stream into domain events and delivers them.")
public final class Main {
  static final int CONFIGURATION_OR_DEPENDENCY = 2;
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private final Map<String, String> env;

  public Main() {
    this(System.getenv());
  }

  Main(Map<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new Main()).execute(args));
  }

  static CommandLine commandLine(Main main) {
    CommandLine line = new CommandLine(main);
    line.setExecutionExceptionHandler((error, commandLine, parsed) -> {
      PrintWriter err = commandLine.getErr();
      if (error instanceof ConfigException config) {
        err.println("shop-stream cannot start: invalid configuration");
        config.problems().forEach(problem -> err.println("  " + problem));
        return CONFIGURATION_OR_DEPENDENCY;
      }
      StartupFailure failure = StartupFailure.describe(error);
      if (failure != null) {
        err.println("shop-stream: " + failure.line());
        LOG.debug("{}", failure.line(), error);
        return CONFIGURATION_OR_DEPENDENCY;
      }
      throw error;
    });
    return line;
  }

  /** The root for this environment: the configuration is read first (exit 2 on any problem). */
  CompositionRoot root(MeterRegistry registry) {
    HandlerCatalogue catalogue = HandlerCatalogue.standard();
    WorkerConfig config = CompositionRoot.configuration(env, catalogue);
    return CompositionRoot.create(config, catalogue, Clock.systemUTC(), registry);
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Checks the table, its stream, the idempotency table, the dead-letter queue and the enabled "
          + "handlers' topics and sender, then runs the worker until SIGTERM and stops within SHOP_SHUTDOWN_TIMEOUT_SECONDS.",
          "Example: SHOP_TABLE=shop AWS_REGION=eu-west-1 SHOP_DLQ_URL=... shop-stream run"})
  static final class Run implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws InterruptedException {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      CompositionRoot root = main.root(registry);
      List<String> problems = root.preflight().problems();
      if (!problems.isEmpty()) {
        System.err.println("shop-stream cannot start: " + problems.size() + " dependenc" + (problems.size() == 1 ? "y" : "ies")
            + " not usable");
        problems.forEach(problem -> System.err.println("  " + problem));
        root.close();
        return CONFIGURATION_OR_DEPENDENCY;
      }
      ShopStreamWorker worker = root.worker();
      WorkerConfig config = root.config();
      OpsHttpServer http = OpsHttpServer.start(config.httpHost(), config.httpPort(), worker::isRunning, worker::isReady,
          registry);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        worker.close();
        http.close();
        root.close();
        stopped.countDown();
      }, "sigterm"));
      worker.start();
      LOG.info("health and metrics on http://{}:{}/ (health/live, health/ready, metrics)", config.httpHost(), http.port());
      while (!stopped.await(1, TimeUnit.SECONDS)) {
        if (!worker.isRunning() && !worker.isStopping()) {
          LOG.error("the KCL scheduler stopped on its own (see the errors above); exiting so that the task is replaced "
              + "and resumes from its checkpoints");
          return 1;
        }
      }
      return 0;
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {"Re-reads the stream from TRIM_HORIZON into chosen handlers under its own application name and "
          + "lease tables (the live worker's checkpoints are untouched), stops once every open shard is read to where the "
          + "stream was when it started, prints progress per shard and a summary, and removes the lease tables it "
          + "created. Records that cannot be handled are counted, not parked, unless --park-dead-letters.",
          "Examples:",
          "  shop-stream replay                                 (analytics only, the default)",
          "  shop-stream replay --dry-run                       (derive and count, send nothing)",
          "  shop-stream replay --handlers analytics,email      (email must be asked for; still deduplicated)",
          "  shop-stream replay --from 2026-11-27T08:00:00Z --shards shardId-0001"})
  static final class ReplayCommand implements Callable<Integer> {
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
        + "<SHOP_APPLICATION_NAME>-replay- and its tables must not exist (default: <SHOP_APPLICATION_NAME>-replay-<epoch seconds>).")
    String application;

    @Option(names = "--max-duration", defaultValue = "PT2H", description = "Give up after this long (ISO-8601 duration, default ${DEFAULT-VALUE}).")
    Duration maxDuration;

    @Option(names = "--park-dead-letters", description = "Park records that cannot be handled in the live dead-letter "
        + "queue (default: count them only; the live worker parked its own).")
    boolean parkDeadLetters;

    @Option(names = "--quiet-period", defaultValue = "PT30S", description = "An open shard whose polls came back empty "
        + "this long, with nothing written since the replay started, counts as read to its end (default ${DEFAULT-VALUE}).")
    Duration quietPeriod;

    @Option(names = "--log-file", description = "Where log lines go while the replay runs, so they do not mix with "
        + "its progress (default: <tmpdir>/<application>.log).")
    Path logFile;

    @Override
    public Integer call() {
      try (CompositionRoot root = main.root(new SimpleMeterRegistry())) {
        String name = application != null ? application
            : ReplayTables.prefix(root.config()) + Instant.now().getEpochSecond();
        List<String> problems = ReplayTables.problems(name, root.config());
        if (!problems.isEmpty()) {
          problems.forEach(System.err::println);
          return CONFIGURATION_OR_DEPENDENCY;
        }
        Path logs = logFile != null ? logFile : Path.of(System.getProperty("java.io.tmpdir"), name + ".log");
        System.out.println("log lines of this replay go to " + logs);
        Replay.Summary summary;
        try (ReplayLogs ignored = ReplayLogs.toFile(logs)) {
          summary = root.replay(new Replay.Options(name, handlers, dryRun, from, shards, keepTables, maxDuration,
              parkDeadLetters, quietPeriod), System.out);
        } catch (IllegalArgumentException e) {
          System.err.println(e.getMessage());
          return CONFIGURATION_OR_DEPENDENCY;
        }
        return summary.caughtUp() && summary.undeliveredEvents() == 0 ? 0 : 1;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Shards, lease owners, checkpoints and lag of an application, and the dead-letter queue depth.",
          "Example: shop-stream status --application shop-stream-worker"})
  static final class Status implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--application", description = "KCL application name (default: SHOP_APPLICATION_NAME).")
    String application;

    @Override
    public Integer call() {
      try (CompositionRoot root = main.root(new SimpleMeterRegistry())) {
        WorkerConfig config = root.config();
        String name = application != null ? application : config.applicationName();
        System.out.println("application " + name + " on table " + config.table());
        for (var shard : root.status().shards(name, root.clients().streamArn(config.table()))) {
          System.out.printf("  %s  owner %s  checkpoint %s  lag %s%n", shard.shardId(), shard.owner(), shard.checkpoint(),
              shard.lag() == null ? "unknown" : shard.lag().toSeconds() + "s");
        }
        System.out.println("dead-letter queue depth: " + root.deadLetterRedrive().depth());
        return 0;
      }
    }
  }

  @Command(name = "dlq", mixinStandardHelpOptions = true, subcommands = {Dlq.ListEntries.class, Dlq.Redrive.class},
      description = "Inspect and redrive the dead-letter queue (SHOP_DLQ_URL).")
  static final class Dlq implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Shows parked entries without removing them.", "Example: shop-stream dlq list --max 20"})
    static final class ListEntries implements Callable<Integer> {
      @ParentCommand
      Dlq dlq;

      @Option(names = "--max", defaultValue = "50", description = "At most this many entries (default ${DEFAULT-VALUE}).")
      int max;

      @Override
      public Integer call() {
        try (CompositionRoot root = dlq.main.root(new SimpleMeterRegistry())) {
          DeadLetterRedrive queue = root.deadLetterRedrive();
          System.out.println("dead-letter queue depth: " + queue.depth());
          for (DeadLetterRedrive.Entry entry : queue.list(max)) {
            System.out.println(describe(entry));
          }
          return 0;
        }
      }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
        description = {"Runs parked entries through their handlers again (claims prevent repeated effects) and "
            + "deletes each one that goes through; the rest stay.", "Example: shop-stream dlq redrive --max 100"})
    static final class Redrive implements Callable<Integer> {
      @ParentCommand
      Dlq dlq;

      @Option(names = "--max", defaultValue = "100", description = "At most this many entries (default ${DEFAULT-VALUE}).")
      int max;

      @Override
      public Integer call() {
        try (CompositionRoot root = dlq.main.root(new SimpleMeterRegistry())) {
          List<DeadLetterRedrive.Outcome> outcomes = root.deadLetterRedrive().redrive(max, root.redriveProcessor()::redrive);
          long failed = outcomes.stream().filter(o -> o.failure() != null).count();
          for (DeadLetterRedrive.Outcome outcome : outcomes) {
            System.out.println((outcome.failure() == null ? "redriven  " : "FAILED    ") + describe(outcome.entry())
                + (outcome.failure() == null ? "" : "\n          " + outcome.failure()));
          }
          System.out.println(outcomes.size() - failed + " redriven and deleted, " + failed + " still failing (left in the queue)");
          return failed == 0 ? 0 : 1;
        }
      }
    }

    static String describe(DeadLetterRedrive.Entry entry) {
      DeadLetter letter = entry.letter();
      String stored = entry.location().storage() == RecordLocation.Storage.INLINE ? ""
          : "\n          record: " + entry.location().describe();
      if (letter == null) {
        return entry.messageId() + "  undecodable: " + entry.decodeError() + stored;
      }
      return String.format("%s  %-26s shard %s seq %s%s  attempts %d  %s%s", entry.messageId(), letter.kind(),
          letter.source().shardId(), letter.source().sequenceNumber(),
          letter.handler() == null ? "" : "  handler " + letter.handler() + " event " + letter.eventType() + " " + letter.eventId(),
          letter.attempts(), letter.errorMessage(), stored);
    }
  }
}
