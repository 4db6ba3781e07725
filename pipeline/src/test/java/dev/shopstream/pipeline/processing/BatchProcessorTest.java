package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.StreamRecordJson;
import dev.shopstream.pipeline.testing.Fixtures;
import dev.shopstream.pipeline.testing.RecordingHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.Record;

class BatchProcessorTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Rejection> rejections = new ArrayList<>();
  private final List<Duration> pauses = new ArrayList<>();

  private BatchProcessor processor(RecordingHandler... handlers) {
    return processor(rejections::add, handlers);
  }

  private BatchProcessor processor(RejectionSink sink, RecordingHandler... handlers) {
    ChangeProcessor changes = new ChangeProcessor(ImageDiffer.standard(Clock.systemUTC()), new EventRouter(List.of(handlers)),
        sink, new PipelineMetrics(registry), Clock.systemUTC());
    return new BatchProcessor(changes, new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)), pauses::add);
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
  void aFailingHandlerHoldsTheRecordAndIsRetriedWithGrowingPausesWithoutRepeatingWhatSucceeded() {
    AtomicInteger failuresLeft = new AtomicInteger(3);
    RecordingHandler steady = new RecordingHandler("steady");
    RecordingHandler flaky = new RecordingHandler("flaky", Set.of(EventType.PRODUCT_BACK_IN_STOCK))
        .failWhen(e -> failuresLeft.getAndDecrement() > 0);

    int last = processor(steady, flaky).process(records("product-stock-0-to-3.json", "order-insert.json"), "shop", "s-1",
        () -> false);

    assertThat(last).isEqualTo(1);
    assertThat(flaky.attempts()).hasSize(4);
    assertThat(flaky.handled()).hasSize(1);
    // steady handled the stock change and back-in-stock once each despite the three retries, then the order
    assertThat(steady.handled()).extracting(DomainEvent::type).containsExactly(EventType.PRODUCT_STOCK_CHANGED,
        EventType.PRODUCT_BACK_IN_STOCK, EventType.ORDER_PLACED);
    assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
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
  }

  @Test
  void malformedRecordsGoToTheRejectionSinkWholeAndTheBatchMovesOn() {
    RecordingHandler handler = new RecordingHandler("rec");
    int last = processor(handler).process(records("product-stock-as-string.json", "profile-insert.json"), "shop", "s-1",
        () -> false);

    assertThat(last).isEqualTo(1);
    assertThat(rejections).singleElement().satisfies(r -> {
      assertThat(r.reason()).contains("attribute 'stock' must be a number (N) but is S");
      assertThat(r.source().sequenceNumber()).isEqualTo("1006");
      assertThat(new StreamRecordJson(new ObjectMapper()).write(r.record())).contains("\"stock\":{\"S\":\"3\"}");
    });
    assertThat(handler.handled()).hasSize(1);
    assertThat(registry.get("shop.stream.records").tag("outcome", "rejected").counter().count()).isEqualTo(1.0);
  }

  @Test
  void aRejectionSinkThatFailsHoldsTheShard() {
    AtomicInteger calls = new AtomicInteger();
    RejectionSink broken = r -> {
      if (calls.incrementAndGet() < 3) {
        throw new IllegalStateException("dead-letter queue unreachable");
      }
      rejections.add(r);
    };
    int last = processor(broken, new RecordingHandler("rec"))
        .process(records("product-stock-as-string.json"), "shop", "s-1", () -> false);

    assertThat(last).isZero();
    assertThat(calls).hasValue(3);
    assertThat(rejections).hasSize(1);
  }

  @Test
  void unknownShapesAreCountedAndSkipped() {
    RecordingHandler handler = new RecordingHandler("rec");
    int last = processor(handler).process(records("unknown-cart-item.json"), "shop", "s-1", () -> false);

    assertThat(last).isZero();
    assertThat(handler.attempts()).isEmpty();
    assertThat(rejections).isEmpty();
    assertThat(registry.get("shop.stream.records").tag("outcome", "unrecognized").counter().count()).isEqualTo(1.0);
  }
}
