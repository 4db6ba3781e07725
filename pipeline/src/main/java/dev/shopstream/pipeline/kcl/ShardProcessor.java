package dev.shopstream.pipeline.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import com.amazonaws.services.dynamodbv2.streamsadapter.processor.DynamoDBStreamsShardRecordProcessor;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.KeyOrderedWindow;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.ShardLeases;
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
 * checkpointed, and SHARD_END only when every record KCL delivered was offered and handled.
 *
 * <p>It registers its lease with its epoch ({@link ShardLeases}) so effects are admitted under it, and
 * while it waits (a full window, the shard's end) it asks KCL's lease coordinator every
 * {@value #OFFER_WAIT_MILLIS} ms whether the lease is still held: a lease lost during a long hold stops
 * the shard within the coordinator's renewal interval, with no checkpoint write needed to find out.
 */
final class ShardProcessor implements DynamoDBStreamsShardRecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(ShardProcessor.class);
  static final long OFFER_WAIT_MILLIS = 100;
  private static final Duration OFFER_WAIT = Duration.ofMillis(OFFER_WAIT_MILLIS);

  private final ShardProcessorFactory shared;

  private String shardId = "?";
  private Cancellation cancellation;
  private volatile boolean shutdownRequested;
  private KeyOrderedWindow<ChangeRecord> window;
  private Instant lastCheckpointAt = Instant.MIN;
  private volatile boolean leaseLost;
  private String checkpointedUpTo;
  private long reportedHandled;
  private ShardLeases.Registration lease;
  private ShardProgress.Tracker progress;
  /** A batch (or part of one) KCL delivered was not offered: the shard's end must never be checkpointed. */
  private volatile boolean skipped;
  private volatile Instant failedAt;

  ShardProcessor(ShardProcessorFactory shared) {
    this.shared = shared;
  }

  @Override
  public void initialize(InitializationInput input) {
    shardId = input.shardId();
    cancellation = shared.stopping().child();
    window = new KeyOrderedWindow<>(shared.maxInFlight(), shared.maxInFlightBytes(), ShardProcessor::sizeBytes,
        ChangeRecord::orderingKey, this::handle, shared.executor(), this::escaped, shared.clock());
    progress = shared.progress().track(shardId, this::pending,
        () -> new ShardProgress.Occupancy(window.size(), window.heldBytes()));
    lastCheckpointAt = shared.clock().instant();
    LeaseSource.HeldLease held = shared.leaseSource().current(shardId);
    if (held == null) {
      leaseLost = true;
      cancellation.cancel("lease not held when the shard's processing started");
      LOG.warn("shard {}: its lease was no longer held when its processing started; nothing is processed here",
          shardId);
      return;
    }
    lease = shared.leases().register(shardId, held.epoch(), cancellation, held.holding());
    LOG.info("shard {} taken (lease epoch {}), starting after checkpoint {}", shardId, held.epoch(),
        input.extendedSequenceNumber());
    progress.taken();
  }

  /** One record's work; an Error halts the worker unless the record has done so on too many starts already. */
  private boolean handle(ChangeRecord record) {
    try {
      return shared.records().process(record, cancellation) == RecordProcessor.Outcome.HANDLED;
    } catch (Error e) {
      if (shared.repeatedErrors().parked(record, e)) {
        return true;
      }
      throw e;
    }
  }

  /** A record's size as DynamoDB counts it (keys and images); an unknown size counts as 1 KiB. */
  private static long sizeBytes(ChangeRecord record) {
    var data = record.raw().dynamodb();
    Long size = data == null ? null : data.sizeBytes();
    return size == null ? 1024 : size;
  }

  /** What the shard holds for the progress report: its oldest unhandled record, or since when it is failed. */
  private ShardProgress.Pending pending() {
    var oldest = window.oldestUnhandled();
    if (oldest != null) {
      return new ShardProgress.Pending(oldest.item().writtenAt(), oldest.takenAt());
    }
    Instant failed = failedAt;
    return failed == null ? null : new ShardProgress.Pending(null, failed);
  }

  /**
   * Never throws: KCL skips a batch whose processing threw. A RuntimeException holds the shard: its work
   * is cancelled, no later batch is taken, nothing is checkpointed past the watermark and its end is never
   * checkpointed; its holding time grows from the failure on (the readiness check reports it); an Error
   * halts the worker.
   */
  @Override
  public void processRecords(DynamoDBStreamsProcessRecordsInput input) {
    try {
      offer(input);
    } catch (RuntimeException e) {
      skipped = true;
      failedAt = shared.clock().instant();
      LOG.error("shard {}: processing failed unexpectedly; holding the shard at checkpoint {} until the worker "
          + "restarts", shardId, checkpointedUpTo, e);
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
      skipped |= !input.records().isEmpty();
      return;
    }
    if (!shared.selected().test(shardId)) {
      progress.batch(0L, true);
      return;
    }
    progress.batch(input.millisBehindLatest(), input.records().isEmpty());
    try {
      for (DynamoDBStreamsClientRecord received : input.records()) {
        ChangeRecord record = ChangeRecord.of(received.getRecord(), shared.table(), shardId);
        while (!window.offer(record, OFFER_WAIT)) {
          if (cancellation.isCancelled() || !stillHeld()) {
            skipped = true;
            LOG.info("shard {}: {}; records from {} on are redelivered from the checkpoint", shardId,
                cancellation.reason(), record.sequenceNumber());
            checkpoint(input.checkpointer());
            return;
          }
          checkpointIfDue(input.checkpointer());
        }
        checkpointIfDue(input.checkpointer());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      skipped = true;
      cancellation.cancel("interrupted");
    }
    checkpoint(input.checkpointer());
  }

  /**
   * Whether the lease is still this processor's, by KCL's lease coordinator (from memory, no call):
   * false once it was not renewed in time or another worker took it, which also cancels the shard's work.
   */
  private boolean stillHeld() {
    if (lease == null || !lease.check()) {
      leaseLost = true;
      return false;
    }
    return true;
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
    shared.leases().release(lease);
    progress.released();
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
      while (!window.awaitQuiet(OFFER_WAIT)) {
        if (!stillHeld()) {
          break;
        }
        checkpointIfDue(input.checkpointer());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancellation.cancel("interrupted");
    }
    try {
      if (leaseLost || skipped || !window.allHandled()) {
        checkpoint(input.checkpointer());
        progress.released();
        LOG.warn("shard {} ended but records were left unhandled ({}): not checkpointing SHARD_END", shardId,
            skipped ? "a batch was not taken in: " + cancellation.reason() : cancellation.reason());
        return;
      }
      reportProgress();
      input.checkpointer().checkpoint();
      progress.ended();
      LOG.info("shard {} ended and is fully handled: checkpointed SHARD_END", shardId);
    } catch (ShutdownException | InvalidStateException e) {
      LOG.error("shard {}: could not checkpoint SHARD_END; its child shards wait until it is", shardId, e);
    } finally {
      // over only once its last checkpoint is written: a stopping worker waits for that
      shared.leases().release(lease);
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
    shared.leases().release(lease);
    shared.stopping().release(cancellation);
    progress.released();
    LOG.info("shard {}: stopping, checkpointed {}", shardId,
        checkpointedUpTo == null ? "nothing new (no record handled since the last checkpoint)"
            : "up to " + checkpointedUpTo);
  }

  /** Checkpoints at most once per interval (an unmoved watermark is not written again). */
  private void checkpointIfDue(RecordProcessorCheckpointer checkpointer) {
    Instant now = shared.clock().instant();
    if (now.isBefore(lastCheckpointAt.plus(shared.checkpointInterval()))) {
      return;
    }
    lastCheckpointAt = now;
    checkpoint(checkpointer);
  }

  private void reportProgress() {
    ChangeRecord watermark = window.watermark();
    long handled = window.handledCount();
    if (handled > reportedHandled) {
      progress.handled(watermark == null ? null : watermark.writtenAt(), handled - reportedHandled);
      reportedHandled = handled;
    }
  }

  private void checkpoint(RecordProcessorCheckpointer checkpointer) {
    reportProgress();
    ChangeRecord watermark = window.watermark();
    if (leaseLost || watermark == null || watermark.sequenceNumber().equals(checkpointedUpTo)) {
      return;
    }
    String position = watermark.sequenceNumber();
    try {
      checkpointer.checkpoint(position);
      checkpointedUpTo = position;
      lastCheckpointAt = shared.clock().instant();
      shared.metrics().checkpoint();
      progress.checkpointed();
    } catch (ShutdownException e) {
      leaseLost = true;
      cancellation.cancel("lease lost");
      LOG.info("shard {}: lease gone while checkpointing {}; another worker resumes from its checkpoint",
          shardId, position);
    } catch (ThrottlingException | KinesisClientLibDependencyException e) {
      LOG.warn("shard {}: checkpoint {} failed ({}); the next batch checkpoints again", shardId,
          position, e.toString());
    } catch (InvalidStateException e) {
      LOG.error("shard {}: checkpoint {} rejected by the lease table", shardId, position, e);
    }
  }
}
