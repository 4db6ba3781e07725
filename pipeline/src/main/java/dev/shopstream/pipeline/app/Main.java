package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.ConfigException;
import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.dlq.RecordLocation;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.kcl.TrimmedDataMonitor;
import dev.shopstream.pipeline.ops.OpsHttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Command-line entry point. Configuration comes from the environment (see README). */
@Command(name = "shop-stream", mixinStandardHelpOptions = true, subcommands = {Main.Run.class, Main.Replay.class, Main.Status.class, Main.Dlq.class},
    description = "Turns a DynamoDB table's change stream into domain events and delivers them.")
public final class Main {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Runs the worker until SIGTERM, then stops within SHOP_SHUTDOWN_TIMEOUT_SECONDS.",
          "Example: SHOP_TABLE=shop AWS_REGION=eu-west-1 SHOP_DLQ_URL=... shop-stream run"})
  static final class Run implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      Map<String, String> env = System.getenv();
      WorkerConfig config = configOrNull(env);
      if (config == null) {
        return 2;
      }
      Clock clock = Clock.systemUTC();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      AwsClients clients = AwsClients.create(config, env, new TrimmedDataMonitor(registry, config.trimmedDataPolicy().name()));
      ShopStreamWorker worker = ShopStreamWorker.create(config, clients, HandlerCatalogue.standard(config, clients, clock),
          DeadLetterWiring.queue(config, clients, registry), registry, clock);
      OpsHttpServer http = OpsHttpServer.start(config.httpHost(), config.httpPort(), worker::isRunning, worker::isReady,
          registry);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        worker.close();
        http.close();
        stopped.countDown();
      }, "sigterm"));
      worker.start();
      System.out.flush();
      org.slf4j.LoggerFactory.getLogger(Main.class).info("health and metrics on http://{}:{}/ (health/live, health/ready, "
          + "metrics)", config.httpHost(), http.port());
      stopped.await();
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
  static final class Replay implements Callable<Integer> {
    @Option(names = "--handlers", split = ",", defaultValue = "analytics",
        description = "Handlers to replay into (default ${DEFAULT-VALUE}).")
    List<String> handlers;

    @Option(names = "--dry-run", description = "Derive and count events without sending anything.")
    boolean dryRun;

    @Option(names = "--from", description = "Only events written at or after this ISO-8601 instant.")
    java.time.Instant from;

    @Option(names = "--shards", split = ",", description = "Only these shard ids (default: all).")
    java.util.Set<String> shards = java.util.Set.of();

    @Option(names = "--keep-tables", description = "Keep the replay's lease tables afterwards.")
    boolean keepTables;

    @Option(names = "--application", description = "KCL application name of the replay; must start with "
        + "<SHOP_APPLICATION_NAME>-replay- and its tables must not exist (default: <SHOP_APPLICATION_NAME>-replay-<epoch seconds>).")
    String application;

    @Option(names = "--max-duration", defaultValue = "PT2H", description = "Give up after this long (ISO-8601 duration, default ${DEFAULT-VALUE}).")
    java.time.Duration maxDuration;

    @Option(names = "--park-dead-letters", description = "Park records that cannot be handled in the live dead-letter "
        + "queue (default: count them only; the live worker parked its own).")
    boolean parkDeadLetters;

    @Option(names = "--quiet-period", defaultValue = "PT30S", description = "An open shard whose polls came back empty "
        + "this long, with nothing written since the replay started, counts as read to its end (default ${DEFAULT-VALUE}).")
    java.time.Duration quietPeriod;

    @Option(names = "--log-file", description = "Where log lines go while the replay runs, so they do not mix with "
        + "its progress (default: <tmpdir>/<application>.log).")
    java.nio.file.Path logFile;

    @Override
    public Integer call() {
      Map<String, String> env = System.getenv();
      WorkerConfig live = configOrNull(env);
      if (live == null) {
        return 2;
      }
      String name = application != null ? application
          : dev.shopstream.pipeline.ops.ReplayTables.prefix(live) + java.time.Instant.now().getEpochSecond();
      List<String> problems = dev.shopstream.pipeline.ops.ReplayTables.problems(name, live);
      if (!problems.isEmpty()) {
        problems.forEach(System.err::println);
        return 2;
      }
      java.nio.file.Path logs = logFile != null ? logFile : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), name + ".log");
      System.out.println("log lines of this replay go to " + logs);
      dev.shopstream.pipeline.ops.Replay.Summary summary;
      try (ReplayLogs ignored = ReplayLogs.toFile(logs)) {
        summary = new dev.shopstream.pipeline.ops.Replay(Clock.systemUTC(), System.out).run(env,
            new dev.shopstream.pipeline.ops.Replay.Options(name, handlers, dryRun, from, shards, keepTables, maxDuration,
                parkDeadLetters, quietPeriod));
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      return summary.caughtUp() && summary.undeliveredEvents() == 0 ? 0 : 1;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Shards, lease owners, checkpoints and lag of an application, and the dead-letter queue depth.",
          "Example: shop-stream status --application shop-stream-worker"})
  static final class Status implements Callable<Integer> {
    @Option(names = "--application", description = "KCL application name (default: SHOP_APPLICATION_NAME).")
    String application;

    @Override
    public Integer call() {
      return withClients((config, clients) -> {
        String name = application != null ? application : config.applicationName();
        String streamArn = clients.streamArn(config.table());
        System.out.println("application " + name + " on table " + config.table());
        for (var shard : new dev.shopstream.pipeline.ops.StreamStatus(clients.dynamo(), clients.streams(), Clock.systemUTC())
            .shards(name, streamArn)) {
          System.out.printf("  %s  owner %s  checkpoint %s  lag %s%n", shard.shardId(), shard.owner(), shard.checkpoint(),
              shard.lag() == null ? "unknown" : shard.lag().toSeconds() + "s");
        }
        System.out.println("dead-letter queue depth: " + DeadLetterWiring.redrive(config, clients).depth());
        return 0;
      });
    }
  }

  @Command(name = "dlq", mixinStandardHelpOptions = true, subcommands = {Dlq.ListEntries.class, Dlq.Redrive.class},
      description = "Inspect and redrive the dead-letter queue (SHOP_DLQ_URL).")
  static final class Dlq implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Shows parked entries without removing them.", "Example: shop-stream dlq list --max 20"})
    static final class ListEntries implements Callable<Integer> {
      @Option(names = "--max", defaultValue = "50", description = "At most this many entries (default ${DEFAULT-VALUE}).")
      int max;

      @Override
      public Integer call() {
        return withClients((config, clients) -> {
          DeadLetterRedrive dlq = DeadLetterWiring.redrive(config, clients);
          PrintWriter out = new PrintWriter(System.out, true);
          out.println("dead-letter queue depth: " + dlq.depth());
          for (DeadLetterRedrive.Entry entry : dlq.list(max)) {
            out.println(describe(entry));
          }
          return 0;
        });
      }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
        description = {"Runs parked entries through their handlers again (claims prevent repeated effects) and "
            + "deletes each one that goes through; the rest stay.", "Example: shop-stream dlq redrive --max 100"})
    static final class Redrive implements Callable<Integer> {
      @Option(names = "--max", defaultValue = "100", description = "At most this many entries (default ${DEFAULT-VALUE}).")
      int max;

      @Override
      public Integer call() {
        return withClients((config, clients) -> {
          Clock clock = Clock.systemUTC();
          // redrive parks nothing again: a record that still fails stays where it is
          RecordProcessor processor = ShopStreamWorker.recordProcessor(config, HandlerCatalogue.standard(config, clients, clock),
              letter -> {
                throw new IllegalStateException("redrive parks nothing");
              }, new PipelineMetrics(new SimpleMeterRegistry()), clock);
          List<DeadLetterRedrive.Outcome> outcomes = DeadLetterWiring.redrive(config, clients).redrive(max, processor::redrive);
          long failed = outcomes.stream().filter(o -> o.failure() != null).count();
          for (DeadLetterRedrive.Outcome outcome : outcomes) {
            System.out.println((outcome.failure() == null ? "redriven  " : "FAILED    ") + describe(outcome.entry())
                + (outcome.failure() == null ? "" : "\n          " + outcome.failure()));
          }
          System.out.println(outcomes.size() - failed + " redriven and deleted, " + failed + " still failing (left in the queue)");
          return failed == 0 ? 0 : 1;
        });
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

  /** Runs {@code command} with the configuration and clients, or returns 2 after printing every configuration problem. */
  static int withClients(java.util.function.BiFunction<WorkerConfig, AwsClients, Integer> command) {
    Map<String, String> env = System.getenv();
    WorkerConfig config = configOrNull(env);
    if (config == null) {
      return 2;
    }
    try (AwsClients clients = AwsClients.create(config, env)) {
      return command.apply(config, clients);
    }
  }

  /** The configuration, or null after printing every problem with it. */
  static WorkerConfig configOrNull(Map<String, String> env) {
    try {
      return WorkerConfig.load(env, HandlerCatalogue.KNOWN, defaultWorkerId());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return null;
    }
  }

  static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "worker";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
