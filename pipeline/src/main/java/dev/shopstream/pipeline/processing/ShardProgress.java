package dev.shopstream.pipeline.processing;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Per-shard progress as gauges, for the shards this worker holds:
 * <ul>
 *   <li>{@code shop.checkpoint.age}: seconds since the last checkpoint;
 *   <li>{@code shop.shard.lag}: how far behind the stream the handled records are: the age of the
 *       oldest record not yet handled while there is one (so a held record shows, even when polls come
 *       back empty), else DynamoDB's millisBehindLatest when the adapter reports it, else 0 once a poll
 *       came back empty, else the age of the last handled record;
 *   <li>{@code shop.shard.holding.seconds}: how long the oldest unhandled record has been in the
 *       engine (a few milliseconds normally; grows while a record is held by retries);
 *   <li>{@code shop.shard.window.records} and {@code .bytes}: how full the shard's window is;
 *   <li>{@code shop.shard.polls} and {@code shop.shard.empty.polls}: GetRecords results delivered, and those
 *       without a record.
 * </ul>
 * A shard's gauges are removed when it ends, its lease is lost or it is shut down, so the label set
 * does not grow with every shard the worker ever held.
 */
public final class ShardProgress {
  /** What the shard's engine holds: its oldest unhandled record's write time and when it was taken in. */
  public record Pending(Instant writtenAt, Instant takenAt) {}

  /** How full the shard's window is: records and bytes held (taken in, not yet below the watermark). */
  public record Occupancy(int records, long bytes) {
    public static final Occupancy EMPTY = new Occupancy(0, 0);
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, State> shards = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> firstTaken = new CompletableFuture<>();

  public ShardProgress(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  private static final class State {
    final AtomicLong records = new AtomicLong();
    final List<Meter> gauges = new CopyOnWriteArrayList<>();
    volatile boolean ended;
    volatile boolean released;
    volatile Instant lastCheckpointAt;
    volatile Instant firstRecordWrittenAt;
    volatile Instant lastRecordWrittenAt;
    volatile Long millisBehindLatest;
    volatile boolean emptyPoll;
    volatile Instant emptySince;
    volatile Supplier<Pending> pending = () -> null;
    volatile Supplier<Occupancy> occupancy = () -> Occupancy.EMPTY;
    final AtomicLong polls = new AtomicLong();
    final AtomicLong emptyPolls = new AtomicLong();
  }

  /**
   * One shard processor's progress, from its start until its shard ends or it lets the shard go. What
   * it reports is its own: an earlier processor of the same shard releasing late changes nothing of a
   * newer one's, and a newer one replaces an earlier one's gauges.
   */
  public final class Tracker {
    private final String shardId;
    private final State state;

    private Tracker(String shardId, State state) {
      this.shardId = shardId;
      this.state = state;
    }

    /** The processor holds the shard's lease and starts processing it. */
    public void taken() {
      firstTaken.complete(null);
    }

    public void checkpointed() {
      state.lastCheckpointAt = clock.instant();
    }

    /**
     * @param writtenAt the approximate creation time of the last record of the handled run (may be null)
     * @param count records handled since the last report
     */
    public void handled(Instant writtenAt, long count) {
      state.records.addAndGet(count);
      if (writtenAt != null) {
        if (state.firstRecordWrittenAt == null) {
          state.firstRecordWrittenAt = writtenAt;
        }
        state.lastRecordWrittenAt = writtenAt;
      }
    }

    /** @param millisBehindLatest as the adapter reports it for a batch (null when it does not) */
    public void batch(Long millisBehindLatest, boolean empty) {
      state.polls.incrementAndGet();
      if (empty) {
        state.emptyPolls.incrementAndGet();
      }
      state.millisBehindLatest = millisBehindLatest;
      state.emptyPoll = empty || (millisBehindLatest != null && millisBehindLatest == 0);
      if (!empty) {
        state.emptySince = null;
      } else if (state.emptySince == null) {
        state.emptySince = clock.instant();
      }
    }

    /** The shard reached its end and every record of it was handled. */
    public void ended() {
      state.ended = true;
      release(shardId, state);
    }

    /** The processor no longer holds the shard (lease lost, shut down): its gauges go. */
    public void released() {
      release(shardId, state);
    }
  }

  /**
   * Completes when a processor here first took its shard ({@link Tracker#taken}): an event to wait on for a
   * worker's first lease. A copy: completing it completes nothing else.
   */
  public CompletableFuture<Void> firstShardTaken() {
    return firstTaken.copy();
  }

  /** A processor starts on {@code shardId}; {@code pending} shows its engine's oldest unhandled record (or null). */
  public Tracker track(String shardId, Supplier<Pending> pending) {
    return track(shardId, pending, () -> Occupancy.EMPTY);
  }

  /** As {@link #track(String, Supplier)}; {@code occupancy} shows how full its window is. */
  public synchronized Tracker track(String shardId, Supplier<Pending> pending, Supplier<Occupancy> occupancy) {
    State state = new State();
    state.lastCheckpointAt = clock.instant();
    state.pending = pending;
    state.occupancy = occupancy;
    State before = shards.put(shardId, state);
    if (before != null) {
      dropGauges(before);
    }
    state.gauges.add(Gauge.builder("shop.checkpoint.age", state, s -> secondsSince(s.lastCheckpointAt))
        .description("Seconds since this shard's last checkpoint").baseUnit("seconds").tag("shard", shardId)
        .register(registry));
    state.gauges.add(Gauge.builder("shop.shard.lag", state, this::lagSeconds)
        .description("How far behind the stream the shard's handled records are, in seconds").baseUnit("seconds")
        .tag("shard", shardId).register(registry));
    state.gauges.add(Gauge.builder("shop.shard.holding", state, this::holdingSeconds)
        .description("How long the shard's oldest unhandled record has been in the engine, in seconds")
        .baseUnit("seconds").tag("shard", shardId).register(registry));
    state.gauges.add(Gauge.builder("shop.shard.window.records", state, s -> s.occupancy.get().records())
        .description("Records the shard's window holds (taken in, not yet below the watermark); at "
            + "SHOP_MAX_IN_FLIGHT it is full")
        .tag("shard", shardId).register(registry));
    state.gauges.add(Gauge.builder("shop.shard.window.bytes", state, s -> s.occupancy.get().bytes())
        .description("Bytes of stream records the shard's window holds; at SHOP_MAX_IN_FLIGHT_BYTES it is full")
        .baseUnit("bytes").tag("shard", shardId).register(registry));
    state.gauges.add(FunctionCounter.builder("shop.shard.polls", state, s -> s.polls.get())
        .description("GetRecords results delivered to the shard's processor, empty ones included")
        .tag("shard", shardId).register(registry));
    state.gauges.add(FunctionCounter.builder("shop.shard.empty.polls", state, s -> s.emptyPolls.get())
        .description("GetRecords results that brought no record").tag("shard", shardId).register(registry));
    return new Tracker(shardId, state);
  }

  private synchronized void release(String shardId, State state) {
    state.released = true;
    state.pending = () -> null;
    state.occupancy = () -> Occupancy.EMPTY;
    if (shards.get(shardId) == state) {
      dropGauges(state); // the shard's gauges are this state's only while no newer processor took over
    }
    state.gauges.clear();
  }

  private void dropGauges(State state) {
    state.gauges.forEach(registry::remove);
    state.gauges.clear();
  }

  /**
   * A snapshot for progress reports. {@code caughtUp}: the last poll came back empty and nothing is in
   * flight (a poll can come back empty before a shard's end: see {@code emptySince}).
   *
   * @param pending whether a record taken from the shard is not handled yet
   * @param firstWrittenAt, newestWrittenAt write times of the first and the latest reported handled
   *     position (null before any)
   * @param emptySince since when every poll came back empty (null when the last one brought records)
   * @param lastCheckpointAt when the shard was last checkpointed here (or taken, before its first checkpoint)
   * @param released this processor no longer holds the shard (it ended, its lease was lost or it was shut down)
   * @param read at least one batch came from the stream (before that, the lag says nothing: a shard whose
   *     iterator cannot be had, HOLD on trimmed data, shows 0)
   */
  public record Snapshot(String shardId, long records, Duration lag, boolean caughtUp, boolean ended, boolean pending,
      Instant firstWrittenAt, Instant newestWrittenAt, Instant emptySince, Instant lastCheckpointAt, boolean released,
      boolean read) {}

  public List<Snapshot> snapshot() {
    return shards.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> {
          State state = e.getValue();
          return new Snapshot(e.getKey(), state.records.get(), Duration.ofMillis(Math.round(lagSeconds(state) * 1000)),
              caughtUp(state), state.ended, state.pending.get() != null, state.firstRecordWrittenAt,
              state.lastRecordWrittenAt, state.emptySince, state.lastCheckpointAt, state.released,
              state.polls.get() > 0);
        })
        .toList();
  }

  /** The longest time any held shard's oldest unhandled record has been in its engine. */
  public Duration longestHold() {
    return Duration.ofMillis(Math.round(1000 * shards.values().stream().filter(s -> !s.released)
        .mapToDouble(this::holdingSeconds).max().orElse(0)));
  }

  private boolean caughtUp(State state) {
    return state.emptyPoll && state.pending.get() == null;
  }

  private double lagSeconds(State state) {
    Pending pending = state.pending.get();
    if (pending != null && pending.writtenAt() != null) {
      return secondsSince(pending.writtenAt());
    }
    if (state.millisBehindLatest != null) {
      return state.millisBehindLatest / 1000.0;
    }
    if (state.emptyPoll || state.lastRecordWrittenAt == null) {
      return 0;
    }
    return secondsSince(state.lastRecordWrittenAt);
  }

  private double holdingSeconds(State state) {
    Pending pending = state.pending.get();
    return pending == null ? 0 : secondsSince(pending.takenAt());
  }

  private double secondsSince(Instant then) {
    return then == null ? 0 : Math.max(0, Duration.between(then, clock.instant()).toMillis() / 1000.0);
  }
}
