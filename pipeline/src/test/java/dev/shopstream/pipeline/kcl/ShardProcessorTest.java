package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import dev.shopstream.contracts.EventType;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.processing.HandlerInvoker;
import dev.shopstream.pipeline.processing.RetryPolicy;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.pipeline.processing.BatchProcessor;
import dev.shopstream.pipeline.processing.ChangeProcessor;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.testing.Fixtures;
import dev.shopstream.pipeline.testing.RecordingHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;

class ShardProcessorTest {
  private final AtomicBoolean workerStopping = new AtomicBoolean();
  private final FakeCheckpointer checkpointer = new FakeCheckpointer();

  private Duration checkpointInterval = Duration.ofHours(1);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private ShardProcessor processor(RecordingHandler handler) {
    PipelineMetrics metrics = new PipelineMetrics(registry);
    RetryPolicy policy = new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofHours(1));
    ChangeProcessor changes = new ChangeProcessor(ImageDiffer.standard(Clock.systemUTC()), new EventRouter(List.of(handler)),
        new HandlerInvoker(policy, workerStopping::get, metrics), r -> { }, metrics, Clock.systemUTC());
    BatchProcessor batches = new BatchProcessor(changes, policy, d -> { }, Clock.systemUTC());
    ShardProcessor processor = (ShardProcessor) new ShardProcessorFactory("shop", batches, workerStopping::get, metrics,
        checkpointInterval, Clock.systemUTC(), new ShardProgress(registry, Clock.systemUTC()), shard -> true)
        .shardRecordProcessor();
    processor.initialize(InitializationInput.builder().shardId(Fixtures.SHARD).build());
    return processor;
  }

  private DynamoDBStreamsProcessRecordsInput batch(String... fixtures) {
    List<DynamoDBStreamsClientRecord> records = Arrays.stream(fixtures).map(Fixtures::record)
        .map(DynamoDBStreamsClientRecord::fromRecord).toList();
    return DynamoDBStreamsProcessRecordsInput.builder().records(records).checkpointer(checkpointer).build();
  }

  @Test
  void checkpointsTheLastRecordOfAFullyHandledBatch() {
    RecordingHandler handler = new RecordingHandler("rec");
    processor(handler).processRecords(batch("profile-insert.json", "order-insert.json"));

    assertThat(checkpointer.checkpoints).containsExactly("2000");
    assertThat(handler.handled()).hasSize(2);
    assertThat(registry.get("shop.checkpoint.age").tag("shard", Fixtures.SHARD).gauge().value()).isLessThan(5);
    // the fixtures were written in 2026-11 (epoch 1795996800): the lag is measured from that creation time
    assertThat(registry.get("shop.shard.lag").tag("shard", Fixtures.SHARD).gauge().value()).isNotNegative();
  }

  @Test
  void aStopDuringAFailingRecordCheckpointsOnlyThePrefixAndTakesNoFurtherBatches() {
    RecordingHandler handler = new RecordingHandler("rec").failWhen(e -> {
      if (e.type() == EventType.ORDER_PLACED) {
        workerStopping.set(true);
        return true;
      }
      return false;
    });
    ShardProcessor processor = processor(handler);

    processor.processRecords(batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"));
    processor.processRecords(batch("session-user-remove.json"));
    processor.shutdownRequested(ShutdownRequestedInput.builder().checkpointer(checkpointer).build());

    assertThat(checkpointer.checkpoints).containsExactly("3000");
    assertThat(handler.handled()).extracting(e -> e.type()).containsExactly(EventType.USER_REGISTERED);
  }

  @Test
  void insideALongBatchHandledRecordsAreCheckpointedEveryInterval() {
    checkpointInterval = Duration.ZERO;
    processor(new RecordingHandler("rec")).processRecords(
        batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"));

    assertThat(checkpointer.checkpoints).containsExactly("3000", "2000", "1000");
  }

  @Test
  void aCrashMidBatchLeavesTheCheckpointAtTheLastIntervalNotAtTheStart() {
    checkpointInterval = Duration.ZERO;
    RecordingHandler handler = new RecordingHandler("rec").failWhen(e -> {
      if (e.type() == EventType.PRODUCT_STOCK_CHANGED) {
        workerStopping.set(true);
        return true;
      }
      return false;
    });
    processor(handler).processRecords(batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"));

    assertThat(checkpointer.checkpoints).containsExactly("3000", "2000");
  }

  @Test
  void afterLeaseLossNothingIsCheckpointed() {
    RecordingHandler handler = new RecordingHandler("rec");
    ShardProcessor processor = processor(handler);
    processor.processRecords(batch("profile-insert.json"));
    processor.leaseLost(LeaseLostInput.builder().build());

    processor.processRecords(batch("order-insert.json"));
    processor.shardEnded(ShardEndedInput.builder().checkpointer(checkpointer).build());

    assertThat(checkpointer.checkpoints).containsExactly("3000");
    assertThat(handler.handled()).hasSize(1);
  }

  @Test
  void aLeaseTakenAwayDuringCheckpointStopsTheProcessor() {
    RecordingHandler handler = new RecordingHandler("rec");
    ShardProcessor processor = processor(handler);
    checkpointer.leaseGone = true;
    processor.processRecords(batch("profile-insert.json"));
    checkpointer.leaseGone = false;

    processor.processRecords(batch("order-insert.json"));

    assertThat(checkpointer.checkpoints).isEmpty();
    assertThat(handler.handled()).hasSize(1);
  }

  @Test
  void aFullyHandledShardEndIsCheckpointedSoChildrenCanStart() {
    ShardProcessor processor = processor(new RecordingHandler("rec"));
    processor.processRecords(batch("profile-insert.json"));
    processor.shardEnded(ShardEndedInput.builder().checkpointer(checkpointer).build());

    assertThat(checkpointer.checkpoints).containsExactly("3000", FakeCheckpointer.SHARD_END);
  }

  @Test
  void aShardLeftPartlyHandledIsNotCheckpointedAtItsEnd() {
    RecordingHandler handler = new RecordingHandler("rec").failWhen(e -> {
      workerStopping.set(true);
      return true;
    });
    ShardProcessor processor = processor(handler);
    processor.processRecords(batch("profile-insert.json"));
    processor.shardEnded(ShardEndedInput.builder().checkpointer(checkpointer).build());

    assertThat(checkpointer.checkpoints).isEmpty();
  }
}
