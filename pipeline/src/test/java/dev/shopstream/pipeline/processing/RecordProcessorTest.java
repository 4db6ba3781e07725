package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.ForwardingEventHandler;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.EventType;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.processing.RecordProcessor.Outcome;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.ChangeRecord;
import dev.shopstream.pipeline.stream.StreamRecordJson;
import dev.shopstream.pipeline.testing.Fixtures;
import dev.shopstream.testkit.ManualClock;
import dev.shopstream.pipeline.testing.RecordingHandler;
import dev.shopstream.handlers.HandlerResult;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One record's handling: diff, route, deliver, the one retry schedule, the hold budget, dead letters. */
class RecordProcessorTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<DeadLetter> parked = new ArrayList<>();
  private final List<Duration> pauses = new ArrayList<>();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
  private final Cancellation cancellation = new Cancellation();
  /** Report after 1 attempt, pauses 100, 200, 400 ms (no jitter), 10 s hold budget. */
  private RetryPolicy policy = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofMillis(400), 0,
      Duration.ofSeconds(10));

  private RecordProcessor processor(EventHandler... handlers) {
    return processor(parked::add, handlers);
  }

  private RecordProcessor processor(DeadLetterQueue queue, EventHandler... handlers) {
    return new RecordProcessor(ImageDiffer.standard(clock), new EventRouter(List.of(handlers)), queue,
        new PipelineMetrics(registry), policy, (duration, signal) -> {
          pauses.add(duration);
          clock.advance(duration);
          return !signal.isCancelled();
        }, clock);
  }

  /** Runs the fixtures in order as a shard would, stopping at the first record not handled. */
  private List<Outcome> run(RecordProcessor processor, String... fixtures) {
    List<Outcome> outcomes = new ArrayList<>();
    for (ChangeRecord record : Arrays.stream(fixtures).map(f -> ChangeRecord.of(Fixtures.record(f), "shop", "s-1"))
        .toList()) {
      Outcome outcome = processor.process(record, cancellation);
      outcomes.add(outcome);
      if (outcome != Outcome.HANDLED) {
        break;
      }
    }
    return outcomes;
  }

  @Test
  void handlesEveryRecordAndCallsHandlersInEventOrder() {
    RecordingHandler handler = new RecordingHandler("rec");
    assertThat(run(processor(handler), "profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"))
        .containsOnly(Outcome.HANDLED).hasSize(3);
    assertThat(handler.handled()).extracting(DomainEvent::type).containsExactly(EventType.USER_REGISTERED,
        EventType.ORDER_PLACED, EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK);
    assertThat(registry.get("shop.stream.records").tag("outcome", "derived").counter().count()).isEqualTo(3.0);
  }

  @Test
  void anEffectDoneIsTimedFromTheRecordsWriteAndADeliberateNothingIsNot() {
    Instant written = Instant.ofEpochSecond(1795996800); // order-insert.json's ApproximateCreationDateTime
    clock.advance(Duration.between(clock.instant(), written).plusMillis(2500));
    RecordingHandler mailer = new RecordingHandler("mailer");
    EventHandler idle = new EventHandler() {
      @Override
      public String name() {
        return "idle";
      }

      @Override
      public Set<EventType> eventTypes() {
        return Set.of(EventType.ORDER_PLACED);
      }

      @Override
      public HandlerResult handle(DomainEvent event) {
        return HandlerResult.notApplicable("nothing to do");
      }
    };
    assertThat(run(processor(mailer, idle), "order-insert.json")).containsExactly(Outcome.HANDLED);

    Timer timer = registry.get("shop.write.to.effect").tag("handler", "mailer").timer();
    assertThat(timer.count()).isOne();
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2500.0);
    assertThat(registry.find("shop.write.to.effect").tag("handler", "idle").timer()).isNull();
  }

  @Test
  void aRetryableFailureIsRetriedWithGrowingPausesWithoutRepeatingWhatSucceeded() {
    AtomicInteger failuresLeft = new AtomicInteger(3);
    RecordingHandler steady = new RecordingHandler("steady");
    RecordingHandler flaky = new RecordingHandler("flaky", Set.of(EventType.PRODUCT_BACK_IN_STOCK))
        .failWhen(e -> failuresLeft.getAndDecrement() > 0);

    assertThat(run(processor(steady, flaky), "product-stock-0-to-3.json", "order-insert.json"))
        .containsOnly(Outcome.HANDLED);

    assertThat(flaky.attempts()).hasSize(4);
    assertThat(flaky.handled()).hasSize(1);
    assertThat(steady.handled()).extracting(DomainEvent::type).containsExactly(EventType.PRODUCT_STOCK_CHANGED,
        EventType.PRODUCT_BACK_IN_STOCK, EventType.ORDER_PLACED);
    assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(registry.get("shop.handler.retries").tag("handler", "flaky").counter().count()).isEqualTo(3.0);
    assertThat(parked).isEmpty();
  }

  @Test
  void aSystemicFailureHoldsTheRecordAndAlarmsInsteadOfDeadLetteringIt() {
    AtomicInteger failuresLeft = new AtomicInteger(4);
    RecordingHandler denied = new RecordingHandler("denied");
    EventHandler systemicFirst = new ForwardingEventHandler(denied) {
      @Override
      public HandlerResult handle(DomainEvent event) {
        if (failuresLeft.getAndDecrement() > 0) {
          throw EffectFailure.systemic("SNS Publish failed: AuthorizationError (HTTP 403)", null);
        }
        return super.handle(event);
      }
    };

    assertThat(run(processor(systemicFirst), "order-insert.json")).containsOnly(Outcome.HANDLED);

    assertThat(parked).as("nothing parked: the event was not at fault").isEmpty();
    assertThat(denied.handled()).hasSize(1);
    assertThat(registry.get("shop.handler.systemic.failures").tag("handler", "denied").counter().count())
        .isEqualTo(4.0);
  }

  @Test
  void aDeferralIsRetriedOnTheSameScheduleButCountedAsDeferredNotFailed() {
    AtomicInteger deferralsLeft = new AtomicInteger(2);
    RecordingHandler claimed = new RecordingHandler("claimed");
    EventHandler waiting = new EventHandler() {
      @Override
      public String name() {
        return claimed.name();
      }

      @Override
      public Set<EventType> eventTypes() {
        return Set.of(EventType.ORDER_PLACED);
      }

      @Override
      public HandlerResult handle(DomainEvent event) {
        if (deferralsLeft.getAndDecrement() > 0) {
          throw EffectFailure.deferred("email user/u/order/o is being handled by another attempt");
        }
        return claimed.handle(event);
      }
    };

    assertThat(run(processor(waiting), "order-insert.json")).containsExactly(Outcome.HANDLED);

    assertThat(claimed.handled()).hasSize(1);
    assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(registry.get("shop.handler.results").tag("handler", "claimed").tag("result", "deferred").counter()
        .count()).isEqualTo(2.0);
    assertThat(registry.find("shop.handler.results").tag("handler", "claimed").tag("result", "failed").counter())
        .isNull();
    assertThat(registry.get("shop.handler.results").tag("handler", "claimed").tag("result", "done").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("shop.handler.retries").tag("handler", "claimed").counter().count()).isEqualTo(2.0);
    assertThat(parked).isEmpty();
  }

  @Test
  void aHandlerFailingOnAnEventGetsTheRecordsLaterEventsOnlyAfterIt() {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    RecordingHandler flaky = new RecordingHandler("flaky")
        .failWhen(e -> e.type() == EventType.PRODUCT_STOCK_CHANGED && failuresLeft.getAndDecrement() > 0);

    assertThat(run(processor(flaky), "product-stock-0-to-3.json")).containsExactly(Outcome.HANDLED);

    assertThat(flaky.attempts()).extracting(DomainEvent::type).containsExactly(EventType.PRODUCT_STOCK_CHANGED,
        EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK);
  }

  @Test
  void aPermanentFailureDeadLettersThatEventAndTheRestCarriesOn() {
    RecordingHandler other = new RecordingHandler("other");
    RecordingHandler picky = new RecordingHandler("picky").failPermanentlyWhen(e -> e.type() == EventType.ORDER_PLACED);

    assertThat(run(processor(other, picky), "order-insert.json", "profile-insert.json")).containsOnly(Outcome.HANDLED);

    assertThat(picky.attempts()).extracting(DomainEvent::type).containsExactly(EventType.ORDER_PLACED,
        EventType.USER_REGISTERED);
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
  void aRecordStillFailingWhenTheHoldBudgetIsSpentIsDeadLetteredAndTheNextRecordFollows() {
    RecordingHandler stuck = new RecordingHandler("stuck").failWhen(e -> e.type() == EventType.ORDER_PLACED);

    assertThat(run(processor(stuck), "order-insert.json", "profile-insert.json")).containsOnly(Outcome.HANDLED);

    assertThat(parked).singleElement().satisfies(letter -> {
      assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.RETRIES_EXHAUSTED);
      assertThat(letter.attempts()).isGreaterThan(20);
      assertThat(Duration.between(letter.firstFailureAt(), letter.lastFailureAt()))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(9));
    });
    assertThat(stuck.handled()).extracting(DomainEvent::type).containsExactly(EventType.USER_REGISTERED);
  }

  @Test
  void cancellationDuringARetryStopsTheRecordUnhandledAndParksNothing() {
    RecordingHandler handler = new RecordingHandler("rec").failWhen(e -> {
      if (e.type() == EventType.ORDER_PLACED) {
        cancellation.cancel("lease lost");
        return true;
      }
      return false;
    });

    assertThat(run(processor(handler), "profile-insert.json", "order-insert.json", "product-stock-0-to-3.json"))
        .containsExactly(Outcome.HANDLED, Outcome.STOPPED);
    assertThat(handler.handled()).extracting(DomainEvent::type).containsExactly(EventType.USER_REGISTERED);
    assertThat(handler.attempts()).hasSize(2);
    assertThat(parked).isEmpty();
  }

  @Test
  void aCancelledRecordIsNotStartedAtAll() {
    RecordingHandler handler = new RecordingHandler("rec");
    cancellation.cancel("worker stopping");
    assertThat(run(processor(handler), "profile-insert.json")).containsExactly(Outcome.STOPPED);
    assertThat(handler.attempts()).isEmpty();
  }

  @Test
  void malformedRecordsAreDeadLetteredWholeAndTheNextRecordFollows() {
    RecordingHandler handler = new RecordingHandler("rec");
    assertThat(run(processor(handler), "product-stock-as-string.json", "profile-insert.json"))
        .containsOnly(Outcome.HANDLED);

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
  void aDeadLetterQueueThatFailsHoldsTheRecordEvenPastTheBudget() {
    AtomicInteger calls = new AtomicInteger();
    DeadLetterQueue broken = r -> {
      if (calls.incrementAndGet() < 40) {
        throw new IllegalStateException("dead-letter queue unreachable");
      }
      parked.add(r);
    };
    assertThat(run(processor(broken, new RecordingHandler("rec")), "product-stock-as-string.json"))
        .containsExactly(Outcome.HANDLED);

    assertThat(calls).hasValue(40);
    assertThat(parked).hasSize(1);
    assertThat(pauses).hasSize(39);
  }

  @Test
  void unknownShapesAreCountedAndSkipped() {
    RecordingHandler handler = new RecordingHandler("rec");
    assertThat(run(processor(handler), "unknown-cart-item.json")).containsExactly(Outcome.HANDLED);

    assertThat(handler.attempts()).isEmpty();
    assertThat(parked).isEmpty();
    assertThat(registry.get("shop.stream.records").tag("outcome", "unrecognized").counter().count()).isEqualTo(1.0);
  }

  @Test
  void redriveRunsTheLettersCallThroughTheSameLoopOnceAndParksNothing() {
    RecordingHandler other = new RecordingHandler("other");
    RecordingHandler picky = new RecordingHandler("picky").failPermanentlyWhen(e -> e.type() == EventType.ORDER_PLACED);
    assertThat(run(processor(other, picky), "order-insert.json")).containsExactly(Outcome.HANDLED);
    DeadLetter letter = parked.get(0);
    parked.clear();

    assertThat(processor(other, picky).redrive(letter)).startsWith("handler picky failed again: ")
        .contains("injected permanent failure");
    RecordingHandler flaky = new RecordingHandler("picky").failWhen(e -> true);
    assertThat(processor(flaky).redrive(letter)).startsWith("handler picky failed again: ");
    assertThat(flaky.attempts()).as("one attempt, not retried").hasSize(1);
    assertThat(parked).isEmpty();
    assertThat(pauses).isEmpty();

    RecordingHandler fixed = new RecordingHandler("picky");
    RecordingHandler bystander = new RecordingHandler("other");
    assertThat(processor(bystander, fixed).redrive(letter)).isNull();
    assertThat(fixed.handled()).extracting(DomainEvent::type).containsExactly(EventType.ORDER_PLACED);
    assertThat(bystander.attempts()).as("only the letter's handler").isEmpty();
    assertThat(processor(bystander).redrive(letter))
        .isEqualTo("handler 'picky' is not enabled in this configuration (SHOP_HANDLERS)");
  }

  @Test
  void redriveOfAWholeRecordCallsEveryHandlerOrSaysItIsStillRejected() {
    RecordingHandler handler = new RecordingHandler("rec");
    DeadLetter whole = DeadLetter.rejected(new EventSource("shop", "s-1", "1000"),
        Fixtures.record("profile-insert.json"), "rejected by an older worker", clock.instant());
    assertThat(processor(handler).redrive(whole)).isNull();
    assertThat(handler.handled()).extracting(DomainEvent::type).containsExactly(EventType.USER_REGISTERED);

    assertThat(run(processor(handler), "product-stock-as-string.json")).containsExactly(Outcome.HANDLED);
    assertThat(processor(handler).redrive(parked.get(0))).startsWith("still rejected: ").contains("must be a number");
  }

  @Test
  void redriveFindsAStateEventsLetterAndAWholeRecordsStateAsTheLiveLoopDeliversThem() {
    Set<EventType> states = EnumSet.of(EventType.USER_REGISTERED, EventType.USER_PROFILE_STATE);
    RecordingHandler failing = new RecordingHandler("sync", states)
        .failPermanentlyWhen(e -> e.type() == EventType.USER_PROFILE_STATE);
    assertThat(run(processor(failing), "profile-insert.json")).containsExactly(Outcome.HANDLED);
    DeadLetter letter = parked.get(0);
    assertThat(letter.eventType()).isEqualTo(EventType.USER_PROFILE_STATE.wireName());
    parked.clear();

    RecordingHandler fixed = new RecordingHandler("sync", states);
    assertThat(processor(fixed).redrive(letter)).as("the state's letter is found again").isNull();
    assertThat(fixed.handled()).extracting(DomainEvent::type).containsExactly(EventType.USER_PROFILE_STATE);

    RecordingHandler whole = new RecordingHandler("sync", states);
    DeadLetter rejected = DeadLetter.rejected(new EventSource("shop", "s-1", "1000"),
        Fixtures.record("profile-insert.json"), "rejected by an older worker", clock.instant());
    assertThat(processor(whole).redrive(rejected)).isNull();
    assertThat(whole.handled()).extracting(DomainEvent::type)
        .containsExactly(EventType.USER_REGISTERED, EventType.USER_PROFILE_STATE);
  }

  @Test
  void jitteredPausesStayWithinTheirBoundsAndNeverExceedTheMaximum() {
    RetryPolicy jittered = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(1000), 0.5,
        Duration.ofHours(1));
    for (int i = 0; i < 200; i++) {
      assertThat(jittered.delayAfter(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
      assertThat(jittered.delayAfter(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(600));
      assertThat(jittered.delayAfter(30)).isBetween(Duration.ofMillis(1), Duration.ofMillis(1000));
    }
  }

  @Test
  void aRoundOfCallsThatHasBegunRunsToItsEndSoAStopDoesNotLeaveTheRecordHalfDone() {
    RecordingHandler first = new RecordingHandler("first").failWhen(e -> {
      cancellation.cancel("worker stopping");
      return false;
    });
    RecordingHandler second = new RecordingHandler("second");

    assertThat(run(processor(first, second), "order-insert.json", "profile-insert.json"))
        .containsExactly(Outcome.HANDLED, Outcome.STOPPED);
    assertThat(second.handled()).extracting(DomainEvent::type).containsExactly(EventType.ORDER_PLACED);
  }

  @Test
  void resilience4jsRetryDecidesAndItsEventsReachTheRegistryByHandler() {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    RecordingHandler flaky = new RecordingHandler("flaky").failWhen(e -> failuresLeft.getAndDecrement() > 0);
    RecordingHandler refusing = new RecordingHandler("refusing", Set.of(EventType.ORDER_PLACED))
        .failPermanentlyWhen(e -> true);
    RecordingHandler stuck = new RecordingHandler("stuck", Set.of(EventType.USER_REGISTERED)).failWhen(e -> true);

    assertThat(run(processor(flaky, refusing, stuck), "order-insert.json", "profile-insert.json"))
        .containsOnly(Outcome.HANDLED);

    assertThat(retryCalls("flaky", "successful_with_retry")).as("two retries, then done").isEqualTo(1.0);
    assertThat(retryCalls("refusing", "failed_without_retry")).as("permanent: not retried, parked").isEqualTo(1.0);
    assertThat(registry.get("resilience4j.retry.calls").tag("name", "stuck").tag("kind", "successful_with_retry")
        .functionCounter().count()).as("retried until the hold budget, never done").isZero();
    assertThat(registry.get("shop.dlq.writes").tag("kind", "RETRIES_EXHAUSTED").counter().count()).isEqualTo(1.0);
    assertThat(parked).extracting(DeadLetter::kind).containsExactly(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY,
        DeadLetter.Kind.RETRIES_EXHAUSTED);
  }

  private double retryCalls(String handler, String kind) {
    return registry.get("resilience4j.retry.calls").tag("name", handler).tag("kind", kind).functionCounter().count();
  }
}
