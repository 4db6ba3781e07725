package dev.shopstream.pipeline.processing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 *       engine (a few milliseconds normally; grows while a record is held by retries).
 * </ul>
 * A shard's gauges are removed when it ends, its lease is lost or it is shut down, so the label set
 * does not grow with every shard the worker ever held.
 */
public final class ShardProgress {
  /** What the shard's engine holds: its oldest unhandled record's write time and when it was taken in. */
  public record Pending(Instant writtenAt, Instant takenAt) {}

  private final MeterRegistry registry;
  private final Clock clock;
  private final HeldLeases leases;
  private final Map<String, State> shards = new ConcurrentHashMap<>();

  public ShardProgress(MeterRegistry registry, Clock clock) {
    this(registry, clock, new HeldLeases("?"));
  }

  /** @param leases told which shards this worker holds (for handlers' claims) */
  public ShardProgress(MeterRegistry registry, Clock clock, HeldLeases leases) {
    this.registry = registry;
    this.clock = clock;
    this.leases = leases;
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
  }

  private State state(String shardId) {
    return shards.computeIfAbsent(shardId, id -> {
      State state = new State();
      state.lastCheckpointAt = clock.instant();
      state.gauges.add(Gauge.builder("shop.checkpoint.age", state, s -> secondsSince(s.lastCheckpointAt))
          .description("Seconds since this shard's last checkpoint").baseUnit("seconds").tag("shard", id).register(registry));
      state.gauges.add(Gauge.builder("shop.shard.lag", state, this::lagSeconds)
          .description("How far behind the stream the shard's handled records are, in seconds").baseUnit("seconds")
          .tag("shard", id).register(registry));
      state.gauges.add(Gauge.builder("shop.shard.holding", state, this::holdingSeconds)
          .description("How long the shard's oldest unhandled record has been in the engine, in seconds")
          .baseUnit("seconds").tag("shard", id).register(registry));
      return state;
    });
  }

  /** Shows what the shard's engine holds (its oldest unhandled record), or null when it holds none. */
  public void engine(String shardId, Supplier<Pending> pending) {
    // A shard taken again after it was released starts afresh (its gauges were removed).
    shards.computeIfPresent(shardId, (id, old) -> old.released ? null : old);
    state(shardId).pending = pending;
    leases.taken(shardId);
  }

  public void checkpointed(String shardId) {
    state(shardId).lastCheckpointAt = clock.instant();
  }

  /**
   * @param writtenAt the approximate creation time of the last record of the handled run (may be null)
   * @param count records handled since the last report
   */
  public void handled(String shardId, Instant writtenAt, long count) {
    State state = state(shardId);
    state.records.addAndGet(count);
    if (writtenAt != null) {
      if (state.firstRecordWrittenAt == null) {
        state.firstRecordWrittenAt = writtenAt;
      }
      state.lastRecordWrittenAt = writtenAt;
    }
  }

  /** The shard reached its end and every record of it was handled. */
  public void ended(String shardId) {
    leases.released(shardId);
    State state = state(shardId);
    state.ended = true;
    release(state);
  }

  /** The worker no longer holds the shard (lease lost, shut down): its gauges go. */
  public void released(String shardId) {
    leases.released(shardId);
    State state = shards.get(shardId);
    if (state != null) {
      release(state);
    }
  }

  private void release(State state) {
    state.released = true;
    state.pending = () -> null;
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
   */
  public record Snapshot(String shardId, long records, Duration lag, boolean caughtUp, boolean ended, boolean pending,
      Instant firstWrittenAt, Instant newestWrittenAt, Instant emptySince) {}

  public List<Snapshot> snapshot() {
    return shards.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> {
          State state = e.getValue();
          return new Snapshot(e.getKey(), state.records.get(), Duration.ofMillis(Math.round(lagSeconds(state) * 1000)),
              caughtUp(state), state.ended, state.pending.get() != null, state.firstRecordWrittenAt,
              state.lastRecordWrittenAt, state.emptySince);
        })
        .toList();
  }

  /** The longest time any held shard's oldest unhandled record has been in its engine. */
  public Duration longestHold() {
    return Duration.ofMillis(Math.round(1000 * shards.values().stream().filter(s -> !s.released)
        .mapToDouble(this::holdingSeconds).max().orElse(0)));
  }

  /** @param millisBehindLatest as the adapter reports it for a batch (null when it does not) */
  public void batch(String shardId, Long millisBehindLatest, boolean empty) {
    State state = state(shardId);
    state.millisBehindLatest = millisBehindLatest;
    state.emptyPoll = empty || (millisBehindLatest != null && millisBehindLatest == 0);
    if (!empty) {
      state.emptySince = null;
    } else if (state.emptySince == null) {
      state.emptySince = clock.instant();
    }
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
