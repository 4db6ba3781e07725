package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.StreamRecordJson;
import dev.shopstream.pipeline.testing.Fixtures;
import dev.shopstream.pipeline.testing.ManualClock;
import dev.shopstream.pipeline.testing.RecordingHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.Record;

class BatchProcessorTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<DeadLetter> parked = new ArrayList<>();
  private final List<Duration> pauses = new ArrayList<>();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
  /** 1 attempt per call, record rounds 100, 200, 400 ms..., 10 s hold budget. */
  private RetryPolicy policy = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(10));

  private BatchProcessor processor(RecordingHandler... handlers) {
    return processor(parked::add, handlers);
  }

  private BatchProcessor processor(DeadLetterQueue queue, RecordingHandler... handlers) {
    PipelineMetrics metrics = new PipelineMetrics(registry);
    ChangeProcessor changes = new ChangeProcessor(ImageDiffer.standard(clock), new EventRouter(List.of(handlers)),
        new HandlerInvoker(policy, () -> false, metrics), queue, metrics, clock);
    return new BatchProcessor(changes, policy, d -> {
      pauses.add(d);
      clock.advance(d);
    }, clock);
  }

  private static List<Record> records(String... fixtures) {
    return java.util.Arrays.stream(fixtures).map(Fixtures::record).toList();
  }

  @Test
  void handlesEveryRecordInOrderAndReportsTheLastIndex() {
    RecordingHandler handler = new RecordingHandler("rec");
    int last = processor(handler).process(
        records("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"), "shop", "s-1", () -> false);

    assertThat(last).isEqualTo(2);
    assertThat(handler.handled()).extracting(DomainEvent::type).containsExactly(EventType.USER_REGISTERED,
        EventType.ORDER_PLACED, EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK);
  }

  @Test
  void aRetryableFailureHoldsTheRecordWithGrowingPausesWithoutRepeatingWhatSucceeded() {
    AtomicInteger failuresLeft = new AtomicInteger(3);
    RecordingHandler steady = new RecordingHandler("steady");
    RecordingHandler flaky = new RecordingHandler("flaky", Set.of(EventType.PRODUCT_BACK_IN_STOCK))
        .failWhen(e -> failuresLeft.getAndDecrement() > 0);

    int last = processor(steady, flaky).process(records("product-stock-0-to-3.json", "order-insert.json"), "shop", "s-1",
        () -> false);

    assertThat(last).isEqualTo(1);
    assertThat(flaky.attempts()).hasSize(4);
    assertThat(flaky.handled()).hasSize(1);
    assertThat(steady.handled()).extracting(DomainEvent::type).containsExactly(EventType.PRODUCT_STOCK_CHANGED,
        EventType.PRODUCT_BACK_IN_STOCK, EventType.ORDER_PLACED);
    assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(parked).isEmpty();
  }

  @Test
  void resilienceRetriesACallBeforeTheRecordIsHeld() {
    policy = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(10));
    AtomicInteger failuresLeft = new AtomicInteger(2);
    RecordingHandler flaky = new RecordingHandler("flaky").failWhen(e -> failuresLeft.getAndDecrement() > 0);

    assertThat(processor(flaky).process(records("profile-insert.json"), "shop", "s-1", () -> false)).isZero();

    assertThat(flaky.attempts()).hasSize(3);
    assertThat(pauses).as("no record-level round was needed").isEmpty();
    assertThat(registry.get("shop.handler.retries").tag("handler", "flaky").counter().count()).isEqualTo(2.0);
  }

  @Test
  void aPermanentFailureDeadLettersThatEventAndTheRestCarriesOn() {
    RecordingHandler other = new RecordingHandler("other");
    RecordingHandler picky = new RecordingHandler("picky").failPermanentlyWhen(e -> e.type() == EventType.ORDER_PLACED);

    int last = processor(other, picky).process(records("order-insert.json", "profile-insert.json"), "shop", "s-1",
        () -> false);

    assertThat(last).isEqualTo(1);
    assertThat(picky.attempts()).extracting(DomainEvent::type).containsExactly(EventType.ORDER_PLACED, EventType.USER_REGISTERED);
    assertThat(other.handled()).hasSize(2);
    assertThat(parked).singleElement().satisfies(letter -> {
      assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY);
      assertThat(letter.handler()).isEqualTo("picky");
      assertThat(letter.eventType()).isEqualTo("order-placed");
      assertThat(letter.errorMessage()).contains("injected permanent failure");
      assertThat(letter.errorClass()).isEqualTo("dev.shopstream.handlers.EffectFailure");
      assertThat(letter.source().sequenceNumber()).isEqualTo("2000");
      assertThat(letter.record().dynamodb().newImage()).containsKey("items");
    });
    assertThat(pauses).isEmpty();
  }

  @Test
  void aRecordStillFailingWhenTheHoldBudgetIsSpentIsDeadLetteredAndTheShardMovesOn() {
    RecordingHandler stuck = new RecordingHandler("stuck").failWhen(e -> e.type() == EventType.ORDER_PLACED);

    int last = processor(stuck).process(records("order-insert.json", "profile-insert.json"), "shop", "s-1", () -> false);

    assertThat(last).isEqualTo(1);
    assertThat(parked).singleElement().satisfies(letter -> {
      assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.RETRIES_EXHAUSTED);
      assertThat(letter.attempts()).isGreaterThan(20);
      assertThat(Duration.between(letter.firstFailureAt(), letter.lastFailureAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
    });
    assertThat(stuck.handled()).extracting(DomainEvent::type).containsExactly(EventType.USER_REGISTERED);
  }

  @Test
  void stoppingWhileARecordFailsReportsOnlyTheUnbrokenPrefix() {
    AtomicBoolean stop = new AtomicBoolean();
    RecordingHandler handler = new RecordingHandler("rec").failWhen(e -> {
      if (e.type() == EventType.ORDER_PLACED) {
        stop.set(true);
        return true;
      }
      return false;
    });

    int last = processor(handler).process(
        records("profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"), "shop", "s-1", stop::get);

    assertThat(last).isZero();
    assertThat(handler.handled()).extracting(DomainEvent::type).containsExactly(EventType.USER_REGISTERED);
    assertThat(parked).isEmpty();
  }

  @Test
  void malformedRecordsAreDeadLetteredWholeAndTheBatchMovesOn() {
    RecordingHandler handler = new RecordingHandler("rec");
    int last = processor(handler).process(records("product-stock-as-string.json", "profile-insert.json"), "shop", "s-1",
        () -> false);

    assertThat(last).isEqualTo(1);
    assertThat(parked).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo(DeadLetter.Kind.REJECTED_RECORD);
      assertThat(r.errorMessage()).contains("attribute 'stock' must be a number (N) but is S");
      assertThat(r.source().sequenceNumber()).isEqualTo("1006");
      assertThat(new StreamRecordJson(new ObjectMapper()).write(r.record())).contains("\"stock\":{\"S\":\"3\"}");
    });
    assertThat(handler.handled()).hasSize(1);
    assertThat(registry.get("shop.stream.records").tag("outcome", "rejected").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("shop.dlq.writes").tag("kind", "REJECTED_RECORD").counter().count()).isEqualTo(1.0);
  }

  @Test
  void aDeadLetterQueueThatFailsHoldsTheShardEvenPastTheBudget() {
    AtomicInteger calls = new AtomicInteger();
    DeadLetterQueue broken = r -> {
      if (calls.incrementAndGet() < 40) {
        throw new IllegalStateException("dead-letter queue unreachable");
      }
      parked.add(r);
    };
    int last = processor(broken, new RecordingHandler("rec"))
        .process(records("product-stock-as-string.json"), "shop", "s-1", () -> false);

    assertThat(last).isZero();
    assertThat(calls).hasValue(40);
    assertThat(parked).hasSize(1);
  }

  @Test
  void unknownShapesAreCountedAndSkipped() {
    RecordingHandler handler = new RecordingHandler("rec");
    int last = processor(handler).process(records("unknown-cart-item.json"), "shop", "s-1", () -> false);

    assertThat(last).isZero();
    assertThat(handler.attempts()).isEmpty();
    assertThat(parked).isEmpty();
    assertThat(registry.get("shop.stream.records").tag("outcome", "unrecognized").counter().count()).isEqualTo(1.0);
  }
}
