package dev.shopstream.pipeline.fleet;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The fleet view as metrics, the same on every worker (labels: {@code shard} and {@code worker} only),
 * replaced whole at each read, so shards and workers that are gone leave no series behind:
 * <ul>
 *   <li>{@code shop.fleet.shard.lag{shard}}: seconds (absent while unknown);
 *   <li>{@code shop.fleet.shard.checkpoint.age{shard}}: seconds since its checkpoint moved (absent when finished);
 *   <li>{@code shop.fleet.shard.owner{shard,worker}}: 1 when {@code worker} holds and renews it, 0 when
 *       {@code worker} owns it but stopped renewing (expired); {@code worker="none"} and 0: no owner;
 *   <li>{@code shop.fleet.shard.open{shard}}: 1 open, 0 closed (or no longer listed);
 *   <li>{@code shop.fleet.worker.leases{worker}}, {@code shop.fleet.worker.renewal.age{worker}}: leases a
 *       worker holds and renews, and seconds since one of them was seen renewed;
 *   <li>{@code shop.fleet.shards}, {@code shop.fleet.shards.unowned}, {@code shop.fleet.workers}: shards
 *       listed or leased, unfinished ones no live worker holds, workers holding a lease;
 *   <li>{@code shop.fleet.view.age}: seconds since the last successful read (NaN before the first);
 *   <li>{@code shop.fleet.stream.reads}: stream calls made for lag estimates (the cost of unowned shards).
 * </ul>
 */
public final class FleetMetrics {
  static final String NO_OWNER = "none";

  private final Clock clock;
  private final MultiGauge lag;
  private final MultiGauge checkpointAge;
  private final MultiGauge owner;
  private final MultiGauge open;
  private final MultiGauge workerLeases;
  private final MultiGauge workerRenewalAge;
  private volatile FleetView last;

  public FleetMetrics(MeterRegistry registry, FleetReader reader, Clock clock) {
    this.clock = clock;
    lag = MultiGauge.builder("shop.fleet.shard.lag").baseUnit("seconds")
        .description("Every shard's lag as the lease table shows it: own shards exact, others as their holder "
            + "reported, unowned ones estimated from the stream").register(registry);
    checkpointAge = MultiGauge.builder("shop.fleet.shard.checkpoint.age").baseUnit("seconds")
        .description("Seconds since every shard's checkpoint last moved").register(registry);
    owner = MultiGauge.builder("shop.fleet.shard.owner")
        .description("1: the worker holds and renews the shard's lease; 0: the worker stopped renewing it, or no "
            + "owner (worker=none)")
        .register(registry);
    open = MultiGauge.builder("shop.fleet.shard.open")
        .description("1: the shard is open; 0: closed or no longer listed")
        .register(registry);
    workerLeases = MultiGauge.builder("shop.fleet.worker.leases").description("Leases each worker holds and renews")
        .register(registry);
    workerRenewalAge = MultiGauge.builder("shop.fleet.worker.renewal.age").baseUnit("seconds")
        .description("Seconds since one of the worker's leases was last seen renewed").register(registry);
    Gauge.builder("shop.fleet.shards", this, m -> m.count(view -> view.shards().size()))
        .description("Shards the stream lists or the lease table names").register(registry);
    Gauge.builder("shop.fleet.shards.unowned", this, m -> m.count(FleetView::unowned))
        .description("Unfinished shards no live worker holds: nobody reads them").register(registry);
    Gauge.builder("shop.fleet.workers", this, m -> m.count(FleetView::liveWorkers))
        .description("Workers holding at least one lease they renew").register(registry);
    Gauge.builder("shop.fleet.view.age", this, FleetMetrics::viewAge).baseUnit("seconds")
        .description("Seconds since the fleet view was last read").register(registry);
    FunctionCounter.builder("shop.fleet.stream.reads", reader, FleetReader::streamCalls)
        .description("Stream calls (GetShardIterator, GetRecords) made to estimate the lag of shards nobody holds")
        .register(registry);
  }

  public void show(FleetView view) {
    Instant now = view.readAt();
    List<MultiGauge.Row<?>> lags = new ArrayList<>();
    List<MultiGauge.Row<?>> ages = new ArrayList<>();
    List<MultiGauge.Row<?>> owners = new ArrayList<>();
    List<MultiGauge.Row<?>> opens = new ArrayList<>();
    for (FleetView.Shard shard : view.shards()) {
      Tags tags = Tags.of("shard", shard.shardId());
      if (shard.lag() != null) {
        lags.add(MultiGauge.Row.of(tags, seconds(shard.lag())));
      }
      if (shard.checkpointAge() != null) {
        ages.add(MultiGauge.Row.of(tags, seconds(shard.checkpointAge())));
      }
      owners.add(MultiGauge.Row.of(tags.and("worker", shard.owner() == null ? NO_OWNER : shard.owner()),
          shard.holding() == FleetView.Holding.HELD ? 1 : 0));
      opens.add(MultiGauge.Row.of(tags, shard.stream() == FleetView.Stream.OPEN ? 1 : 0));
    }
    List<MultiGauge.Row<?>> leases = new ArrayList<>();
    List<MultiGauge.Row<?>> renewals = new ArrayList<>();
    for (FleetView.Worker worker : view.workers()) {
      Tags tags = Tags.of("worker", worker.workerId());
      leases.add(MultiGauge.Row.of(tags, worker.leases()));
      if (worker.lastRenewal() != null) {
        renewals.add(MultiGauge.Row.of(tags, seconds(Duration.between(worker.lastRenewal(), now))));
      }
    }
    lag.register(lags, true);
    checkpointAge.register(ages, true);
    owner.register(owners, true);
    open.register(opens, true);
    workerLeases.register(leases, true);
    workerRenewalAge.register(renewals, true);
    last = view;
  }

  private double count(ToLongFunction<FleetView> what) {
    FleetView view = last;
    return view == null ? Double.NaN : what.applyAsLong(view);
  }

  private double viewAge() {
    FleetView view = last;
    return view == null ? Double.NaN : seconds(Duration.between(view.readAt(), clock.instant()));
  }

  private static double seconds(Duration duration) {
    return Math.max(0, duration.toMillis()) / 1000.0;
  }
}
