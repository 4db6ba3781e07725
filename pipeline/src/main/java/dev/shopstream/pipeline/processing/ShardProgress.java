package dev.shopstream.pipeline.processing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-shard progress as gauges: seconds since the last checkpoint ({@code shop.checkpoint.age}) and
 * how far behind the stream's head the worker is ({@code shop.shard.lag}): the age of the last handled
 * record, or DynamoDB's millisBehindLatest when the adapter reports it. The adapter offers no precise
 * lag metric, so this is measured here.
 */
public final class ShardProgress {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, State> shards = new ConcurrentHashMap<>();

  public ShardProgress(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  private static final class State {
    final java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();
    volatile boolean ended;
    volatile Instant lastCheckpointAt;
    volatile Instant lastRecordWrittenAt;
    volatile Long millisBehindLatest;
    volatile boolean caughtUp;
  }

  private State state(String shardId) {
    return shards.computeIfAbsent(shardId, id -> {
      State state = new State();
      state.lastCheckpointAt = clock.instant();
      Gauge.builder("shop.checkpoint.age", state, s -> secondsSince(s.lastCheckpointAt))
          .description("Seconds since this shard's last checkpoint").baseUnit("seconds").tag("shard", id).register(registry);
      Gauge.builder("shop.shard.lag", state, this::lagSeconds)
          .description("How far behind the stream head the shard is, in seconds").baseUnit("seconds").tag("shard", id)
          .register(registry);
      return state;
    });
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
      state.lastRecordWrittenAt = writtenAt;
    }
  }

  /** The shard reached its end and every record of it was handled. */
  public void ended(String shardId) {
    state(shardId).ended = true;
  }

  /** A snapshot for progress reports. */
  public record Snapshot(String shardId, long records, Duration lag, boolean caughtUp, boolean ended) {}

  public java.util.List<Snapshot> snapshot() {
    return shards.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> new Snapshot(e.getKey(), e.getValue().records.get(), Duration.ofMillis(Math.round(lagSeconds(e.getValue()) * 1000)),
            e.getValue().caughtUp, e.getValue().ended))
        .toList();
  }

  /** @param millisBehindLatest as the adapter reports it for a batch (null when it does not) */
  public void batch(String shardId, Long millisBehindLatest, boolean empty) {
    State state = state(shardId);
    state.millisBehindLatest = millisBehindLatest;
    state.caughtUp = empty || (millisBehindLatest != null && millisBehindLatest == 0);
  }

  private double lagSeconds(State state) {
    if (state.millisBehindLatest != null) {
      return state.millisBehindLatest / 1000.0;
    }
    if (state.caughtUp || state.lastRecordWrittenAt == null) {
      return 0;
    }
    return secondsSince(state.lastRecordWrittenAt);
  }

  private double secondsSince(Instant then) {
    return then == null ? 0 : Math.max(0, Duration.between(then, clock.instant()).toMillis() / 1000.0);
  }
}
