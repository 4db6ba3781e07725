package dev.shopstream.pipeline.kcl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.processor.Checkpointer;
import software.amazon.kinesis.processor.PreparedCheckpointer;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;

/** Records checkpoints; can be told the lease is gone. Only the calls the worker makes are supported. */
final class FakeCheckpointer implements RecordProcessorCheckpointer {
  static final String SHARD_END = "SHARD_END";
  final List<String> checkpoints = new CopyOnWriteArrayList<>();
  volatile boolean leaseGone;
  /** Checkpoints still to refuse as throttled. */
  volatile int throttleNext;
  /** Runs as each checkpoint is written. */
  volatile Runnable whileWriting = () -> { };

  @Override
  public void checkpoint() throws ShutdownException, ThrottlingException {
    record(SHARD_END);
  }

  @Override
  public void checkpoint(String sequenceNumber) throws ShutdownException, ThrottlingException {
    record(sequenceNumber);
  }

  private void record(String position) throws ShutdownException, ThrottlingException {
    if (leaseGone) {
      throw new ShutdownException("lease lost");
    }
    if (throttleNext > 0) {
      throttleNext--;
      throw new ThrottlingException("throttled");
    }
    whileWriting.run();
    checkpoints.add(position);
  }

  @Override
  public void checkpoint(Record record) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void checkpoint(String sequenceNumber, long subSequenceNumber) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PreparedCheckpointer prepareCheckpoint() {
    throw new UnsupportedOperationException();
  }

  @Override
  public PreparedCheckpointer prepareCheckpoint(byte[] state) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PreparedCheckpointer prepareCheckpoint(Record record) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PreparedCheckpointer prepareCheckpoint(Record record, byte[] state) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PreparedCheckpointer prepareCheckpoint(String sequenceNumber) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PreparedCheckpointer prepareCheckpoint(String sequenceNumber, byte[] state) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PreparedCheckpointer prepareCheckpoint(String sequenceNumber, long subSequenceNumber) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PreparedCheckpointer prepareCheckpoint(String sequenceNumber, long subSequenceNumber, byte[] state) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Checkpointer checkpointer() {
    throw new UnsupportedOperationException();
  }
}
