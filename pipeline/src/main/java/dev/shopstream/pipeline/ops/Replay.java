package dev.shopstream.pipeline.ops;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.processing.ShardProgress;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;

/**
 * Re-reads the table's stream from TRIM_HORIZON into chosen handlers, under its own KCL application
 * name and lease tables (the live worker's checkpoints are never touched), until every open shard has
 * caught up with the stream's head, then removes its lease tables.
 */
public final class Replay {
  public static final String DRY_RUN = "dry-run";

  /**
   * @param from handle only events written at or after this time (null: everything kept)
   * @param shards only these shards (empty: all)
   */
  public record Options(String applicationName, List<String> handlers, boolean dryRun, Instant from, Set<String> shards,
      boolean keepTables, Duration maxDuration) {}

  public record Summary(String applicationName, long records, Map<String, Long> eventsByType,
      Map<String, Long> handlerResults, Duration took, boolean caughtUp, boolean tablesRemoved) {}

  /** A worker reading the stream for the replay, built by the composition root. */
  public interface Run {
    void start();

    ShardProgress progress();

    void stop();
  }

  private final Clock clock;
  private final PrintStream out;
  private final DynamoDbClient dynamo;
  private final DynamoDbStreamsClient streams;

  public Replay(Clock clock, PrintStream out, DynamoDbClient dynamo, DynamoDbStreamsClient streams) {
    this.clock = clock;
    this.out = out;
    this.dynamo = dynamo;
    this.streams = streams;
  }

  /**
   * @param handlers what the replay's worker runs (for the heading)
   * @param worker builds the replay's worker for the selected shards
   * @param counts the registry the replay's worker counts into
   */
  public Summary run(Options options, String streamArn, List<String> handlers, Function<Predicate<String>, Run> worker,
      SimpleMeterRegistry counts) {
    Instant startedAt = clock.instant();
    List<String> openShards = openShards(streamArn, options.shards());
    out.printf("replaying from TRIM_HORIZON into %s as application %s; open shards: %s%n",
        options.dryRun() ? "nothing (dry run: events are only counted)" : handlers, options.applicationName(), openShards);
    Run run = worker.apply(shard -> options.shards().isEmpty() || options.shards().contains(shard));
    boolean caughtUp;
    try {
      run.start();
      caughtUp = follow(run.progress(), openShards, startedAt.plus(options.maxDuration()));
    } finally {
      run.stop();
    }
    if (!options.keepTables()) {
      removeLeaseTables(options.applicationName());
    }
    Summary summary = summary(options.applicationName(), counts, Duration.between(startedAt, clock.instant()), caughtUp,
        !options.keepTables());
    print(summary);
    return summary;
  }

  /** {@code handler}, passing on only events written at or after {@code from} (null: everything). */
  public static EventHandler onlyFrom(EventHandler handler, Instant from) {
    return from == null ? handler : new FromTime(handler, from);
  }

  private List<String> openShards(String streamArn, Set<String> selected) {
    List<Shard> shards = new java.util.ArrayList<>();
    String after = null;
    do {
      String start = after;
      var description = streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(start))
          .streamDescription();
      shards.addAll(description.shards());
      after = description.lastEvaluatedShardId();
    } while (after != null);
    List<String> open = shards.stream().filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
        .map(Shard::shardId).filter(id -> selected.isEmpty() || selected.contains(id)).toList();
    if (!selected.isEmpty() && open.size() != selected.size()) {
      throw new IllegalArgumentException("--shards names shards that are not open shards of the stream: " + selected
          + "; open: " + shards.stream().filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
              .map(Shard::shardId).toList());
    }
    return open;
  }

  /**
   * Prints progress once a second until every open (leaf) shard has caught up. KCL starts a child
   * shard only after its parent is fully processed, so caught-up leaves mean the whole stream is done.
   */
  private boolean follow(ShardProgress progress, List<String> openShards, Instant deadline) {
    Map<String, Long> previous = new HashMap<>();
    Map<String, Duration> firstLag = new HashMap<>();
    while (clock.instant().isBefore(deadline)) {
      sleep(1000);
      List<ShardProgress.Snapshot> snapshot = progress.snapshot();
      for (ShardProgress.Snapshot shard : snapshot) {
        long rate = shard.records() - previous.getOrDefault(shard.shardId(), 0L);
        previous.put(shard.shardId(), shard.records());
        firstLag.putIfAbsent(shard.shardId(), shard.lag());
        out.printf("  %s %s %,d records, %,d/s, lag %s%s%n", bar(shard, firstLag.get(shard.shardId())), shard.shardId(),
            shard.records(), rate, human(shard.lag()), shard.caughtUp() ? " (caught up)" : "");
      }
      boolean done = !openShards.isEmpty() && openShards.stream().allMatch(id -> snapshot.stream()
          .anyMatch(s -> s.shardId().equals(id) && s.caughtUp()));
      if (done) {
        return true;
      }
    }
    out.println("  stopped at --max-duration before every shard caught up");
    return false;
  }

  private void removeLeaseTables(String applicationName) {
    for (String table : WorkerConfig.leaseTables(applicationName)) {
      try {
        dynamo.deleteTable(r -> r.tableName(table));
      } catch (ResourceNotFoundException alreadyGone) {
        // KCL creates the worker-metrics table lazily; nothing to remove
      }
    }
  }

  private static Summary summary(String application, SimpleMeterRegistry metrics, Duration took, boolean caughtUp,
      boolean removed) {
    Map<String, Long> events = new TreeMap<>();
    metrics.find("shop.events").counters().forEach(c -> events.put(c.getId().getTag("type"), (long) c.count()));
    Map<String, Long> results = new TreeMap<>();
    metrics.find("shop.handler.results").counters().forEach(c ->
        results.merge(c.getId().getTag("handler") + "/" + c.getId().getTag("result"), (long) c.count(), Long::sum));
    long records = (long) metrics.find("shop.stream.records").counters().stream().mapToDouble(c -> c.count()).sum();
    return new Summary(application, records, events, results, took, caughtUp, removed);
  }

  private void print(Summary summary) {
    out.printf("replay %s: %,d records in %s (%s)%n", summary.caughtUp() ? "complete" : "INCOMPLETE", summary.records(),
        human(summary.took()), summary.caughtUp() ? "caught up with the stream" : "not caught up");
    out.println("  events by type: " + summary.eventsByType());
    out.println("  handler results: " + summary.handlerResults());
    out.println(summary.tablesRemoved() ? "  lease tables of " + summary.applicationName() + " removed"
        : "  lease tables of " + summary.applicationName() + " kept (--keep-tables)");
  }

  private static String bar(ShardProgress.Snapshot shard, Duration firstLag) {
    double done = shard.caughtUp() || firstLag == null || firstLag.isZero() ? 1.0
        : Math.max(0, Math.min(1, 1 - (double) shard.lag().toMillis() / firstLag.toMillis()));
    int filled = (int) Math.round(done * 20);
    return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
  }

  static String human(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds >= 3600 ? String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60)
        : seconds >= 60 ? String.format("%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The dry run's only handler: takes every event, sends nothing (events are counted by the pipeline). */
  public static final class DryRun implements EventHandler {
    @Override
    public String name() {
      return DRY_RUN;
    }

    @Override
    public Set<EventType> eventTypes() {
      return EnumSet.allOf(EventType.class);
    }

    @Override
    public HandlerResult handle(DomainEvent event) {
      return HandlerResult.done("counted");
    }
  }

  /** Passes on only events written at or after {@code from}. */
  record FromTime(EventHandler handler, Instant from) implements EventHandler {
    @Override
    public String name() {
      return handler.name();
    }

    @Override
    public Set<EventType> eventTypes() {
      return handler.eventTypes();
    }

    @Override
    public HandlerResult handle(DomainEvent event) {
      return event.metadata().occurredAt().isBefore(from) ? HandlerResult.notApplicable("written before --from " + from)
          : handler.handle(event);
    }
  }
}
