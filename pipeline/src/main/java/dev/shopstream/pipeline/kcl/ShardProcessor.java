package dev.shopstream.pipeline.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import com.amazonaws.services.dynamodbv2.streamsadapter.processor.DynamoDBStreamsShardRecordProcessor;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.KeyOrderedWindow;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.pipeline.stream.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;

/**
 * KCL's processor for one shard, the KCL edge and the only place that checkpoints. It converts each
 * record once, offers it to the shard's {@link KeyOrderedWindow} (blocking while the window is full,
 * so KCL fetches no more) and checkpoints the window's watermark, the last record of the unbroken
 * handled run: at the end of each batch and, while it waits for room, at most every checkpoint
 * interval. A lost lease or a stopping worker cancels the shard's work; after a lost lease nothing is
 * checkpointed, and SHARD_END only when every record of the shard was handled.
 */
final class ShardProcessor implements DynamoDBStreamsShardRecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(ShardProcessor.class);
  private static final Duration OFFER_WAIT = Duration.ofMillis(100);
  private static final Duration QUIET_WAIT = Duration.ofSeconds(1);

  private final ShardProcessorFactory shared;

  private String shardId = "?";
  private Cancellation cancellation;
  private volatile boolean shutdownRequested;
  private KeyOrderedWindow<ChangeRecord> window;
  private Instant lastCheckpointAt = Instant.MIN;
  private volatile boolean leaseLost;
  private String checkpointedUpTo;
  private long reportedHandled;

  ShardProcessor(ShardProcessorFactory shared) {
    this.shared = shared;
  }

  @Override
  public void initialize(InitializationInput input) {
    shardId = input.shardId();
    cancellation = shared.stopping().child();
    window = new KeyOrderedWindow<>(shared.maxInFlight(), ChangeRecord::orderingKey,
        record -> shared.records().process(record, cancellation) == RecordProcessor.Outcome.HANDLED, shared.executor(),
        this::escaped, shared.clock());
    shared.progress().engine(shardId, () -> {
      var oldest = window.oldestUnhandled();
      return oldest == null ? null : new ShardProgress.Pending(oldest.item().writtenAt(), oldest.takenAt());
    });
    lastCheckpointAt = shared.clock().instant();
    LOG.info("shard {} taken, starting after checkpoint {}", shardId, input.extendedSequenceNumber());
  }

  /**
   * Never throws: KCL skips a batch whose processing threw. A RuntimeException holds the shard (its
   * work is cancelled, nothing more is checkpointed past the watermark); an Error halts the worker.
   */
  @Override
  public void processRecords(DynamoDBStreamsProcessRecordsInput input) {
    try {
      offer(input);
    } catch (RuntimeException e) {
      LOG.error("shard {}: processing failed unexpectedly; holding the shard at checkpoint {} until the worker restarts",
          shardId, checkpointedUpTo, e);
      cancellation.cancel("internal failure: " + e);
    } catch (Error e) {
      shared.fatal().accept(e);
      throw e;
    }
  }

  /** A record's work threw past the record loop: an Error halts the worker; anything else leaves its key held. */
  private void escaped(Throwable failure) {
    if (failure instanceof Error error) {
      shared.fatal().accept(error);
    }
  }

  private void offer(DynamoDBStreamsProcessRecordsInput input) {
    if (cancellation.isCancelled()) {
      return;
    }
    if (!shared.selected().test(shardId)) {
      shared.progress().batch(shardId, 0L, true);
      return;
    }
    shared.progress().batch(shardId, input.millisBehindLatest(), input.records().isEmpty());
    try {
      for (DynamoDBStreamsClientRecord received : input.records()) {
        ChangeRecord record = ChangeRecord.of(received.getRecord(), shared.table(), shardId);
        while (!window.offer(record, OFFER_WAIT)) {
          if (cancellation.isCancelled()) {
            LOG.info("shard {}: {}; records from {} on are redelivered from the checkpoint", shardId,
                cancellation.reason(), record.sequenceNumber());
            checkpoint(input.checkpointer());
            return;
          }
          // KCL cannot tell this thread of a lost lease while it waits here: the checkpoint, written
          // again even when it has not moved, finds out within one interval.
          checkpointIfDue(input.checkpointer(), true);
        }
        checkpointIfDue(input.checkpointer(), false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancellation.cancel("interrupted");
    }
    checkpoint(input.checkpointer());
  }

  /**
   * False until KCL initialises this processor. KCL shuts down consumers it created but never started
   * (a child shard waiting for its parent when the worker stops or loses the lease) by calling
   * leaseLost or shutdownRequested on a processor it never initialised: nothing was read, so there is
   * nothing to stop or checkpoint.
   */
  private boolean initialized() {
    if (cancellation == null) {
      LOG.debug("shard {}: shut down before it started", shardId);
      return false;
    }
    return true;
  }

  @Override
  public void leaseLost(LeaseLostInput input) {
    if (!initialized()) {
      return;
    }
    boolean shuttingDown = shutdownRequested || shared.stopping().isCancelled();
    leaseLost = true;
    cancellation.cancel("lease lost");
    shared.stopping().release(cancellation);
    shared.progress().released(shardId);
    if (shuttingDown) {
      // KCL reports the lease it releases on a graceful stop as lost: expected, already checkpointed
      LOG.debug("shard {}: lease released after the shutdown checkpoint", shardId);
    } else {
      LOG.warn("shard {}: lease lost to another worker (or not renewed in time), its in-flight records stop and "
          + "nothing more is checkpointed here", shardId);
    }
  }

  @Override
  public void shardEnded(ShardEndedInput input) {
    if (!initialized()) {
      return; // never read: its end is not checkpointed, its children wait
    }
    try {
      while (!window.awaitQuiet(QUIET_WAIT)) {
        checkpointIfDue(input.checkpointer(), false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancellation.cancel("interrupted");
    }
    try {
      if (leaseLost || !window.allHandled()) {
        checkpoint(input.checkpointer());
        shared.progress().released(shardId);
        LOG.warn("shard {} ended but records were left unhandled ({}): not checkpointing SHARD_END", shardId,
            cancellation.reason());
        return;
      }
      reportProgress();
      input.checkpointer().checkpoint();
      shared.progress().ended(shardId);
      LOG.info("shard {} ended and is fully handled: checkpointed SHARD_END", shardId);
    } catch (ShutdownException | InvalidStateException e) {
      LOG.error("shard {}: could not checkpoint SHARD_END; its child shards wait until it is", shardId, e);
    } finally {
      // over only once its last checkpoint is written: a stopping worker waits for that
      shared.stopping().release(cancellation);
    }
  }

  @Override
  public void shutdownRequested(ShutdownRequestedInput input) {
    if (!initialized()) {
      return;
    }
    shutdownRequested = true;
    cancellation.cancel("shutdown requested");
    try {
      if (!window.awaitQuiet(shared.drainTimeout())) {
        LOG.warn("shard {}: in-flight records still running after {} s; checkpointing what is handled",
            shardId, shared.drainTimeout().toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkpoint(input.checkpointer());
    shared.stopping().release(cancellation);
    shared.progress().released(shardId);
    LOG.info("shard {}: stopping, checkpointed {}", shardId,
        checkpointedUpTo == null ? "nothing new (no record handled since the last checkpoint)" : "up to " + checkpointedUpTo);
  }

  /**
   * Checkpoints at most once per interval (an unmoved watermark is not looked at again before the
   * next one). {@code probeLease} writes the checkpoint even when it has not moved: a lost lease makes
   * the write fail, which is how a shard waiting for room learns of it.
   */
  private void checkpointIfDue(RecordProcessorCheckpointer checkpointer, boolean probeLease) {
    Instant now = shared.clock().instant();
    if (now.isBefore(lastCheckpointAt.plus(shared.checkpointInterval()))) {
      return;
    }
    lastCheckpointAt = now;
    checkpoint(checkpointer, probeLease);
  }

  private void reportProgress() {
    ChangeRecord watermark = window.watermark();
    long handled = window.handledCount();
    if (handled > reportedHandled) {
      shared.progress().handled(shardId, watermark == null ? null : watermark.writtenAt(), handled - reportedHandled);
      reportedHandled = handled;
    }
  }

  private void checkpoint(RecordProcessorCheckpointer checkpointer) {
    checkpoint(checkpointer, false);
  }

  private void checkpoint(RecordProcessorCheckpointer checkpointer, boolean evenIfUnmoved) {
    reportProgress();
    ChangeRecord watermark = window.watermark();
    if (leaseLost || watermark == null || !evenIfUnmoved && watermark.sequenceNumber().equals(checkpointedUpTo)) {
      return;
    }
    String position = watermark.sequenceNumber();
    try {
      checkpointer.checkpoint(position);
      checkpointedUpTo = position;
      lastCheckpointAt = shared.clock().instant();
      shared.metrics().checkpoint();
      shared.progress().checkpointed(shardId);
    } catch (ShutdownException e) {
      leaseLost = true;
      cancellation.cancel("lease lost");
      LOG.info("shard {}: lease gone while checkpointing {}; another worker resumes from its checkpoint", shardId, position);
    } catch (ThrottlingException | KinesisClientLibDependencyException e) {
      LOG.warn("shard {}: checkpoint {} failed ({}); the next batch checkpoints again", shardId, position, e.toString());
    } catch (InvalidStateException e) {
      LOG.error("shard {}: checkpoint {} rejected by the lease table", shardId, position, e);
    }
  }
}
