package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.diff.DiffOutcome;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.ChangeRecord;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Handles one stream record to its end, the one record loop of the worker: diff once, route each
 * event, call each handler; a failed call is tried again when its resilience4j retry
 * ({@link HandlerRetries}) says so, after the pause it answers (only that call, never what already
 * succeeded); what it does not retry (a permanent failure), what the differ rejects and what still
 * fails when the hold budget is spent goes to the dead-letter queue. A record is
 * {@link Outcome#HANDLED} only when every effect is done or parked; a dead-letter queue that refuses
 * holds it. {@link Outcome#STOPPED} means its work was cancelled first: it must be delivered again.
 *
 * <p>Thread-safe: many records run through one instance at once.
 */
public final class RecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(RecordProcessor.class);
  private static final int MAX_REMEMBERED_SHAPES = 100;

  /** How a record's handling ended. */
  public enum Outcome {
    /** Every effect done, skipped deliberately, or parked in the dead-letter queue. */
    HANDLED,
    /** Cancelled before that (stopping, lease lost): not handled, delivered again later. */
    STOPPED
  }

  private final ImageDiffer differ;
  private final EventRouter router;
  private final DeadLetterQueue deadLetters;
  private final PipelineMetrics metrics;
  private final RetryPolicy policy;
  private final HandlerRetries retries;
  private final Pause pause;
  private final Clock clock;
  private final RecordTracing tracing;
  private final Set<String> shapesSeen = Collections.newSetFromMap(new LinkedHashMap<>());

  public RecordProcessor(ImageDiffer differ, EventRouter router, DeadLetterQueue deadLetters, PipelineMetrics metrics,
      RetryPolicy policy, Pause pause, Clock clock) {
    this(differ, router, deadLetters, metrics, policy, pause, clock, RecordTracing.OFF);
  }

  /** @param tracing a span per record ({@link RecordTracing#OFF}: none) */
  public RecordProcessor(ImageDiffer differ, EventRouter router, DeadLetterQueue deadLetters, PipelineMetrics metrics,
      RetryPolicy policy, Pause pause, Clock clock, RecordTracing tracing) {
    this.tracing = tracing;
    this.differ = differ;
    this.router = router;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.policy = policy;
    this.retries = new HandlerRetries(policy, metrics.registry());
    this.pause = pause;
    this.clock = clock;
  }

  public Outcome process(ChangeRecord record, Cancellation cancellation) {
    MDC.put("shard", record.source().shardId());
    MDC.put("sequenceNumber", record.sequenceNumber());
    RecordTracing.RecordSpan span = tracing.start(record);
    Outcome outcome = null;
    try {
      outcome = handle(record, cancellation);
      return outcome;
    } finally {
      span.end(outcome == null ? "failed" : outcome.name());
      MDC.remove("shard");
      MDC.remove("sequenceNumber");
    }
  }

  private Outcome handle(ChangeRecord record, Cancellation cancellation) {
    DiffOutcome outcome = diff(record);
    List<Step> steps = new ArrayList<>();
    String counted;
    if (outcome instanceof DiffOutcome.Rejected rejected) {
      steps.add(Step.park(DeadLetter.rejected(record.source(), record.raw(), rejected.reason(), clock.instant())));
      counted = "rejected";
    } else if (outcome instanceof DiffOutcome.Unrecognized unrecognized) {
      noteUnrecognized(unrecognized.shape());
      counted = "unrecognized";
    } else {
      DiffOutcome.Derived derived = (DiffOutcome.Derived) outcome;
      for (DomainEvent event : derived.delivered()) {
        router.route(event).forEach(handler -> steps.add(Step.deliver(event, handler)));
      }
      counted = derived.events().isEmpty() ? "no-event" : "derived";
    }
    if (!runToTheEnd(record, steps, cancellation)) {
      return Outcome.STOPPED;
    }
    metrics.record(counted);
    if (outcome instanceof DiffOutcome.Derived derived) {
      derived.delivered().forEach(event -> metrics.event(event.type()));
    }
    return Outcome.HANDLED;
  }

  /** @return false when cancelled before every step was done */
  private boolean runToTheEnd(ChangeRecord record, List<Step> steps, Cancellation cancellation) {
    // Cancellation is seen before a record starts and between attempts: a round of calls that has
    // begun runs to its end, so a record whose calls all succeed is handled, not half done and redelivered.
    if (cancellation.isCancelled()) {
      return false;
    }
    Instant firstFailureAt = null;
    for (int attempt = 1; ; attempt++) {
      // A handler that failed retryably in this round does not get the record's later events before
      // it has taken the earlier one: each handler sees a key's events in stream order.
      Set<String> waiting = new HashSet<>();
      long pauseMillis = 0;
      for (Iterator<Step> it = steps.iterator(); it.hasNext(); ) {
        Step step = it.next();
        boolean done;
        if (step.letter != null) {
          done = park(step.letter);
        } else if (waiting.contains(step.handler.name())) {
          continue;
        } else if (deliver(record, step)) {
          done = true;
        } else if (step.letter == null) {
          firstFailureAt = firstFailureAt == null ? step.lastFailureAt : firstFailureAt;
          waiting.add(step.handler.name());
          pauseMillis = Math.max(pauseMillis, step.retryAfterMillis);
          continue;
        } else {
          firstFailureAt = firstFailureAt == null ? step.lastFailureAt : firstFailureAt;
          done = park(step.letter);
        }
        if (done) {
          it.remove();
        }
      }
      if (steps.isEmpty()) {
        return true;
      }
      if (firstFailureAt != null && budgetSpent(firstFailureAt)) {
        for (Step step : steps) {
          if (step.letter == null) {
            LOG.error("record {}: handler {} still failing after {} (hold budget spent): dead-lettering its event {}",
                record.sequenceNumber(), step.handler.name(), Duration.between(firstFailureAt, clock.instant()),
                step.event.eventId());
            step.letter = letter(DeadLetter.Kind.RETRIES_EXHAUSTED, record, step, firstFailureAt);
          }
        }
        steps.removeIf(step -> park(step.letter));
        if (steps.isEmpty()) {
          return true;
        }
      }
      if (attempt >= policy.quietAttempts() && Integer.bitCount(attempt) == 1 || attempt == policy.quietAttempts()) {
        // waiting for another attempt's claim is no failure: said at INFO while nothing else holds the record
        String message = "record {} of key {} still not handled after {} attempts, holding its key: {}";
        Object[] args = {record.sequenceNumber(), LogSafe.redact(record.orderingKey()), attempt,
            LogSafe.redact(String.valueOf(steps.get(0).lastError))};
        if (steps.stream().allMatch(step -> EffectFailure.isDeferral(step.lastError))) {
          LOG.info(message, args);
        } else {
          LOG.warn(message, args);
        }
      }
      Duration wait = Duration.ofMillis(Math.max(1, pauseMillis));
      if (cancellation.isCancelled() || !pause.pause(wait, cancellation)) {
        return false;
      }
    }
  }

  /** One call of one handler; @return true when it did its effect (or decided there was none to do) */
  private boolean deliver(ChangeRecord record, Step step) {
    String name = step.handler.name();
    if (step.failures > 0) {
      metrics.retry(name);
    }
    try {
      HandlerResult result = metrics.timeHandler(name, () -> step.handler.handle(step.event));
      recordResult(name, step.event, result);
      if (result instanceof HandlerResult.Done && record.writtenAt() != null) {
        metrics.writeToEffect(name, Duration.between(record.writtenAt(), clock.instant()));
      }
      if (step.retry != null) {
        step.retry.onComplete();
      }
      return true;
    } catch (RuntimeException e) {
      metrics.handlerResult(name, EffectFailure.isDeferral(e) ? "deferred" : "failed");
      step.failed(e, clock.instant());
      if (step.retry == null) {
        step.retry = retries.context(name);
      }
      long retryAfter = step.retry.onError(e);
      step.retryAfterMillis = retryAfter;
      if (EffectFailure.isSystemic(e)) {
        metrics.systemicFailure(name);
        if (step.failures == 1) {
          LOG.error("handler {} cannot do its work for a reason no retry of this event fixes by itself (permissions, "
              + "credentials, a topic or configuration set gone): holding key {} and alarming "
              + "(shop.handler.systemic.failures) instead of dead-lettering event after event: {}", name,
              LogSafe.redact(record.orderingKey()), LogSafe.redact(e.getMessage()));
        }
      } else if (retryAfter < 0) {
        LOG.error("record {}: handler {} failed permanently for {} {}: dead-lettering ({})", record.sequenceNumber(), name,
            step.event.type().wireName(), step.event.eventId(), LogSafe.redact(e.toString()));
        step.letter = letter(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY, record, step, step.firstFailureAt);
      }
      return false;
    }
  }

  /** @return whether the queue took it; a queue that refuses holds the record (never passed unparked) */
  private boolean park(DeadLetter letter) {
    try {
      deadLetters.park(letter);
    } catch (RuntimeException e) {
      LOG.error("record {}: the dead-letter queue refused it, holding its key: {}", letter.source().sequenceNumber(),
          LogSafe.redact(e.toString()));
      return false;
    }
    metrics.deadLetter(letter.kind().name());
    return true;
  }

  private boolean budgetSpent(Instant firstFailureAt) {
    return Duration.between(firstFailureAt, clock.instant()).compareTo(policy.holdBudget()) >= 0;
  }

  /** Never throws: a record the differ fails on (a bug, not bad data) is rejected, so it is parked, not lost. */
  private DiffOutcome diff(ChangeRecord record) {
    if (record.change() == null) {
      return new DiffOutcome.Rejected(record.malformed());
    }
    try {
      return differ.diff(record.change());
    } catch (RuntimeException e) {
      LOG.error("record {}: the differ failed on it; parking it whole", record.sequenceNumber(), e);
      return new DiffOutcome.Rejected("the differ failed on this record: " + e);
    }
  }

  /**
   * Runs a dead letter's record again, once: a rejected record through the differ and every handler,
   * a failed handler call through that handler only. Nothing is parked again.
   *
   * @return null when it went through, else why it still fails
   */
  public String redrive(DeadLetter letter) {
    DiffOutcome outcome = diff(ChangeRecord.of(letter.record(), letter.source().table(), letter.source().shardId()));
    if (outcome instanceof DiffOutcome.Rejected rejected) {
      return "still rejected: " + rejected.reason();
    }
    if (!(outcome instanceof DiffOutcome.Derived derived)) {
      return "the record is no longer of a known shape";
    }
    try {
      for (DomainEvent event : derived.events()) {
        if (letter.eventId() == null) {
          callOnce(event, router.route(event));
        } else if (event.eventId().equals(letter.eventId())) {
          List<EventHandler> handler = router.handlers().stream().filter(h -> h.name().equals(letter.handler())).toList();
          if (handler.isEmpty()) {
            return "handler '" + letter.handler() + "' is not enabled in this configuration (SHOP_HANDLERS)";
          }
          callOnce(event, handler);
          return null;
        }
      }
    } catch (RuntimeException e) {
      return e.getMessage();
    }
    return letter.eventId() == null ? null : "the record no longer yields event " + letter.eventId();
  }

  private void callOnce(DomainEvent event, List<EventHandler> handlers) {
    for (EventHandler handler : handlers) {
      try {
        recordResult(handler.name(), event, metrics.timeHandler(handler.name(), () -> handler.handle(event)));
      } catch (RuntimeException e) {
        metrics.handlerResult(handler.name(), "failed");
        throw new IllegalStateException("handler " + handler.name() + " failed again: " + e.getMessage(), e);
      }
    }
  }

  private DeadLetter letter(DeadLetter.Kind kind, ChangeRecord record, Step step, Instant firstFailureAt) {
    Throwable error = step.lastError;
    Instant now = clock.instant();
    return new DeadLetter(kind, step.event.metadata().source(), record.raw(), step.handler.name(), step.event.eventId(),
        step.event.type().wireName(), error == null ? "" : error.getClass().getName(), String.valueOf(
            error == null ? null : error.getMessage()), Math.max(step.failures, 1),
        firstFailureAt != null ? firstFailureAt : now, step.lastFailureAt != null ? step.lastFailureAt : now);
  }

  private void recordResult(String handler, DomainEvent event, HandlerResult result) {
    if (result instanceof HandlerResult.NotApplicable notApplicable) {
      metrics.handlerResult(handler, "not-applicable");
      LOG.info("handler {} did nothing for {} {}: {}", handler, event.type().wireName(), event.eventId(),
          notApplicable.reason());
    } else if (result instanceof HandlerResult.AlreadyDone alreadyDone) {
      metrics.handlerResult(handler, "already-done");
      LOG.info("handler {} skipped {} {}: {}", handler, event.type().wireName(), event.eventId(), alreadyDone.detail());
    } else {
      metrics.handlerResult(handler, "done");
    }
  }

  private void noteUnrecognized(String shape) {
    synchronized (shapesSeen) {
      if (shapesSeen.size() < MAX_REMEMBERED_SHAPES && shapesSeen.add(shape)) {
        LOG.warn("skipping items of unknown shape {} (counted in shop.stream.records{outcome=unrecognized}; "
            + "logged once per shape)", shape);
      }
    }
  }

  /** One effect of a record: an event for a handler, or (once it must be parked) a dead letter. */
  private static final class Step {
    final DomainEvent event;
    final EventHandler handler;
    DeadLetter letter;
    int failures;
    /** This call's resilience4j retry, from its first failure on. */
    Retry.AsyncContext<Object> retry;
    /** The pause its retry answered after the last failure. */
    long retryAfterMillis;
    RuntimeException lastError;
    Instant firstFailureAt;
    Instant lastFailureAt;

    private Step(DomainEvent event, EventHandler handler, DeadLetter letter) {
      this.event = event;
      this.handler = handler;
      this.letter = letter;
    }

    static Step deliver(DomainEvent event, EventHandler handler) {
      return new Step(event, handler, null);
    }

    static Step park(DeadLetter letter) {
      return new Step(null, null, letter);
    }

    void failed(RuntimeException error, Instant at) {
      failures++;
      lastError = error;
      firstFailureAt = firstFailureAt == null ? at : firstFailureAt;
      lastFailureAt = at;
    }
  }
}
