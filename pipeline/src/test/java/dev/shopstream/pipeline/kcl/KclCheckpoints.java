package dev.shopstream.pipeline.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import dev.shopstream.pipeline.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.kinesis.checkpoint.Checkpoint;
import software.amazon.kinesis.checkpoint.ShardRecordProcessorCheckpointer;
import software.amazon.kinesis.exceptions.KinesisClientLibException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.leases.ShardInfo;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.Checkpointer;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * KCL's own {@link ShardRecordProcessorCheckpointer} (it decides what is written: it skips a value equal
 * to the last one written and refuses one that goes backwards or past the batch), over a lease table in
 * memory that can be told the lease is gone (KCL's DynamoDB checkpointer then throws ShutdownException)
 * or that the write is throttled. Batches and the shard's end are handed over as KCL hands them: the
 * largest permitted checkpoint set first. Fixture records get ascending sequence numbers, 1000 apart.
 */
final class KclCheckpoints {
  static final String SHARD_END = ExtendedSequenceNumber.SHARD_END.sequenceNumber();
  final LeaseTable table = new LeaseTable();
  final ShardRecordProcessorCheckpointer checkpointer = new ShardRecordProcessorCheckpointer(
      new ShardInfo(Fixtures.SHARD, "concurrency-token", List.of(), ExtendedSequenceNumber.TRIM_HORIZON), table);
  private final AtomicLong sequence = new AtomicLong();

  KclCheckpoints() {
    checkpointer.setInitialCheckpointValue(ExtendedSequenceNumber.TRIM_HORIZON);
  }

  /** The sequence number the {@code n}-th fixture record handed over gets (1-based). */
  static String seq(int n) {
    return Long.toString(1000L * n);
  }

  /** The fixtures as one batch of KCL's, numbered on from the last batch. */
  DynamoDBStreamsProcessRecordsInput batch(String... fixtures) {
    List<Record> records = Arrays.stream(fixtures).map(Fixtures::record).map(r -> r.toBuilder()
        .dynamodb(r.dynamodb().toBuilder().sequenceNumber(Long.toString(1000 * sequence.incrementAndGet())).build())
        .build()).toList();
    if (!records.isEmpty()) {
      checkpointer.largestPermittedCheckpointValue(
          new ExtendedSequenceNumber(records.get(records.size() - 1).dynamodb().sequenceNumber()));
    }
    return DynamoDBStreamsProcessRecordsInput.builder()
        .records(records.stream().map(DynamoDBStreamsClientRecord::fromRecord).toList()).checkpointer(checkpointer)
        .build();
  }

  /** As KCL's shutdown task hands a shard's end over. */
  ShardEndedInput shardEnded() {
    checkpointer.sequenceNumberAtShardEnd(checkpointer.largestPermittedCheckpointValue());
    checkpointer.largestPermittedCheckpointValue(ExtendedSequenceNumber.SHARD_END);
    return ShardEndedInput.builder().checkpointer(checkpointer).build();
  }

  ShutdownRequestedInput shutdownRequested() {
    return ShutdownRequestedInput.builder().checkpointer(checkpointer).build();
  }

  List<String> checkpoints() {
    return table.checkpoints;
  }

  /** The lease table's checkpoint column, in memory. */
  static final class LeaseTable implements Checkpointer {
    final List<String> checkpoints = new CopyOnWriteArrayList<>();
    volatile boolean leaseGone;
    /** Writes still to refuse as throttled. */
    volatile int throttleNext;
    /** Runs as each checkpoint is written. */
    volatile Runnable whileWriting = () -> { };
    private String operation;

    @Override
    public void setCheckpoint(String leaseKey, ExtendedSequenceNumber checkpoint, String concurrencyToken)
        throws KinesisClientLibException {
      if (leaseGone) {
        throw new ShutdownException("Can't update checkpoint - instance doesn't hold the lease for this shard");
      }
      if (throttleNext > 0) {
        throttleNext--;
        throw new ThrottlingException("throttled");
      }
      whileWriting.run();
      checkpoints.add(checkpoint.sequenceNumber());
    }

    @Override
    public ExtendedSequenceNumber getCheckpoint(String leaseKey) {
      return checkpoints.isEmpty() ? ExtendedSequenceNumber.TRIM_HORIZON
          : new ExtendedSequenceNumber(checkpoints.get(checkpoints.size() - 1));
    }

    @Override
    public Checkpoint getCheckpointObject(String leaseKey) {
      return new Checkpoint(getCheckpoint(leaseKey), null, null);
    }

    @Override
    public void prepareCheckpoint(String leaseKey, ExtendedSequenceNumber pending, String concurrencyToken) {
      throw new UnsupportedOperationException("the worker never prepares checkpoints");
    }

    @Override
    public void prepareCheckpoint(String leaseKey, ExtendedSequenceNumber pending, String concurrencyToken,
        byte[] state) {
      throw new UnsupportedOperationException("the worker never prepares checkpoints");
    }

    @Override
    public void operation(String operation) {
      this.operation = operation;
    }

    @Override
    public String operation() {
      return operation;
    }
  }
}
