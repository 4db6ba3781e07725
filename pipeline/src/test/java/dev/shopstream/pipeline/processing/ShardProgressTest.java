package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Lag, holding and checkpoint-age gauges per shard, and their removal when the shard goes. */
class ShardProgressTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ShardProgress progress = new ShardProgress(registry, clock);
  private final AtomicReference<ShardProgress.Pending> pending = new AtomicReference<>();

  private double gauge(String name) {
    return registry.get(name).tag("shard", "s-1").gauge().value();
  }

  @Test
  void aHeldRecordShowsInLagAndHoldingEvenWhenPollsComeBackEmpty() {
    ShardProgress.Tracker shard = progress.track("s-1", pending::get);
    Instant written = clock.instant().minusSeconds(5);
    pending.set(new ShardProgress.Pending(written, clock.instant()));
    clock.advance(Duration.ofSeconds(30));
    shard.batch(null, true);

    assertThat(gauge("shop.shard.lag")).isEqualTo(35.0);
    assertThat(gauge("shop.shard.holding")).isEqualTo(30.0);
    assertThat(progress.longestHold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(progress.snapshot()).singleElement().satisfies(s -> assertThat(s.caughtUp()).isFalse());

    pending.set(null);
    assertThat(gauge("shop.shard.lag")).isZero();
    assertThat(gauge("shop.shard.holding")).isZero();
    assertThat(progress.snapshot()).singleElement().satisfies(s -> assertThat(s.caughtUp()).isTrue());
  }

  @Test
  void withNothingPendingTheLagIsTheLastHandledRecordsAgeUntilAPollComesBackEmpty() {
    ShardProgress.Tracker shard = progress.track("s-1", pending::get);
    shard.handled(clock.instant().minusSeconds(12), 3);
    shard.batch(null, false);
    assertThat(gauge("shop.shard.lag")).isEqualTo(12.0);
    shard.batch(null, true);
    assertThat(gauge("shop.shard.lag")).isZero();
    assertThat(progress.snapshot()).singleElement().satisfies(s -> assertThat(s.records()).isEqualTo(3));
  }

  @Test
  void theFirstShardTakenIsAnEventNotTheStartOfTracking() {
    var first = progress.firstShardTaken();
    ShardProgress.Tracker shard = progress.track("s-1", pending::get);
    assertThat(first).as("tracked, its lease not yet found held").isNotDone();
    first.complete(null);
    assertThat(progress.firstShardTaken()).as("a waiter's copy completes nothing").isNotDone();

    shard.taken();
    assertThat(progress.firstShardTaken()).isDone();
  }

  @Test
  void aReleasedShardsGaugesAreRemovedAndItNoLongerCountsAsHolding() {
    ShardProgress.Tracker shard = progress.track("s-1", pending::get);
    pending.set(new ShardProgress.Pending(clock.instant(), clock.instant()));
    clock.advance(Duration.ofMinutes(10));
    assertThat(progress.longestHold()).isEqualTo(Duration.ofMinutes(10));

    shard.released();

    assertThat(registry.find("shop.shard.lag").gauges()).isEmpty();
    assertThat(registry.find("shop.shard.holding").gauges()).isEmpty();
    assertThat(registry.find("shop.checkpoint.age").gauges()).isEmpty();
    assertThat(progress.longestHold()).isZero();
  }

  @Test
  void anEndedShardsGaugesAreRemovedButItStaysInTheSnapshot() {
    ShardProgress.Tracker shard = progress.track("s-1", pending::get);
    shard.checkpointed();
    shard.ended();
    assertThat(registry.find("shop.checkpoint.age").gauges()).isEmpty();
    assertThat(progress.snapshot()).singleElement().satisfies(s -> assertThat(s.ended()).isTrue());
  }

  @Test
  void aLateReleaseOfAnEarlierProcessorLeavesTheNewerOnesStateAndGauges() {
    ShardProgress.Tracker earlier = progress.track("s-1", () -> null);
    ShardProgress.Tracker newer = progress.track("s-1", pending::get);
    pending.set(new ShardProgress.Pending(clock.instant(), clock.instant()));
    clock.advance(Duration.ofSeconds(7));

    earlier.released();

    assertThat(gauge("shop.shard.holding")).as("the newer processor's gauge, still registered").isEqualTo(7.0);
    assertThat(progress.longestHold()).isEqualTo(Duration.ofSeconds(7));
    newer.released();
    assertThat(registry.find("shop.shard.holding").gauges()).isEmpty();
  }

  @Test
  void windowOccupancyAndPollsAreShownPerShardAndGoWithIt() {
    AtomicReference<ShardProgress.Occupancy> occupancy = new AtomicReference<>(new ShardProgress.Occupancy(3, 4096));
    ShardProgress.Tracker shard = progress.track("s-1", pending::get, occupancy::get);
    shard.batch(null, false);
    shard.batch(null, true);
    shard.batch(0L, true);

    assertThat(gauge("shop.shard.window.records")).isEqualTo(3.0);
    assertThat(gauge("shop.shard.window.bytes")).isEqualTo(4096.0);
    assertThat(registry.get("shop.shard.polls").tag("shard", "s-1").functionCounter().count()).isEqualTo(3.0);
    assertThat(registry.get("shop.shard.empty.polls").tag("shard", "s-1").functionCounter().count()).isEqualTo(2.0);
    occupancy.set(new ShardProgress.Occupancy(0, 0));
    assertThat(gauge("shop.shard.window.records")).isZero();
    assertThat(progress.snapshot()).singleElement().satisfies(s -> {
      assertThat(s.released()).isFalse();
      assertThat(s.lastCheckpointAt()).isEqualTo(clock.instant());
    });

    shard.released();
    assertThat(registry.find("shop.shard.window.records").gauges()).isEmpty();
    assertThat(registry.find("shop.shard.polls").functionCounters()).isEmpty();
    assertThat(progress.snapshot()).singleElement().satisfies(s -> assertThat(s.released()).isTrue());
  }
}
