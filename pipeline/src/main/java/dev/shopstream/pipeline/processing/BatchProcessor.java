package dev.shopstream.pipeline.processing;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import dev.shopstream.pipeline.ops.LogSafe;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Handles a shard's batch in order and reports how far it got without a gap. A record whose handler
 * keeps failing retryably holds the shard: it is tried again with backoff until it succeeds, the
 * worker stops, or the hold budget runs out, when the failing event is dead-lettered and the record
 * moves on. A failure to write the dead-letter queue itself holds the shard without limit.
 */
public final class BatchProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

  private final ChangeProcessor changes;
  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final Clock clock;

  public BatchProcessor(ChangeProcessor changes, RetryPolicy policy, Sleeper sleeper, Clock clock) {
    this.changes = changes;
    this.policy = policy;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  /**
   * @return the index of the last record handled with every record before it handled too; -1 if none
   */
  public int process(List<Record> records, String table, String shardId, BooleanSupplier stop) {
    return process(records, table, shardId, stop, index -> { });
  }

  /**
   * @param progress told the index of each record once it and every record before it are handled,
   *     so the caller can checkpoint inside a long batch
   */
  public int process(List<Record> records, String table, String shardId, BooleanSupplier stop, IntConsumer progress) {
    int handled = -1;
    for (int i = 0; i < records.size(); i++) {
      if (stop.getAsBoolean() || !handleWithRetries(records.get(i), table, shardId, stop)) {
        return handled;
      }
      handled = i;
      progress.accept(i);
    }
    return handled;
  }

  private boolean handleWithRetries(Record record, String table, String shardId, BooleanSupplier stop) {
    MDC.put("shard", shardId);
    MDC.put("sequenceNumber", sequenceNumber(record));
    try {
      return retryUntilHandled(record, table, shardId, stop);
    } finally {
      MDC.remove("shard");
      MDC.remove("sequenceNumber");
    }
  }

  private boolean retryUntilHandled(Record record, String table, String shardId, BooleanSupplier stop) {
    RecordAttempt attempt = new RecordAttempt();
    Backoff backoff = policy.backoff();
    for (int round = 1; ; round++) {
      attempt.attempts++;
      try {
        changes.process(record, table, shardId, attempt);
        if (round > 1) {
          LOG.info("shard {} record {} handled after {} rounds", shardId, sequenceNumber(record), round);
        }
        return true;
      } catch (HandlerFailedException e) {
        if (holdBudgetSpent(attempt)) {
          LOG.error("shard {} record {}: handler {} still failing after {} (hold budget spent): dead-lettering its event {}",
              shardId, sequenceNumber(record), e.handler(), Duration.between(attempt.firstFailureAt, clock.instant()),
              e.event().eventId());
          try {
            changes.parkExhausted(record, e, attempt);
            continue;
          } catch (RuntimeException parkFailure) {
            LOG.error("shard {} record {}: the dead-letter queue refused it too; holding the shard: {}", shardId,
                sequenceNumber(record), LogSafe.redact(parkFailure.toString()));
          }
        } else {
          LOG.warn("shard {} record {} round {} failed, holding the shard: {}", shardId, sequenceNumber(record), round,
              LogSafe.redact(e.getMessage()));
        }
      } catch (RuntimeException e) {
        LOG.error("shard {} record {} round {} failed, holding the shard: {}", shardId, sequenceNumber(record), round,
            LogSafe.redact(e.toString()));
      }
      if (stop.getAsBoolean() || !pause(backoff.after(round))) {
        return false;
      }
      if (stop.getAsBoolean()) {
        return false;
      }
    }
  }

  private boolean holdBudgetSpent(RecordAttempt attempt) {
    return attempt.firstFailureAt != null
        && Duration.between(attempt.firstFailureAt, clock.instant()).compareTo(policy.holdBudget()) >= 0;
  }

  private boolean pause(Duration duration) {
    try {
      sleeper.sleep(duration);
      return true;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String sequenceNumber(Record record) {
    return record.dynamodb() == null ? "?" : record.dynamodb().sequenceNumber();
  }
}
