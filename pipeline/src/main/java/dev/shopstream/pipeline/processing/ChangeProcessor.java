package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.diff.DiffOutcome;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.ops.LogSafe;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.StreamChange;
import dev.shopstream.pipeline.stream.StreamChanges;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Handles one stream record: diff into events, route each event, call each handler (with retries).
 * A rejected record, and a handler call failing permanently, go to the dead-letter queue while the
 * other handlers carry on; a handler still failing retryably throws, and the record stays unhandled.
 */
public final class ChangeProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeProcessor.class);
  private static final int MAX_REMEMBERED_SHAPES = 100;
  private static final String REJECTED = "rejected";

  private final ImageDiffer differ;
  private final EventRouter router;
  private final HandlerInvoker invoker;
  private final DeadLetterQueue deadLetters;
  private final PipelineMetrics metrics;
  private final Clock clock;
  private final Set<String> shapesSeen = Collections.newSetFromMap(new LinkedHashMap<>());

  public ChangeProcessor(ImageDiffer differ, EventRouter router, HandlerInvoker invoker, DeadLetterQueue deadLetters,
      PipelineMetrics metrics, Clock clock) {
    this.differ = differ;
    this.router = router;
    this.invoker = invoker;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * @throws HandlerFailedException when a handler still fails retryably (the record holds the shard);
   *     RuntimeException when the dead-letter queue cannot take a record
   */
  DiffOutcome process(Record record, String table, String shardId, RecordAttempt attempt) {
    DiffOutcome outcome = diff(record, table, shardId);
    if (outcome instanceof DiffOutcome.Rejected rejected) {
      if (!attempt.completed.contains(REJECTED)) {
        park(DeadLetter.rejected(source(record, table, shardId), record, rejected.reason(), clock.instant()));
        attempt.completed.add(REJECTED);
        metrics.record("rejected");
      }
    } else if (outcome instanceof DiffOutcome.Unrecognized unrecognized) {
      metrics.record("unrecognized");
      noteUnrecognized(unrecognized.shape());
    } else if (outcome instanceof DiffOutcome.Derived derived) {
      for (DomainEvent event : derived.events()) {
        deliver(record, event, router.route(event), attempt);
      }
      metrics.record(derived.events().isEmpty() ? "no-event" : "derived");
      derived.events().forEach(event -> metrics.event(event.type()));
    }
    return outcome;
  }

  /** Diffs without side effects (for redrive). */
  DiffOutcome diff(Record record, String table, String shardId) {
    StreamChange change;
    try {
      change = StreamChanges.from(record, table, shardId);
    } catch (IllegalArgumentException e) {
      return new DiffOutcome.Rejected(e.getMessage());
    }
    return differ.diff(change);
  }

  /** Calls {@code handlers} for {@code event}, skipping pairs {@code attempt} already completed. */
  void deliver(Record record, DomainEvent event, List<EventHandler> handlers, RecordAttempt attempt) {
    for (EventHandler handler : handlers) {
      String key = RecordAttempt.key(event.eventId(), handler.name());
      if (attempt.completed.contains(key)) {
        continue;
      }
      HandlerResult result;
      try {
        result = invoker.invoke(handler, event);
      } catch (RuntimeException e) {
        metrics.handlerResult(handler.name(), "failed");
        attempt.failed(clock.instant());
        if (EffectFailure.isRetryable(e)) {
          throw new HandlerFailedException(handler.name(), event, e);
        }
        LOG.error("handler {} failed permanently for {} {}: dead-lettering ({})", handler.name(), event.type().wireName(),
            event.eventId(), LogSafe.redact(e.toString()));
        park(letter(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY, record, event, handler.name(), e, attempt));
        attempt.completed.add(key);
        continue;
      }
      attempt.completed.add(key);
      recordResult(handler.name(), event, result);
    }
  }

  /** Parks the event a handler kept failing on beyond the hold budget, so the record can move on. */
  void parkExhausted(Record record, HandlerFailedException failure, RecordAttempt attempt) {
    park(letter(DeadLetter.Kind.RETRIES_EXHAUSTED, record, failure.event(), failure.handler(), failure.getCause(), attempt));
    attempt.completed.add(RecordAttempt.key(failure.event().eventId(), failure.handler()));
  }

  /**
   * Runs a dead letter's record again: a rejected record through the differ and every handler, a
   * failed handler call through that handler only. Nothing is parked again: what still fails stays
   * where it is.
   *
   * @return null when it went through, else why it still fails
   */
  public String redrive(DeadLetter letter) {
    Record record = letter.record();
    String table = letter.source().table();
    String shardId = letter.source().shardId();
    DiffOutcome outcome = diff(record, table, shardId);
    if (outcome instanceof DiffOutcome.Rejected rejected) {
      return "still rejected: " + rejected.reason();
    }
    if (!(outcome instanceof DiffOutcome.Derived derived)) {
      return "the record is no longer of a known shape";
    }
    RecordAttempt attempt = new RecordAttempt();
    try {
      for (DomainEvent event : derived.events()) {
        if (letter.eventId() == null) {
          deliverOrFail(record, event, router.route(event), attempt);
        } else if (event.eventId().equals(letter.eventId())) {
          List<EventHandler> handler = router.handlers().stream().filter(h -> h.name().equals(letter.handler())).toList();
          if (handler.isEmpty()) {
            return "handler '" + letter.handler() + "' is not enabled in this configuration (SHOP_HANDLERS)";
          }
          deliverOrFail(record, event, handler, attempt);
          return null;
        }
      }
    } catch (RuntimeException e) {
      return e.getMessage();
    }
    return letter.eventId() == null ? null : "the record no longer yields event " + letter.eventId();
  }

  private void deliverOrFail(Record record, DomainEvent event, List<EventHandler> handlers, RecordAttempt attempt) {
    for (EventHandler handler : handlers) {
      try {
        recordResult(handler.name(), event, invoker.invoke(handler, event));
      } catch (RuntimeException e) {
        metrics.handlerResult(handler.name(), "failed");
        throw new IllegalStateException("handler " + handler.name() + " failed again: " + e.getMessage(), e);
      }
    }
  }

  private DeadLetter letter(DeadLetter.Kind kind, Record record, DomainEvent event, String handler, Throwable error,
      RecordAttempt attempt) {
    return new DeadLetter(kind, event.metadata().source(), record, handler, event.eventId(), event.type().wireName(),
        error.getClass().getName(), String.valueOf(error.getMessage()), Math.max(attempt.attempts, 1),
        attempt.firstFailureAt != null ? attempt.firstFailureAt : clock.instant(),
        attempt.lastFailureAt != null ? attempt.lastFailureAt : clock.instant());
  }

  private void park(DeadLetter letter) {
    deadLetters.park(letter);
    metrics.deadLetter(letter.kind().name());
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

  private static EventSource source(Record record, String table, String shardId) {
    String sequenceNumber = record.dynamodb() != null && record.dynamodb().sequenceNumber() != null
        ? record.dynamodb().sequenceNumber() : "unknown";
    return new EventSource(table, shardId, sequenceNumber);
  }

  private void noteUnrecognized(String shape) {
    synchronized (shapesSeen) {
      if (shapesSeen.size() < MAX_REMEMBERED_SHAPES && shapesSeen.add(shape)) {
        LOG.warn("skipping items of unknown shape {} (counted in shop.stream.records{outcome=unrecognized}; "
            + "logged once per shape)", shape);
      }
    }
  }
}
