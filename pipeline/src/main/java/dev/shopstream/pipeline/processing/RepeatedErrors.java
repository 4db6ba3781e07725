package dev.shopstream.pipeline.processing;

import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.dlq.ErrorStarts;
import dev.shopstream.pipeline.stream.ChangeRecord;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The escape valve for a record whose handling throws a JVM Error every time (a handler's deterministic
 * StackOverflowError, a class missing for one event shape): the worker halts on an Error, restarts from
 * its checkpoint and meets the same record again, for ever. Each Error is counted durably per record;
 * on the {@code parkAfter}-th the record is parked whole ({@link DeadLetter.Kind#WORKER_ERROR}) and
 * counts as handled, so the shard moves on. Anything going wrong here (the count or the park fails, as
 * it may when the JVM is out of memory) leaves the halt as it was: nothing is passed unparked.
 */
public final class RepeatedErrors {
  private static final Logger LOG = LoggerFactory.getLogger(RepeatedErrors.class);

  /** Never parks: every Error halts (tests, tools). */
  public static final RepeatedErrors NEVER = new RepeatedErrors((source, error) -> 0, letter -> {
    throw new IllegalStateException("never parks");
  }, Integer.MAX_VALUE, Clock.systemUTC());

  private final ErrorStarts starts;
  private final DeadLetterQueue deadLetters;
  private final int parkAfter;
  private final Clock clock;

  /** @param parkAfter the count of Errors (one per start of the worker) at which the record is parked */
  public RepeatedErrors(ErrorStarts starts, DeadLetterQueue deadLetters, int parkAfter, Clock clock) {
    if (parkAfter < 1) {
      throw new IllegalArgumentException("parkAfter must be at least 1, got " + parkAfter);
    }
    this.starts = starts;
    this.deadLetters = deadLetters;
    this.parkAfter = parkAfter;
    this.clock = clock;
  }

  /** @return true when the record was parked (it counts as handled); false: the worker halts as before */
  public boolean parked(ChangeRecord record, Error error) {
    if (parkAfter == Integer.MAX_VALUE) {
      return false;
    }
    long count;
    try {
      count = starts.countOne(record.source(), error);
    } catch (RuntimeException e) {
      LOG.error("record {}: could not count its Error ({}); halting", record.sequenceNumber(), e.toString());
      return false;
    }
    if (count < parkAfter) {
      LOG.error("record {} of shard {} threw {} ({} of {} starts before it is parked instead of halting the worker)",
          record.sequenceNumber(), record.source().shardId(), error, count, parkAfter);
      return false;
    }
    Instant now = clock.instant();
    DeadLetter letter = new DeadLetter(DeadLetter.Kind.WORKER_ERROR, record.source(), record.raw(), null, null, null,
        error.getClass().getName(), "handling the record threw " + error + " on " + count
            + " consecutive starts of the worker", (int) Math.min(count, Integer.MAX_VALUE), now, now);
    try {
      deadLetters.park(letter);
    } catch (RuntimeException e) {
      LOG.error("record {}: could not park it after {} Errors ({}); halting", record.sequenceNumber(), count,
          e.toString());
      return false;
    }
    LOG.error("record {} of shard {} parked whole (WORKER_ERROR) after {} on {} consecutive starts; the shard "
        + "moves on", record.sequenceNumber(), record.source().shardId(), error, count);
    return true;
  }
}
