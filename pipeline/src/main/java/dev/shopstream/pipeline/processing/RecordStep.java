package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.stream.ChangeRecord;
import io.github.resilience4j.retry.Retry;
import java.time.Instant;

/**
 * One effect of a record in the {@link RecordLoop}: an event for a handler, or (once it must be parked) a
 * dead letter; with the failures of its calls so far. Used by one record's loop at a time.
 */
final class RecordStep {
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

  private RecordStep(DomainEvent event, EventHandler handler, DeadLetter letter) {
    this.event = event;
    this.handler = handler;
    this.letter = letter;
  }

  static RecordStep deliver(DomainEvent event, EventHandler handler) {
    return new RecordStep(event, handler, null);
  }

  static RecordStep park(DeadLetter letter) {
    return new RecordStep(null, null, letter);
  }

  void failed(RuntimeException error, Instant at) {
    failures++;
    lastError = error;
    firstFailureAt = firstFailureAt == null ? at : firstFailureAt;
    lastFailureAt = at;
  }

  /** This (event, handler) pair's dead letter, with its last error and attempts. */
  DeadLetter deadLetter(DeadLetter.Kind kind, ChangeRecord record, Instant firstFailureAt, Instant now) {
    Throwable error = lastError;
    return new DeadLetter(kind, event.metadata().source(), record.raw(), handler.name(), event.eventId(),
        event.type().wireName(), error == null ? "" : error.getClass().getName(), String.valueOf(
            error == null ? null : error.getMessage()), Math.max(failures, 1),
        firstFailureAt != null ? firstFailureAt : now, lastFailureAt != null ? lastFailureAt : now);
  }
}
