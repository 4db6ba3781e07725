package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.MetricsScope;
import software.amazon.kinesis.metrics.MetricsUtil;

/** KCL's metrics as Micrometer meters: names, tags, units, the level, and shards that go. */
class KclMicrometerMetricsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void kclNamesBecomeSnakeCaseMeterNames() {
    assertThat(KclMicrometerMetrics.meterName("DynamoDBStreamsDataFetcher.getRecords.Time"))
        .isEqualTo("dynamo_db_streams_data_fetcher.get_records.time");
    assertThat(KclMicrometerMetrics.meterName("TakenLeases")).isEqualTo("taken_leases");
    assertThat(KclMicrometerMetrics.meterName("GetLease:Error")).isEqualTo("get_lease_error");
    assertThat(KclMicrometerMetrics.meterName("CurrentState:3xWorker")).isEqualTo("current_state_3x_worker");
    assertThat(KclMicrometerMetrics.meterName(
        "ShardSyncLatency:arn:aws:dynamodb:us-east-1:123456789012:table/shop/stream/2026-12-02T02:46:16.637469.Time"))
        .as("no stream ARN in a name").isEqualTo("shard_sync_latency.time");
  }

  @Test
  void aScopesDataAreRecordedWithItsOperationAndShardWhenItEnds() {
    KclMicrometerMetrics metrics = new KclMicrometerMetrics(registry, KclMetricsLevel.DETAILED, clock);
    MetricsScope scope = MetricsUtil.createMetricsWithOperation(metrics, "ProcessTask");
    MetricsUtil.addShardId(scope, "shardId-1");
    scope.addData("DynamoDBStreamsDataFetcher.getRecords.Time", 42, StandardUnit.MILLISECONDS, MetricsLevel.DETAILED);
    scope.addData("RecordsProcessed", 7, StandardUnit.COUNT, MetricsLevel.SUMMARY);
    scope.addData("DataBytesProcessed", 2048, StandardUnit.BYTES, MetricsLevel.SUMMARY);
    assertThat(registry.getMeters()).as("nothing before the scope ends").isEmpty();
    scope.end();

    var time = registry.get("kcl.dynamo_db_streams_data_fetcher.get_records.time")
        .tags("operation", "ProcessTask", "shard", "shardId-1").timer();
    assertThat(time.count()).isOne();
    assertThat(time.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(42.0);
    assertThat(registry.get("kcl.records_processed").tags("operation", "ProcessTask", "shard", "shardId-1").summary()
        .totalAmount()).isEqualTo(7.0);
    assertThat(registry.get("kcl.data_bytes_processed").summary().getId().getBaseUnit()).isEqualTo("bytes");

    MetricsScope taker = MetricsUtil.createMetricsWithOperation(metrics, "TakeLeases");
    taker.addData("TakenLeases", 2, StandardUnit.COUNT, MetricsLevel.SUMMARY);
    taker.end();
    assertThat(registry.get("kcl.taken_leases").tags("operation", "TakeLeases", "shard", "none").summary()
        .totalAmount()).isEqualTo(2.0);
  }

  @Test
  void dataBelowTheLevelAreDroppedAndNoneRecordsNothing() {
    KclMicrometerMetrics summary = new KclMicrometerMetrics(registry, KclMetricsLevel.SUMMARY, clock);
    MetricsScope scope = MetricsUtil.createMetricsWithOperation(summary, "RenewAllLeases");
    scope.addData("RenewLease.Time", 5, StandardUnit.MILLISECONDS, MetricsLevel.DETAILED);
    scope.addData("Untagged", 1, StandardUnit.COUNT); // no level: DETAILED, as KCL's own scopes take it
    scope.addData("CurrentLeases", 4, StandardUnit.COUNT, MetricsLevel.SUMMARY);
    scope.end();
    assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).containsExactly("kcl.current_leases");

    SimpleMeterRegistry none = new SimpleMeterRegistry();
    MetricsScope off = new KclMicrometerMetrics(none, KclMetricsLevel.NONE, clock).createMetrics();
    off.addData("CurrentLeases", 4, StandardUnit.COUNT, MetricsLevel.SUMMARY);
    off.end();
    assertThat(none.getMeters()).isEmpty();
  }

  @Test
  void aShardsMetersGoOnceItHasBeenQuietForTenMinutes() {
    KclMicrometerMetrics metrics = new KclMicrometerMetrics(registry, KclMetricsLevel.DETAILED, clock);
    record(metrics, "shardId-old");
    clock.advance(Duration.ofMinutes(6));
    record(metrics, "shardId-new");
    clock.advance(Duration.ofMinutes(5)); // old: 11 min quiet, new: 5
    record(metrics, "shardId-new");

    assertThat(registry.find("kcl.records_processed").tag("shard", "shardId-old").summary()).isNull();
    assertThat(registry.find("kcl.records_processed").tag("shard", "shardId-new").summary()).isNotNull();
  }

  @Test
  void aShardBackAfterItsMetersWentIsCountedInNewOnes() {
    KclMicrometerMetrics metrics = new KclMicrometerMetrics(registry, KclMetricsLevel.DETAILED, clock);
    record(metrics, "shardId-back");
    clock.advance(Duration.ofMinutes(11));
    record(metrics, "shardId-other"); // sweeps shardId-back's meters
    assertThat(registry.find("kcl.records_processed").tag("shard", "shardId-back").summary()).isNull();

    record(metrics, "shardId-back");
    record(metrics, "shardId-back");

    assertThat(registry.get("kcl.records_processed").tag("shard", "shardId-back").summary().count()).isEqualTo(2);
  }

  @Test
  void manyDataOfOneScopeAreCountedEachInTheSameMeter() {
    KclMicrometerMetrics metrics = new KclMicrometerMetrics(registry, KclMetricsLevel.DETAILED, clock);
    MetricsScope scope = MetricsUtil.createMetricsWithOperation(metrics, "ProcessTask");
    MetricsUtil.addShardId(scope, "shardId-1");
    for (int record = 0; record < 1000; record++) {
      scope.addData("DataBytesProcessed", 100, StandardUnit.BYTES, MetricsLevel.SUMMARY);
    }
    scope.end();

    var bytes = registry.get("kcl.data_bytes_processed").tags("operation", "ProcessTask", "shard", "shardId-1")
        .summary();
    assertThat(bytes.count()).isEqualTo(1000);
    assertThat(bytes.totalAmount()).isEqualTo(100_000.0);
  }

  private static void record(KclMicrometerMetrics metrics, String shard) {
    MetricsScope scope = MetricsUtil.createMetricsWithOperation(metrics, "ProcessTask");
    MetricsUtil.addShardId(scope, shard);
    scope.addData("RecordsProcessed", 1, StandardUnit.COUNT, MetricsLevel.SUMMARY);
    scope.end();
  }
}
