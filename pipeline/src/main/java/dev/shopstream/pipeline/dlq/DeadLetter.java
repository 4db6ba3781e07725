package dev.shopstream.pipeline.dlq;

import dev.shopstream.contracts.EventSource;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * A stream record the worker could not fully handle, with everything needed to act on it: the
 * whole record (both images), where it was in the stream, which handler and event failed (none for a
 * rejected record), the error, how often it was tried and when.
 *
 * @param handler null for a whole record ({@link Kind#wholeRecord})
 * @param eventId null for a whole record
 * @param eventType null for a whole record
 */
public record DeadLetter(
    Kind kind,
    EventSource source,
    Record record,
    String handler,
    String eventId,
    String eventType,
    String errorClass,
    String errorMessage,
    int attempts,
    Instant firstFailureAt,
    Instant lastFailureAt) {

  /**
   * Version of the message format on the queue; bump on incompatible change. 2 added records stored
   * outside the message (recordEncoding {@code s3} and {@code stream-reference}); version 1 is still read.
   */
  public static final int FORMAT_VERSION = 2;

  /** Why the record is here. */
  public enum Kind {
    /** The differ refused the record (a known item that breaks the model); no handler ran. */
    REJECTED_RECORD,
    /** A handler failed with an error classified permanent (validation, bad address, contract). */
    HANDLER_FAILED_PERMANENTLY,
    /** A handler kept failing with retryable errors beyond the hold budget. */
    RETRIES_EXHAUSTED,
    /**
     * Handling the record threw a JVM Error (which halts the worker) on as many consecutive starts as
     * {@code SHOP_ERROR_STARTS_BEFORE_PARKING}: parked whole instead of halting every start for ever.
     */
    WORKER_ERROR;

    /** Letters of this kind carry the whole record, no single handler's event; a redrive runs every handler. */
    public boolean wholeRecord() {
      return this == REJECTED_RECORD || this == WORKER_ERROR;
    }
  }

  public DeadLetter {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(errorMessage, "errorMessage");
    Objects.requireNonNull(firstFailureAt, "firstFailureAt");
    Objects.requireNonNull(lastFailureAt, "lastFailureAt");
    if (kind.wholeRecord() != (handler == null)) {
      throw new IllegalArgumentException("a " + kind + " dead letter " + (handler == null ? "needs" : "has no")
          + " handler");
    }
  }

  /** The same letter around another form of its record (the full record fetched for a stored one). */
  public DeadLetter withRecord(Record full) {
    return new DeadLetter(kind, source, full, handler, eventId, eventType, errorClass, errorMessage, attempts,
        firstFailureAt, lastFailureAt);
  }

  public static DeadLetter rejected(EventSource source, Record record, String reason, Instant at) {
    return new DeadLetter(Kind.REJECTED_RECORD, source, record, null, null, null, null, reason, 1, at, at);
  }
}
