package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import dev.shopstream.contracts.EventType;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.RetryPolicy;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.testing.Fixtures;
import dev.shopstream.pipeline.testing.RecordingHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.processing.Pause;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;

class ShardProcessorTest {
  private final Cancellation workerStopping = new Cancellation();
  private final FakeCheckpointer checkpointer = new FakeCheckpointer();

  private Duration checkpointInterval = Duration.ofHours(1);
  private int maxInFlight = 64;
  private final List<Error> fatalErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private ShardProcessor processor(RecordingHandler handler) {
    // records run on the calling thread: each batch is fully worked off when processRecords returns
    return processor(handler, Runnable::run, (d, signal) -> !signal.isCancelled());
  }

  private ShardProcessor processor(EventHandler handler, Executor executor, Pause pause) {
    ShardProcessor processor = uninitialized(handler, executor, pause);
    processor.initialize(InitializationInput.builder().shardId(Fixtures.SHARD).build());
    return processor;
  }

  /** As KCL creates it, before (or without ever) initialising it. */
  private ShardProcessor uninitialized(EventHandler handler, Executor executor, Pause pause) {
    PipelineMetrics metrics = new PipelineMetrics(registry);
    RetryPolicy policy = new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofHours(1));
    RecordProcessor records = new RecordProcessor(ImageDiffer.standard(Clock.systemUTC()), new EventRouter(List.of(handler)),
        r -> { }, metrics, policy, pause, Clock.systemUTC());
    return (ShardProcessor) new ShardProcessorFactory("shop", records, workerStopping, executor,
        maxInFlight, metrics, checkpointInterval, Duration.ofSeconds(5), Clock.systemUTC(),
        new ShardProgress(registry, Clock.systemUTC()), shard -> true, fatalErrors::add).shardRecordProcessor();
  }

  @Test
  void aConsumerKclShutsDownBeforeStartingItEndsQuietlyWithNothingCheckpointed() {
    // a child shard waiting for its parent when the worker stops or loses the lease: KCL never initialises it
    workerStopping.cancel("worker stopping");
    uninitialized(new RecordingHandler("rec"), Runnable::run, (d, signal) -> false)
        .shutdownRequested(ShutdownRequestedInput.builder().checkpointer(checkpointer).build());
    uninitialized(new RecordingHandler("rec"), Runnable::run, (d, signal) -> false)
        .leaseLost(LeaseLostInput.builder().build());
    uninitialized(new RecordingHandler("rec"), Runnable::run, (d, signal) -> false)
        .shardEnded(ShardEndedInput.builder().checkpointer(checkpointer).build());

    assertThat(checkpointer.checkpoints).as("never read: not even SHARD_END").isEmpty();
    assertThat(workerStopping.hasLiveChildren()).isFalse();
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
        workerStopping.cancel("worker stopping");
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
        workerStopping.cancel("worker stopping");
        return true;
      }
      return false;
    });
    processor(handler).processRecords(batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"));

    assertThat(checkpointer.checkpoints).containsExactly("3000", "2000");
  }

  @Test
  void aLeaseReleasedByAGracefulStopIsNoIncidentButALeaseLostOtherwiseIsAWarning() {
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ShardProcessor.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      ShardProcessor stopped = processor(new RecordingHandler("rec"));
      stopped.processRecords(batch("profile-insert.json"));
      stopped.shutdownRequested(ShutdownRequestedInput.builder().checkpointer(checkpointer).build());
      stopped.leaseLost(LeaseLostInput.builder().build());
      assertThat(lines.list).noneMatch(line -> line.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));

      ShardProcessor taken = processor(new RecordingHandler("rec"));
      taken.processRecords(batch("profile-insert.json"));
      taken.leaseLost(LeaseLostInput.builder().build());
      assertThat(lines.list).filteredOn(line -> line.getLevel() == ch.qos.logback.classic.Level.WARN)
          .singleElement().satisfies(line -> assertThat(line.getFormattedMessage()).contains("lease lost"));
    } finally {
      log.detachAppender(lines);
    }
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
  void aStoppingWorkerSeesEachShardLiveUntilItsLastCheckpointIsWritten() {
    List<Boolean> liveWhileWriting = new java.util.concurrent.CopyOnWriteArrayList<>();
    checkpointer.whileWriting = () -> liveWhileWriting.add(workerStopping.hasLiveChildren());

    ShardProcessor stopped = processor(new RecordingHandler("rec"));
    checkpointer.throttleNext = 1;
    stopped.processRecords(batch("profile-insert.json"));
    workerStopping.cancel("worker stopping");
    stopped.shutdownRequested(ShutdownRequestedInput.builder().checkpointer(checkpointer).build());
    assertThat(checkpointer.checkpoints).as("the stop writes what the throttled batch end could not").containsExactly("3000");
    assertThat(workerStopping.hasLiveChildren()).as("after its stop checkpoint").isFalse();

    ShardProcessor ended = processor(new RecordingHandler("rec"));
    ended.shardEnded(ShardEndedInput.builder().checkpointer(checkpointer).build());
    assertThat(checkpointer.checkpoints).endsWith(FakeCheckpointer.SHARD_END);
    assertThat(workerStopping.hasLiveChildren()).as("after SHARD_END").isFalse();

    assertThat(liveWhileWriting).as("live while each checkpoint was written").containsExactly(true, true);
  }

  @Test
  void aShardLeftPartlyHandledIsNotCheckpointedAtItsEnd() {
    RecordingHandler handler = new RecordingHandler("rec").failWhen(e -> {
      workerStopping.cancel("worker stopping");
      return true;
    });
    ShardProcessor processor = processor(handler);
    processor.processRecords(batch("profile-insert.json"));
    processor.shardEnded(ShardEndedInput.builder().checkpointer(checkpointer).build());

    assertThat(checkpointer.checkpoints).isEmpty();
  }

  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void aLostLeaseStopsARecordHeldInRetriesAndNothingIsCheckpointedAfterIt() {
    RecordingHandler handler = new RecordingHandler("rec").failWhen(e -> e.type() == EventType.ORDER_PLACED);
    ShardProcessor processor = processor(handler, pool, Pause.SYSTEM);

    processor.processRecords(batch("order-insert.json"));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> handler.attempts().size() >= 5);
    assertThat(registry.get("shop.shard.holding").tag("shard", Fixtures.SHARD).gauge().value()).isPositive();
    processor.leaseLost(LeaseLostInput.builder().build());
    assertThat(registry.find("shop.shard.holding").gauges()).as("a lost shard's gauges are removed").isEmpty();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(200))
        .until(() -> {
          int before = handler.attempts().size();
          Thread.sleep(100);
          return handler.attempts().size() == before;
        });
    processor.processRecords(batch("profile-insert.json"));
    processor.shutdownRequested(ShutdownRequestedInput.builder().checkpointer(checkpointer).build());

    assertThat(handler.handled()).isEmpty();
    assertThat(checkpointer.checkpoints).isEmpty();
  }

  @Test
  void aFullWindowHoldsProcessRecordsSoKclFetchesNoMore() throws Exception {
    maxInFlight = 2;
    CountDownLatch release = new CountDownLatch(1);
    EventHandler blocking = new EventHandler() {
      @Override
      public String name() {
        return "blocking";
      }

      @Override
      public java.util.Set<EventType> eventTypes() {
        return java.util.EnumSet.allOf(EventType.class);
      }

      @Override
      public HandlerResult handle(DomainEvent event) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return HandlerResult.done("released");
      }
    };
    ShardProcessor processor = processor(blocking, pool, Pause.SYSTEM);
    Thread kcl = new Thread(() -> processor.processRecords(
        batch("profile-insert.json", "product-stock-0-to-3.json", "session-user-remove.json")));
    kcl.start();
    kcl.join(500);
    assertThat(kcl.isAlive()).as("processRecords waits for room in the window").isTrue();
    assertThat(checkpointer.checkpoints).isEmpty();

    release.countDown();
    kcl.join(5000);
    assertThat(kcl.isAlive()).isFalse();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        registry.find("shop.stream.records").counters().stream().mapToDouble(c -> c.count()).sum() == 3);
    processor.shutdownRequested(ShutdownRequestedInput.builder().checkpointer(checkpointer).build());
    assertThat(checkpointer.checkpoints).last().isEqualTo(Fixtures.record("session-user-remove.json").dynamodb().sequenceNumber());
  }

  @Test
  void anErrorInARecordHaltsTheWorkerAndTheCheckpointNeverPassesThatRecord() {
    EventHandler handler = new EventHandler() {
      @Override
      public String name() {
        return "rec";
      }

      @Override
      public java.util.Set<EventType> eventTypes() {
        return java.util.EnumSet.allOf(EventType.class);
      }

      @Override
      public HandlerResult handle(DomainEvent event) {
        if (event.type() == EventType.ORDER_PLACED) {
          throw new StackOverflowError("injected");
        }
        return HandlerResult.done("ok");
      }
    };
    processor(handler, Runnable::run, (d, signal) -> !signal.isCancelled()).processRecords(batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"));

    assertThat(fatalErrors).singleElement().isInstanceOf(StackOverflowError.class);
    assertThat(checkpointer.checkpoints).containsExactly("3000");
  }

  @Test
  void aLeaseLostWhileTheWindowIsFullIsFoundByTheNextCheckpointAndStopsTheShard() throws Exception {
    maxInFlight = 1;
    checkpointInterval = Duration.ofMillis(100);
    CountDownLatch release = new CountDownLatch(1);
    RecordingHandler handler = new RecordingHandler("rec").failWhen(e -> {
      if (e.type() == EventType.ORDER_PLACED) {
        try {
          release.await();
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      return false;
    });
    ShardProcessor processor = processor(handler, pool, Pause.SYSTEM);
    Thread kcl = new Thread(() -> processor.processRecords(
        batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json")));
    kcl.start();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> checkpointer.checkpoints.size() >= 2);
    assertThat(kcl.isAlive()).as("held behind the order in the full window").isTrue();

    checkpointer.leaseGone = true;
    kcl.join(2000);
    assertThat(kcl.isAlive()).as("the lost lease ended the wait").isFalse();
    release.countDown();
    assertThat(checkpointer.checkpoints).containsOnly("3000");
    assertThat(handler.attempts()).extracting(DomainEvent::type).doesNotContain(EventType.PRODUCT_STOCK_CHANGED);
  }
}
