package dev.shopstream.pipeline.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import com.amazonaws.services.dynamodbv2.streamsadapter.processor.DynamoDBStreamsShardRecordProcessor;
import dev.shopstream.pipeline.processing.BatchProcessor;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.ShardProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Record;
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
 * KCL's processor for one shard: hands each batch to the {@link BatchProcessor} and checkpoints
 * exactly the unbroken run of handled records, at the end of each batch and, inside a long one, at
 * most every checkpoint interval (so a crash redelivers little). Once the worker stops or the lease is lost it takes
 * no further records, so nothing after an unhandled record is ever checkpointed.
 */
final class ShardProcessor implements DynamoDBStreamsShardRecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(ShardProcessor.class);

  private final ShardProcessorFactory shared;

  private String shardId = "?";
  private Instant lastCheckpointAt = Instant.MIN;
  private volatile boolean leaseLost;
  /** A batch was left part-handled: nothing after it may be checkpointed, not even SHARD_END. */
  private volatile boolean holding;
  private volatile String handledUpTo;
  private volatile String checkpointedUpTo;

  ShardProcessor(ShardProcessorFactory shared) {
    this.shared = shared;
  }

  @Override
  public void initialize(InitializationInput input) {
    shardId = input.shardId();
    lastCheckpointAt = shared.clock().instant();
    LOG.info("shard {} taken, starting after checkpoint {}", shardId, input.extendedSequenceNumber());
  }

  @Override
  public void processRecords(DynamoDBStreamsProcessRecordsInput input) {
    if (mustNotProceed()) {
      return;
    }
    List<DynamoDBStreamsClientRecord> records = input.records();
    if (!shared.selected().test(shardId)) {
      shared.progress().batch(shardId, 0L, true);
      return;
    }
    shared.progress().batch(shardId, input.millisBehindLatest(), records.isEmpty());
    List<Record> changes = records.stream().map(DynamoDBStreamsClientRecord::getRecord).toList();
    int handled = shared.batches().process(changes, shared.table(), shardId, this::mustNotProceed, index -> {
      handledUpTo = records.get(index).sequenceNumber();
      shared.progress().handled(shardId, changes.get(index).dynamodb() == null ? null
          : changes.get(index).dynamodb().approximateCreationDateTime());
      if (!shared.clock().instant().isBefore(lastCheckpointAt.plus(shared.checkpointInterval()))) {
        checkpoint(input.checkpointer());
      }
    });
    if (handled < records.size() - 1) {
      holding = true;
      LOG.warn("shard {}: stopped after {} of {} records (stopping={}, leaseLost={}); the rest is redelivered from "
          + "the checkpoint", shardId, handled + 1, records.size(), shared.workerStopping().getAsBoolean(), leaseLost);
    }
    if (handled >= 0) {
      handledUpTo = records.get(handled).sequenceNumber();
      checkpoint(input.checkpointer());
    }
  }

  @Override
  public void leaseLost(LeaseLostInput input) {
    leaseLost = true;
    LOG.info("shard {}: lease lost, no further checkpoints from this worker", shardId);
  }

  @Override
  public void shardEnded(ShardEndedInput input) {
    if (holding || leaseLost) {
      LOG.warn("shard {} ended but records were left unhandled: not checkpointing SHARD_END", shardId);
      return;
    }
    try {
      input.checkpointer().checkpoint();
      shared.progress().ended(shardId);
      LOG.info("shard {} ended and is fully handled: checkpointed SHARD_END", shardId);
    } catch (ShutdownException | InvalidStateException e) {
      LOG.error("shard {}: could not checkpoint SHARD_END; its child shards wait until it is", shardId, e);
    }
  }

  @Override
  public void shutdownRequested(ShutdownRequestedInput input) {
    LOG.info("shard {}: shutdown requested, checkpoint covers records up to {}", shardId, handledUpTo);
    checkpoint(input.checkpointer());
  }

  private boolean mustNotProceed() {
    return holding || leaseLost || shared.workerStopping().getAsBoolean();
  }

  private void checkpoint(RecordProcessorCheckpointer checkpointer) {
    if (leaseLost || handledUpTo == null || handledUpTo.equals(checkpointedUpTo)) {
      return;
    }
    try {
      String position = handledUpTo;
      checkpointer.checkpoint(position);
      checkpointedUpTo = position;
      lastCheckpointAt = shared.clock().instant();
      shared.metrics().checkpoint();
      shared.progress().checkpointed(shardId);
    } catch (ShutdownException e) {
      leaseLost = true;
      LOG.info("shard {}: lease gone while checkpointing {}; another worker resumes from its checkpoint", shardId, handledUpTo);
    } catch (ThrottlingException | KinesisClientLibDependencyException e) {
      LOG.warn("shard {}: checkpoint {} failed ({}); the next batch checkpoints again", shardId, handledUpTo, e.toString());
    } catch (InvalidStateException e) {
      LOG.error("shard {}: checkpoint {} rejected by the lease table", shardId, handledUpTo, e);
    }
  }
}
