package dev.shopstream.pipeline.processing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Handles a shard's batch in order and reports how far it got without a gap. A failed record is
 * tried again, with backoff, until it succeeds or {@code stop} says to give up: the shard holds
 * rather than skip a record (nothing after a failed record counts as handled).
 */
public final class BatchProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

  private final ChangeProcessor changes;
  private final Backoff backoff;
  private final Sleeper sleeper;

  public BatchProcessor(ChangeProcessor changes, Backoff backoff, Sleeper sleeper) {
    this.changes = changes;
    this.backoff = backoff;
    this.sleeper = sleeper;
  }

  /**
   * @return the index of the last record handled with every record before it handled too; -1 if none
   */
  public int process(List<Record> records, String table, String shardId, BooleanSupplier stop) {
    int handled = -1;
    for (int i = 0; i < records.size(); i++) {
      if (stop.getAsBoolean() || !handleWithRetries(records.get(i), table, shardId, stop)) {
        return handled;
      }
      handled = i;
    }
    return handled;
  }

  private boolean handleWithRetries(Record record, String table, String shardId, BooleanSupplier stop) {
    Set<String> completed = new HashSet<>();
    for (int attempt = 1; ; attempt++) {
      try {
        changes.process(record, table, shardId, completed);
        if (attempt > 1) {
          LOG.info("shard {} record {} handled after {} attempts", shardId, sequenceNumber(record), attempt);
        }
        return true;
      } catch (RuntimeException e) {
        var pause = backoff.after(attempt);
        LOG.warn("shard {} record {} attempt {} failed, holding the shard and trying again in {} ms: {}", shardId,
            sequenceNumber(record), attempt, pause.toMillis(), e.toString());
        if (stop.getAsBoolean()) {
          return false;
        }
        try {
          sleeper.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return false;
        }
        if (stop.getAsBoolean()) {
          return false;
        }
      }
    }
  }

  private static String sequenceNumber(Record record) {
    return record.dynamodb() == null ? "?" : record.dynamodb().sequenceNumber();
  }
}
