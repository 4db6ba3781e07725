package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.idempotency.ShardLease;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.RepeatedErrors;
import dev.shopstream.pipeline.processing.RetryPolicy;
import dev.shopstream.pipeline.processing.ShardLeases;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.testing.Fixtures;
import dev.shopstream.pipeline.testing.RecordingHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.processing.Pause;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

class ShardProcessorTest {
  private final Cancellation workerStopping = new Cancellation();
  private final KclCheckpoints kcl = new KclCheckpoints();
  private final KclCheckpoints.LeaseTable leaseTable = kcl.table;
  private final ShardLeases leases = new ShardLeases("app");
  /** KCL's lease coordinator, as far as the processor asks it: held or not, at epoch 7. */
  private volatile boolean leaseHeld = true;
  private final LeaseSource leaseSource = shard -> leaseHeld ? new LeaseSource.HeldLease(7, () -> leaseHeld) : null;

  private Duration checkpointInterval = Duration.ofHours(1);
  private int maxInFlight = 64;
  private long maxInFlightBytes = Long.MAX_VALUE;
  private RepeatedErrors repeatedErrors = RepeatedErrors.NEVER;
  private final List<Error> fatalErrors = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ShardProgress progress = new ShardProgress(registry, Clock.systemUTC());

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
    RecordProcessor records = new RecordProcessor(ImageDiffer.standard(Clock.systemUTC()),
        new EventRouter(List.of(handler)), r -> { }, metrics, policy, pause, Clock.systemUTC());
    return (ShardProcessor) new ShardProcessorFactory("shop", records, workerStopping, executor,
        maxInFlight, maxInFlightBytes, metrics, checkpointInterval, Duration.ofSeconds(5), Clock.systemUTC(),
        progress, shard -> true, fatalErrors::add, repeatedErrors, leases, leaseSource)
        .shardRecordProcessor();
  }

  @Test
  void aConsumerKclShutsDownBeforeStartingItEndsQuietlyWithNothingCheckpointed() {
    // a child shard waiting for its parent when the worker stops or loses the lease: KCL never initialises it
    workerStopping.cancel("worker stopping");
    uninitialized(new RecordingHandler("rec"), Runnable::run, (d, signal) -> false)
        .shutdownRequested(kcl.shutdownRequested());
    uninitialized(new RecordingHandler("rec"), Runnable::run, (d, signal) -> false)
        .leaseLost(LeaseLostInput.builder().build());
    uninitialized(new RecordingHandler("rec"), Runnable::run, (d, signal) -> false)
        .shardEnded(kcl.shardEnded());

    assertThat(kcl.checkpoints()).as("never read: not even SHARD_END").isEmpty();
    assertThat(workerStopping.hasLiveChildren()).isFalse();
  }

  private DynamoDBStreamsProcessRecordsInput batch(String... fixtures) {
    return kcl.batch(fixtures);
  }

  @Test
  void checkpointsTheLastRecordOfAFullyHandledBatch() {
    RecordingHandler handler = new RecordingHandler("rec");
    processor(handler).processRecords(batch("profile-insert.json", "order-insert.json"));

    assertThat(kcl.checkpoints()).containsExactly("2000");
    assertThat(handler.handled()).hasSize(2);
    assertThat(progress.firstShardTaken()).as("the worker's first-lease event").isDone();
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
    processor.shutdownRequested(kcl.shutdownRequested());

    assertThat(kcl.checkpoints()).containsExactly("1000");
    assertThat(handler.handled()).extracting(e -> e.type()).containsExactly(EventType.USER_REGISTERED);
  }

  @Test
  void insideALongBatchHandledRecordsAreCheckpointedEveryInterval() {
    checkpointInterval = Duration.ZERO;
    processor(new RecordingHandler("rec")).processRecords(
        batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"));

    assertThat(kcl.checkpoints()).containsExactly("1000", "2000", "3000");
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

    assertThat(kcl.checkpoints()).containsExactly("1000", "2000");
  }

  @Test
  void aLeaseReleasedByAGracefulStopIsNoIncidentButALeaseLostOtherwiseIsAWarning() {
    Logger log = (Logger) LoggerFactory.getLogger(ShardProcessor.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      ShardProcessor stopped = processor(new RecordingHandler("rec"));
      stopped.processRecords(batch("profile-insert.json"));
      stopped.shutdownRequested(kcl.shutdownRequested());
      stopped.leaseLost(LeaseLostInput.builder().build());
      assertThat(lines.list).noneMatch(line -> line.getLevel().isGreaterOrEqual(Level.WARN));

      ShardProcessor taken = processor(new RecordingHandler("rec"));
      taken.processRecords(batch("profile-insert.json"));
      taken.leaseLost(LeaseLostInput.builder().build());
      assertThat(lines.list).filteredOn(line -> line.getLevel() == Level.WARN)
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
    processor.shardEnded(kcl.shardEnded());

    assertThat(kcl.checkpoints()).containsExactly("1000");
    assertThat(handler.handled()).hasSize(1);
  }

  @Test
  void aLeaseTakenAwayDuringCheckpointStopsTheProcessor() {
    RecordingHandler handler = new RecordingHandler("rec");
    ShardProcessor processor = processor(handler);
    leaseTable.leaseGone = true;
    processor.processRecords(batch("profile-insert.json"));
    leaseTable.leaseGone = false;

    processor.processRecords(batch("order-insert.json"));

    assertThat(kcl.checkpoints()).isEmpty();
    assertThat(handler.handled()).hasSize(1);
  }

  @Test
  void aFullyHandledShardEndIsCheckpointedSoChildrenCanStart() {
    ShardProcessor processor = processor(new RecordingHandler("rec"));
    processor.processRecords(batch("profile-insert.json"));
    processor.shardEnded(kcl.shardEnded());

    assertThat(kcl.checkpoints()).containsExactly("1000", KclCheckpoints.SHARD_END);
  }

  @Test
  void aStoppingWorkerSeesEachShardLiveUntilItsLastCheckpointIsWritten() {
    List<Boolean> liveWhileWriting = new CopyOnWriteArrayList<>();
    leaseTable.whileWriting = () -> liveWhileWriting.add(workerStopping.hasLiveChildren());

    ShardProcessor stopped = processor(new RecordingHandler("rec"));
    leaseTable.throttleNext = 1;
    stopped.processRecords(batch("profile-insert.json"));
    workerStopping.cancel("worker stopping");
    stopped.shutdownRequested(kcl.shutdownRequested());
    assertThat(kcl.checkpoints()).as("the stop writes what the throttled batch end could not").containsExactly("1000");
    assertThat(workerStopping.hasLiveChildren()).as("after its stop checkpoint").isFalse();

    ShardProcessor ended = processor(new RecordingHandler("rec"));
    ended.shardEnded(kcl.shardEnded());
    assertThat(kcl.checkpoints()).endsWith(KclCheckpoints.SHARD_END);
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
    processor.shardEnded(kcl.shardEnded());

    assertThat(kcl.checkpoints()).isEmpty();
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
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> handler.attempts().size() >= 5);
    assertThat(registry.get("shop.shard.holding").tag("shard", Fixtures.SHARD).gauge().value()).isPositive();
    processor.leaseLost(LeaseLostInput.builder().build());
    assertThat(registry.find("shop.shard.holding").gauges()).as("a lost shard's gauges are removed").isEmpty();
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(200))
        .until(() -> {
          int before = handler.attempts().size();
          Thread.sleep(100);
          return handler.attempts().size() == before;
        });
    processor.processRecords(batch("profile-insert.json"));
    processor.shutdownRequested(kcl.shutdownRequested());

    assertThat(handler.handled()).isEmpty();
    assertThat(kcl.checkpoints()).isEmpty();
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
      public Set<EventType> eventTypes() {
        return EnumSet.allOf(EventType.class);
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
    Thread kclThread = new Thread(() -> processor.processRecords(
        batch("profile-insert.json", "product-stock-0-to-3.json", "session-user-remove.json")));
    kclThread.start();
    kclThread.join(500);
    assertThat(kclThread.isAlive()).as("processRecords waits for room in the window").isTrue();
    assertThat(kcl.checkpoints()).isEmpty();

    release.countDown();
    kclThread.join(5000);
    assertThat(kclThread.isAlive()).isFalse();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        registry.find("shop.stream.records").counters().stream().mapToDouble(c -> c.count()).sum() == 3);
    processor.shutdownRequested(kcl.shutdownRequested());
    assertThat(kcl.checkpoints()).last().isEqualTo(KclCheckpoints.seq(3));
  }

  @Test
  void anErrorInARecordHaltsTheWorkerAndTheCheckpointNeverPassesThatRecord() {
    EventHandler handler = overflowsOnOrders();
    processor(handler, Runnable::run, (d, signal) -> !signal.isCancelled())
        .processRecords(batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"));

    assertThat(fatalErrors).singleElement().isInstanceOf(StackOverflowError.class);
    assertThat(kcl.checkpoints()).containsExactly("1000");
  }

  @Test
  void aLeaseLostWhileTheWindowIsFullStopsTheShardWithinTwoCheckpointIntervals() throws Exception {
    maxInFlight = 1;
    checkpointInterval = Duration.ofMillis(500);
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
    Thread kclThread = new Thread(() -> processor.processRecords(
        batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json")));
    kclThread.start();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> kcl.checkpoints().size() >= 1);
    Thread.sleep(2 * checkpointInterval.toMillis());
    assertThat(kclThread.isAlive()).as("held behind the order in the full window").isTrue();
    assertThat(kcl.checkpoints()).as("KCL's checkpointer writes an unmoved watermark once").containsExactly("1000");

    // another worker takes the lease: the lease table refuses this worker's writes, its coordinator drops the lease
    leaseTable.leaseGone = true;
    leaseHeld = false;
    kclThread.join(2 * checkpointInterval.toMillis());
    assertThat(kclThread.isAlive()).as("the lost lease ended the wait").isFalse();
    release.countDown();
    assertThat(kcl.checkpoints()).containsOnly("1000");
    assertThat(handler.attempts()).extracting(DomainEvent::type).doesNotContain(EventType.PRODUCT_STOCK_CHANGED);
    assertThatThrownBy(() -> leases.admit(new EventSource("shop", Fixtures.SHARD, "3000")))
        .as("no effect is admitted on the shard any more").hasMessageContaining("no longer held");
  }

  @Test
  void aBatchNotTakenInBecauseTheWorkWasCancelledIsNeverPassedBySHARD_END() {
    RecordingHandler handler = new RecordingHandler("rec");
    ShardProcessor stopping = processor(handler);
    workerStopping.cancel("worker stopping"); // SIGTERM, before KCL marks the consumer for shutdown
    stopping.processRecords(batch("order-insert.json"));
    stopping.shardEnded(kcl.shardEnded());

    ShardProcessor bornCancelled = processor(handler); // created by KCL after the stop began
    bornCancelled.processRecords(batch("profile-insert.json"));
    bornCancelled.shardEnded(kcl.shardEnded());

    assertThat(handler.handled()).isEmpty();
    assertThat(kcl.checkpoints()).as("no SHARD_END past records never offered").isEmpty();
  }

  @Test
  void anInternalFailureHoldsTheShardTakesNoLaterBatchAndNeverCheckpointsItsEnd() {
    RecordingHandler handler = new RecordingHandler("rec");
    ShardProcessor processor = processor(handler);
    var broken = batch("profile-insert.json");
    // KCL's checkpointer refuses a position past what it permitted: the batch end's checkpoint throws
    kcl.checkpointer.largestPermittedCheckpointValue(new ExtendedSequenceNumber("1"));
    processor.processRecords(broken);
    processor.processRecords(batch("order-insert.json"));
    processor.shardEnded(kcl.shardEnded());

    assertThat(handler.handled()).as("the later batch was not taken in").hasSize(1);
    assertThat(kcl.checkpoints()).as("the handled record at the end, never SHARD_END").containsExactly("1000");
    assertThat(registry.find("shop.shard.holding").gauges()).as("released at its end").isEmpty();
  }

  @Test
  void aLeaseNoLongerHeldWhenTheProcessorStartsProcessesNothing() {
    leaseHeld = false;
    RecordingHandler handler = new RecordingHandler("rec");
    ShardProcessor processor = processor(handler);
    processor.processRecords(batch("profile-insert.json"));
    processor.shardEnded(kcl.shardEnded());

    assertThat(handler.handled()).isEmpty();
    assertThat(kcl.checkpoints()).isEmpty();
    assertThat(progress.firstShardTaken()).as("no shard taken: no first-lease event").isNotDone();
  }

  @Test
  void effectsAreAdmittedUnderTheProcessorsLeaseAndEpochAndALateLeaseLossOfAnEarlierProcessorLeavesTheNewer() {
    EventSource source = new EventSource("shop", Fixtures.SHARD, "1000");
    ShardProcessor earlier = processor(new RecordingHandler("rec"));
    assertThat(leases.admit(source)).isEqualTo(new ShardLease("app/" + Fixtures.SHARD, 7));

    ShardProcessor newer = processor(new RecordingHandler("rec")); // this worker took the shard again
    earlier.leaseLost(LeaseLostInput.builder().build());
    assertThat(leases.admit(source)).as("the newer processor's registration stays").isNotNull();
    assertThat(registry.find("shop.shard.holding").gauges()).as("and its gauges").hasSize(1);

    leases.superseded(source, new ShardLease("app/" + Fixtures.SHARD, 7), 8);
    assertThatThrownBy(() -> leases.admit(source)).hasMessageContaining("superseded by epoch 8");
    newer.leaseLost(LeaseLostInput.builder().build());
    assertThatThrownBy(() -> leases.admit(source)).hasMessageContaining("does not hold the lease");
  }

  @Test
  void aRecordThatHaltsTheWorkerWithAnErrorOnThreeStartsIsParkedWholeOnTheThird() {
    Map<String, Long> counts = new ConcurrentHashMap<>();
    List<DeadLetter> parked = new CopyOnWriteArrayList<>();
    repeatedErrors = new RepeatedErrors((source, error) -> counts.merge(source.sequenceNumber(), 1L, Long::sum),
        parked::add, 3, Clock.systemUTC());
    EventHandler overflows = overflowsOnOrders();
    for (int start = 1; start <= 3; start++) {
      KclCheckpoints restarted = new KclCheckpoints(); // a new worker process, redelivered from the checkpoint
      processor(overflows, Runnable::run, (d, signal) -> !signal.isCancelled())
          .processRecords(restarted.batch("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"));
      if (start < 3) {
        assertThat(fatalErrors).as("start %d halts", start).hasSize(start);
        assertThat(restarted.checkpoints()).as("never past the order").containsExactly("1000");
      } else {
        assertThat(fatalErrors).as("the third start does not halt").hasSize(2);
        assertThat(restarted.checkpoints()).as("past the parked order").containsExactly("3000");
      }
    }
    assertThat(parked).singleElement().satisfies(letter -> {
      assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.WORKER_ERROR);
      assertThat(letter.handler()).isNull();
      assertThat(letter.errorMessage()).contains("StackOverflowError").contains("3 consecutive starts");
    });
  }

  /** A handler that throws a StackOverflowError on every order (a deterministic Error), and handles the rest. */
  private static EventHandler overflowsOnOrders() {
    return new EventHandler() {
      @Override
      public String name() {
        return "rec";
      }

      @Override
      public Set<EventType> eventTypes() {
        return EnumSet.allOf(EventType.class);
      }

      @Override
      public HandlerResult handle(DomainEvent event) {
        if (event.type() == EventType.ORDER_PLACED) {
          throw new StackOverflowError("injected");
        }
        return HandlerResult.done("ok");
      }
    };
  }
}
