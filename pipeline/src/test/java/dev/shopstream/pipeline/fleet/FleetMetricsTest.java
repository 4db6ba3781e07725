package dev.shopstream.pipeline.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet view as gauges labelled by shard and worker only, replaced whole at each read. */
class FleetMetricsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FleetReader reader = FleetReader.forStatus(new FakeLeaseTable(), new FakeStream(), "app", "arn",
      Duration.ofSeconds(5), Duration.ofSeconds(1), clock);
  private final FleetMetrics metrics = new FleetMetrics(registry, reader, clock);

  private static FleetView.Shard shard(String id, String owner, FleetView.Holding holding, Duration lag) {
    return new FleetView.Shard(id, FleetView.Stream.OPEN, owner != null, owner, holding, "1",
        Duration.ofSeconds(3), lag, lag == null ? FleetView.LagSource.UNKNOWN : FleetView.LagSource.HOLDER);
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void ownersLagAndWorkersAreGaugesAndAShardThatGoesLeavesNoSeries() {
    assertThat(gauge("shop.fleet.view.age")).as("before the first read").isNaN();
    metrics.show(new FleetView(clock.instant(), List.of(
        shard("s-1", "w-1", FleetView.Holding.HELD, Duration.ofMillis(1500)),
        shard("s-2", "w-dead", FleetView.Holding.EXPIRED, Duration.ofSeconds(40)),
        shard("s-3", null, FleetView.Holding.NONE, null)),
        List.of(new FleetView.Worker("w-1", 1, clock.instant().minusSeconds(1)),
            new FleetView.Worker("w-dead", 0, clock.instant().minusSeconds(9)))));

    assertThat(gauge("shop.fleet.shard.owner", "shard", "s-1", "worker", "w-1")).isOne();
    assertThat(gauge("shop.fleet.shard.owner", "shard", "s-2", "worker", "w-dead")).isZero();
    assertThat(gauge("shop.fleet.shard.owner", "shard", "s-3", "worker", "none")).isZero();
    assertThat(gauge("shop.fleet.shard.lag", "shard", "s-1")).isEqualTo(1.5);
    assertThat(registry.find("shop.fleet.shard.lag").tag("shard", "s-3").gauge()).as("unknown: no sample").isNull();
    assertThat(gauge("shop.fleet.shard.checkpoint.age", "shard", "s-2")).isEqualTo(3.0);
    assertThat(gauge("shop.fleet.worker.leases", "worker", "w-dead")).isZero();
    assertThat(gauge("shop.fleet.worker.renewal.age", "worker", "w-dead")).isEqualTo(9.0);
    assertThat(gauge("shop.fleet.shards")).isEqualTo(3.0);
    assertThat(gauge("shop.fleet.shards.unowned")).isEqualTo(2.0);
    assertThat(gauge("shop.fleet.workers")).isOne();
    clock.advance(Duration.ofSeconds(2));
    assertThat(gauge("shop.fleet.view.age")).isEqualTo(2.0);
    assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
        .allSatisfy(tag -> assertThat(tag.getKey()).isIn("shard", "worker")));

    metrics.show(new FleetView(clock.instant(), List.of(shard("s-1", "w-2", FleetView.Holding.HELD, Duration.ZERO)),
        List.of(new FleetView.Worker("w-2", 1, clock.instant()))));
    assertThat(registry.find("shop.fleet.shard.owner").gauges()).singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("worker")).isEqualTo("w-2"));
    assertThat(registry.find("shop.fleet.shard.lag").tag("shard", "s-2").gauge()).isNull();
    assertThat(registry.find("shop.fleet.worker.leases").tag("worker", "w-dead").gauge()).isNull();
  }
}
