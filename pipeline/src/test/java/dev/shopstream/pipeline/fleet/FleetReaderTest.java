package dev.shopstream.pipeline.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Every shard with its owner, lease, checkpoint age and lag, from the lease table, the holders' reports and the stream.
 */
class FleetReaderTest {
  private static final Duration LEASE = Duration.ofSeconds(5);
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final FakeLeaseTable leases = new FakeLeaseTable();
  private final FakeStream stream = new FakeStream();

  private FleetReader worker(String id) {
    return new FleetReader(new LeaseTableScan(leases, "app"), new StreamShards(stream, "arn"),
        new StreamLagEstimates(stream, "arn"), LEASE, id, INTERVAL.multipliedBy(3), false, clock);
  }

  private Instant ago(int seconds) {
    return clock.instant().minusSeconds(seconds);
  }

  private static Map<String, FleetView.Shard> byId(FleetView view) {
    return view.shards().stream().collect(Collectors.toMap(FleetView.Shard::shardId, Function.identity()));
  }

  @Test
  void everyShardOfTheStreamWithItsOwnerCheckpointAgeAndLagFromTheBestSourceThereIs() {
    stream.shard("s-1", true).shard("s-2", true).shard("s-3", true).shard("s-4", false).shard("s-5", true);
    stream.record("s-3", "300", ago(50)).record("s-3", "301", ago(40)).record("s-3", "302", ago(30));
    stream.record("s-5", "500", ago(20));
    leases.lease("s-1", "w-1", 7, "100")
        .lease("s-2", "w-2", 3, "200").report("s-2", "w-2", 1500, ago(3), clock.instant().minusMillis(500))
        .lease("s-3", null, 9, "300")
        .lease("s-4", "w-2", 4, "SHARD_END")
        .lease("s-6", "w-3", 5, "TRIM_HORIZON");
    FleetReader reader = worker("w-1");

    FleetView view = reader.read(List.of(new OwnShard("s-1", Duration.ofSeconds(2), ago(4))));

    assertThat(view.shards()).extracting(FleetView.Shard::shardId).containsExactly("s-1", "s-2", "s-3",
        "s-4", "s-5", "s-6");
    Map<String, FleetView.Shard> shards = byId(view);
    assertThat(shards.get("s-1")).isEqualTo(new FleetView.Shard("s-1", FleetView.Stream.OPEN, true, "w-1",
        FleetView.Holding.HELD, "100", Duration.ofSeconds(4), Duration.ofSeconds(2), FleetView.LagSource.OWN));
    assertThat(shards.get("s-2")).isEqualTo(new FleetView.Shard("s-2", FleetView.Stream.OPEN, true, "w-2",
        FleetView.Holding.HELD, "200", Duration.ofSeconds(3), Duration.ofMillis(1500), FleetView.LagSource.HOLDER));
    assertThat(shards.get("s-3")).as("no owner: the first record after its checkpoint, 301, waits")
        .isEqualTo(new FleetView.Shard("s-3", FleetView.Stream.OPEN, true, null, FleetView.Holding.NONE, "300",
            Duration.ZERO, Duration.ofSeconds(40), FleetView.LagSource.STREAM));
    assertThat(shards.get("s-4")).satisfies(s -> {
      assertThat(s.stream()).isEqualTo(FleetView.Stream.CLOSED);
      assertThat(s.finished()).isTrue();
      assertThat(s.unowned()).isFalse();
      assertThat(s.lag()).isZero();
      assertThat(s.lagSource()).isEqualTo(FleetView.LagSource.DONE);
    });
    assertThat(shards.get("s-5")).as("no lease yet: read from its oldest record")
        .isEqualTo(new FleetView.Shard("s-5", FleetView.Stream.OPEN, false, null, FleetView.Holding.NONE, null, null,
            Duration.ofSeconds(20), FleetView.LagSource.STREAM));
    assertThat(shards.get("s-6")).as("held by a worker that reports nothing: a worker does not read a held shard")
        .satisfies(s -> {
          assertThat(s.stream()).isEqualTo(FleetView.Stream.UNLISTED);
          assertThat(s.holding()).isEqualTo(FleetView.Holding.HELD);
          assertThat(s.lag()).isNull();
          assertThat(s.lagSource()).isEqualTo(FleetView.LagSource.UNKNOWN);
        });
    assertThat(view.unowned()).isEqualTo(2);
    assertThat(view.workers()).extracting(FleetView.Worker::workerId, FleetView.Worker::leases)
        .containsExactly(Tuple.tuple("w-1", 1), Tuple.tuple("w-2", 1), Tuple.tuple("w-3", 1));
    assertThat(reader.streamCalls()).as("two shards estimated, two calls each").isEqualTo(4);

    clock.advance(Duration.ofSeconds(10));
    leases.renew("s-1");
    leases.renew("s-2");
    leases.renew("s-6");
    leases.report("s-2", "w-2", 700, ago(1), clock.instant());
    FleetView later = reader.read(List.of(new OwnShard("s-1", Duration.ZERO, ago(1))));
    assertThat(byId(later).get("s-3").lag()).as("the waiting record's age, kept: no new read")
        .isEqualTo(Duration.ofSeconds(50));
    assertThat(byId(later).get("s-3").checkpointAge()).isEqualTo(Duration.ofSeconds(10));
    assertThat(byId(later).get("s-2").lag()).isEqualTo(Duration.ofMillis(700));
    assertThat(reader.streamCalls()).as("s-5 was read again: its lease-less position is TRIM_HORIZON, kept too")
        .isEqualTo(4);
  }

  @Test
  void anOwnerThatStopsRenewingIsShownExpiredAndItsShardsUnownedUntilTaken() {
    stream.shard("s-1", true).shard("s-2", true);
    stream.record("s-2", "201", ago(30));
    leases.lease("s-1", "w-1", 1, "100").lease("s-2", "w-dead", 1, "200")
        .report("s-2", "w-dead", 0, ago(1), ago(0));
    FleetReader reader = worker("w-2");

    FleetView first = reader.read(List.of());
    assertThat(first.unowned()).as("a lease seen once counts as renewed then").isZero();

    clock.advance(Duration.ofSeconds(3));
    leases.renew("s-1");
    reader.read(List.of());
    clock.advance(Duration.ofSeconds(3)); // s-2 unchanged for 6 s > the 5 s lease; s-1 renewed 3 s ago
    FleetView view = reader.read(List.of());

    Map<String, FleetView.Shard> shards = byId(view);
    assertThat(shards.get("s-1").holding()).isEqualTo(FleetView.Holding.HELD);
    assertThat(shards.get("s-2")).satisfies(s -> {
      assertThat(s.owner()).isEqualTo("w-dead");
      assertThat(s.holding()).isEqualTo(FleetView.Holding.EXPIRED);
      assertThat(s.unowned()).isTrue();
      assertThat(s.lag()).as("estimated from the stream, no longer the dead holder's report")
          .isEqualTo(Duration.ofSeconds(36));
      assertThat(s.lagSource()).isEqualTo(FleetView.LagSource.STREAM);
    });
    assertThat(view.workers()).filteredOn(w -> w.workerId().equals("w-dead")).singleElement().satisfies(w -> {
      assertThat(w.leases()).isZero();
      assertThat(w.lastRenewal()).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
    });
    assertThat(view.liveWorkers()).isEqualTo(1);

    leases.lease("s-2", "w-2", 2, "200"); // taken
    FleetView taken = reader.read(List.of(new OwnShard("s-2", Duration.ofSeconds(1), ago(0))));
    assertThat(byId(taken).get("s-2").holding()).isEqualTo(FleetView.Holding.HELD);
    assertThat(taken.unowned()).isZero();
    assertThat(taken.workers()).extracting(FleetView.Worker::workerId).containsExactly("w-1", "w-2");
  }

  @Test
  void aReportOfAnEarlierOwnerOrAnOldOneIsNotTheHoldersLag() {
    stream.shard("s-1", true).shard("s-2", true);
    leases.lease("s-1", "w-new", 2, "100").report("s-1", "w-old", 0, ago(1), ago(0))
        .lease("s-2", "w-2", 2, "200").report("s-2", "w-2", 0, ago(10), ago(4));
    FleetView view = worker("w-9").read(List.of());
    assertThat(view.shards()).allSatisfy(s -> assertThat(s.lagSource()).isEqualTo(FleetView.LagSource.UNKNOWN));
    assertThat(stream.reads).as("held shards are never read by a worker").isZero();
  }

  @Test
  void statusEstimatesAHeldShardWhoseHolderReportsNothing() {
    stream.shard("s-1", true).record("s-1", "101", ago(12));
    leases.lease("s-1", "w-old-version", 2, "100");
    FleetReader status = FleetReader.forStatus(leases, stream, "app", "arn", LEASE, INTERVAL, clock);
    assertThat(status.read(List.of()).shards()).singleElement().satisfies(s -> {
      assertThat(s.lag()).isEqualTo(Duration.ofSeconds(12));
      assertThat(s.lagSource()).isEqualTo(FleetView.LagSource.STREAM);
    });
  }

  @Test
  void theStreamIsListedAtMostOnceAMinuteUnlessALeaseNamesANewShard() {
    stream.shard("s-1", true);
    leases.lease("s-1", "w-1", 1, "LATEST");
    FleetReader reader = worker("w-1");
    reader.read(List.of());
    clock.advance(Duration.ofSeconds(30));
    reader.read(List.of());
    assertThat(stream.describes).isOne();
    stream.shard("s-2", true);
    leases.lease("s-2", "w-1", 1, "TRIM_HORIZON");
    clock.advance(Duration.ofSeconds(11));
    assertThat(reader.read(List.of()).shards()).extracting(FleetView.Shard::stream)
        .containsExactly(FleetView.Stream.OPEN, FleetView.Stream.OPEN);
    assertThat(stream.describes).isEqualTo(2);
  }
}
