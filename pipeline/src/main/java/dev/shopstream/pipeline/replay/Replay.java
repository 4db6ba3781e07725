package dev.shopstream.pipeline.replay;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.ForwardingEventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.processing.Pause;
import dev.shopstream.pipeline.processing.ShardProgress;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * caught up with the stream as it was when the replay started ({@link CatchUp}), then removes the lease
 * tables it created. Its application name must be {@code <SHOP_APPLICATION_NAME>-replay-...}
 * ({@link ReplayTables}); tables of that name that exist already are refused, never reused or deleted.
 * Records that would be dead-lettered are counted, not parked into the live dead-letter queue (which has
 * them from the live worker), unless {@code parkDeadLetters}.
 */
public final class Replay {
  public static final String DRY_RUN = "dry-run";
  /** Default for how long an open shard's polls must come back empty before its open end counts as reached. */
  public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(30);
  /** How often the progress of the shards is printed (and their catching up judged). */
  private static final Duration REPORT_PERIOD = Duration.ofSeconds(1);

  /**
   * @param from handle only events written at or after this time (null: everything kept)
   * @param shards only these shards (empty: all)
   * @param parkDeadLetters park what cannot be handled into the live dead-letter queue instead of counting it
   * @param quietPeriod see {@link CatchUp}
   */
  public record Options(String applicationName, List<String> handlers, boolean dryRun, Instant from, Set<String> shards,
      boolean keepTables, Duration maxDuration, boolean parkDeadLetters, Duration quietPeriod) {
    public Options(String applicationName, List<String> handlers, boolean dryRun, Instant from, Set<String> shards,
        boolean keepTables, Duration maxDuration) {
      this(applicationName, handlers, dryRun, from, shards, keepTables, maxDuration, false, DEFAULT_QUIET_PERIOD);
    }
  }

  /**
   * @param deadLetters records (rejected) and events (failed handler calls) that could not be handled, by
   *     kind; parked into the live DLQ when {@code deadLettersParked}, else only counted
   * @param caughtUpBy per open shard, how it was found caught up (absent: it was not)
   * @param tablesRemoved the lease tables the replay created, now deleted
   */
  public record Summary(String applicationName, long records, Map<String, Long> eventsByType,
      Map<String, Long> handlerResults, Duration took, boolean caughtUp, boolean tablesRemoved,
      Map<String, Long> deadLetters, List<String> deadLetterSamples, boolean deadLettersParked,
      Map<String, String> caughtUpBy) {
    /** Handler calls that failed and were neither delivered nor parked. */
    public long undeliveredEvents() {
      return deadLettersParked ? 0 : deadLetters.entrySet().stream()
          .filter(e -> !e.getKey().equals(DeadLetter.Kind.REJECTED_RECORD.name())).mapToLong(Map.Entry::getValue).sum();
    }
  }

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
  private final Rounds rounds;

  public Replay(Clock clock, PrintStream out, DynamoDbClient dynamo, DynamoDbStreamsClient streams) {
    this.clock = clock;
    this.out = out;
    this.dynamo = dynamo;
    this.streams = streams;
    this.rounds = new Rounds(clock, Pause.SYSTEM);
  }

  /**
   * @param live the live worker's tables (which the replay must never touch)
   * @param handlers what the replay's worker runs (for the heading)
   * @param worker builds the replay's worker for the selected shards
   * @param counts the registry the replay's worker counts into
   * @param counted where the replay's worker parks what it cannot handle, unless {@code parkDeadLetters}
   * @throws IllegalArgumentException when the application name is not a replay's, or its tables exist
   *     already, or {@code --shards} names shards that are not open
   */
  public Summary run(Options options, ReplayTables.Live live, String streamArn, List<String> handlers,
      Function<Predicate<String>, Run> worker, SimpleMeterRegistry counts, CountingDeadLetters counted) {
    List<String> problems = ReplayTables.problems(options.applicationName(), live);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    Instant startedAt = clock.instant();
    List<String> existing = ReplayTables.leaseTables(options.applicationName()).stream().filter(this::exists).toList();
    if (!existing.isEmpty()) {
      throw new IllegalArgumentException("table(s) " + existing
          + " exist already: a replay starts in lease tables of its own and deletes only what it created; choose "
          + "another --application, or delete them if they are a finished replay's (--keep-tables)");
    }
    List<String> openShards = openShards(streamArn, options.shards());
    out.printf("replaying %s from TRIM_HORIZON into %s as application %s; open shards: %s%n", live.table(),
        options.dryRun() ? "nothing (dry run: events are only counted)" : handlers,
        options.applicationName(), openShards);
    out.println(options.parkDeadLetters() ? "records that cannot be handled are parked in the live dead-letter queue"
        : "records that cannot be handled are counted, not parked (--park-dead-letters parks them)");
    Predicate<String> selected = shard -> options.shards().isEmpty() || options.shards().contains(shard);
    Run run = worker.apply(selected);
    Map<String, String> caughtUpBy;
    boolean removed = false;
    try {
      run.start();
      caughtUpBy = follow(run.progress(), openShards, selected, new CatchUp(startedAt, options.quietPeriod()),
          startedAt.plus(options.maxDuration()));
    } finally {
      run.stop();
      if (!options.keepTables()) {
        removed = removeLeaseTables(options.applicationName(), ReplayTables.prefix(live));
      }
    }
    boolean caughtUp = caughtUpBy.keySet().containsAll(openShards) && !openShards.isEmpty();
    Summary summary = summary(options.applicationName(), counts, Duration.between(startedAt, clock.instant()), caughtUp,
        removed, options.parkDeadLetters() ? Map.of() : counted.counts(), counted.samples(), options.parkDeadLetters(),
        caughtUpBy);
    print(summary);
    return summary;
  }

  /** {@code handler}, passing on only events written at or after {@code from} (null: everything). */
  public static EventHandler onlyFrom(EventHandler handler, Instant from) {
    return from == null ? handler : new FromTime(handler, from);
  }

  private boolean exists(String table) {
    try {
      dynamo.describeTable(r -> r.tableName(table));
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }

  private List<String> openShards(String streamArn, Set<String> selected) {
    List<Shard> shards = new ArrayList<>();
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
   * Prints one line per shard being replayed (closed parents included) once a second until every open
   * (leaf) shard has caught up. KCL starts a
   * child shard only after its parent is fully processed, so caught-up leaves mean the whole stream is done.
   *
   * @return per shard found caught up, how
   */
  private Map<String, String> follow(ShardProgress progress, List<String> openShards,
      Predicate<String> selected, CatchUp catchUp, Instant deadline) {
    Map<String, Long> previous = new HashMap<>();
    Map<String, String> caughtUpBy = new TreeMap<>();
    boolean allCaughtUp = rounds.every(REPORT_PERIOD, deadline, () -> {
      Instant now = clock.instant();
      for (ShardProgress.Snapshot shard : progress.snapshot()) {
        if (!selected.test(shard.shardId())) {
          continue; // read past, not replayed
        }
        long rate = shard.records() - previous.getOrDefault(shard.shardId(), 0L);
        previous.put(shard.shardId(), shard.records());
        var reached = catchUp.reached(shard, now);
        reached.ifPresent(reason -> caughtUpBy.putIfAbsent(shard.shardId(), reason.text));
        out.printf("  %s %s %,d records, %,d/s, at %s%s%n", bar(catchUp.fraction(shard, now)), shard.shardId(),
            shard.records(), rate,
            shard.newestWrittenAt() == null ? "-" : shard.newestWrittenAt().truncatedTo(ChronoUnit.SECONDS),
            reached.map(reason -> " (caught up: " + reason.text + ")")
                .orElse(shard.emptySince() == null || shard.pending() ? "" : " (no records for "
                    + human(Duration.between(shard.emptySince(), now)) + ")"));
      }
      return !openShards.isEmpty() && caughtUpBy.keySet().containsAll(openShards);
    });
    if (!allCaughtUp) {
      out.println("  stopped at --max-duration before every shard caught up");
    }
    return caughtUpBy;
  }

  /** Deletes the replay's lease tables, each only if it has the replay prefix (they did not exist at its start). */
  private boolean removeLeaseTables(String applicationName, String prefix) {
    if (!applicationName.startsWith(prefix)) {
      throw new IllegalStateException("refusing to delete tables of " + applicationName + ": not a replay's");
    }
    for (String table : ReplayTables.leaseTables(applicationName)) {
      try {
        dynamo.deleteTable(r -> r.tableName(table));
      } catch (ResourceNotFoundException alreadyGone) {
        // KCL creates the worker-metrics table lazily; nothing to remove
      }
    }
    return true;
  }

  private static Summary summary(String application, SimpleMeterRegistry metrics, Duration took, boolean caughtUp,
      boolean removed, Map<String, Long> deadLetters, List<String> samples, boolean parked,
      Map<String, String> caughtUpBy) {
    Map<String, Long> events = new TreeMap<>();
    metrics.find("shop.events").counters().forEach(c -> events.put(c.getId().getTag("type"), (long) c.count()));
    Map<String, Long> results = new TreeMap<>();
    metrics.find("shop.handler.results").counters().forEach(c ->
        results.merge(c.getId().getTag("handler") + "/" + c.getId().getTag("result"), (long) c.count(), Long::sum));
    long records = (long) metrics.find("shop.stream.records").counters().stream().mapToDouble(c -> c.count()).sum();
    return new Summary(application, records, events, results, took, caughtUp, removed, deadLetters, samples, parked,
        caughtUpBy);
  }

  private void print(Summary summary) {
    out.printf("replay %s: %,d records in %s (%s)%n", summary.caughtUp() ? "complete" : "INCOMPLETE", summary.records(),
        human(summary.took()), summary.caughtUp() ? "caught up with the stream" : "not caught up");
    summary.caughtUpBy().forEach((shard, how) -> out.println("  " + shard + ": " + how));
    out.println("  events by type: " + summary.eventsByType());
    out.println("  handler results: " + summary.handlerResults());
    if (!summary.deadLetters().isEmpty()) {
      out.println("  not handled, counted and NOT parked (the live worker parked its own; --park-dead-letters parks "
          + "them): " + summary.deadLetters());
      summary.deadLetterSamples().forEach(sample -> out.println("    " + sample));
    }
    if (summary.undeliveredEvents() > 0) {
      out.println("  " + summary.undeliveredEvents() + " event(s) failed in their handler and were not delivered");
    }
    out.println(summary.tablesRemoved() ? "  lease tables of " + summary.applicationName() + " removed"
        : "  lease tables of " + summary.applicationName() + " kept (--keep-tables)");
  }

  private static String bar(double fraction) {
    int filled = (int) Math.round(fraction * 20);
    return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
  }

  static String human(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds >= 3600 ? String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60)
        : seconds >= 60 ? String.format("%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
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
  static final class FromTime extends ForwardingEventHandler {
    private final Instant from;

    FromTime(EventHandler handler, Instant from) {
      super(handler);
      this.from = from;
    }

    @Override
    public HandlerResult handle(DomainEvent event) {
      return event.metadata().occurredAt().isBefore(from) ? HandlerResult.notApplicable("written before --from " + from)
          : super.handle(event);
    }
  }
}
