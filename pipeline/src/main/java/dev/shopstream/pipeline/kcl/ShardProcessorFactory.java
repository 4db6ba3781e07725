package dev.shopstream.pipeline.kcl;

import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.RepeatedErrors;
import dev.shopstream.pipeline.processing.ShardLeases;
import dev.shopstream.pipeline.processing.ShardProgress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;

/**
 * What every shard's processor shares; KCL asks it for one {@link ShardProcessor} per shard lease.
 *
 * @param stopping cancelled when the worker stops; each shard's own signal is a child of it
 * @param executor the one bounded pool every shard's records run on
 * @param maxInFlight records per shard held at once (running, waiting behind their key, or handled
 *     after an unhandled one); 1 handles a shard's records strictly one after another
 * @param maxInFlightBytes stream bytes (records' SizeBytes) per shard held at once
 * @param checkpointInterval checkpoint handled records at most this often while a shard is busy
 * @param drainTimeout how long a shard asked to shut down waits for its in-flight records
 * @param selected records of other shards are passed over (a replay of chosen shards)
 * @param fatal what a JVM Error in the record path does ({@link dev.shopstream.pipeline.processing.FatalErrors#HALT})
 * @param repeatedErrors parks a record that halted the worker with an Error on too many starts
 * @param leases where each processor registers the lease its effects are admitted under
 * @param leaseSource the lease as KCL holds it: epoch and whether it is still held
 */
public record ShardProcessorFactory(String table, RecordProcessor records, Cancellation stopping, Executor executor,
    int maxInFlight, long maxInFlightBytes, PipelineMetrics metrics, Duration checkpointInterval,
    Duration drainTimeout, Clock clock, ShardProgress progress, Predicate<String> selected, Consumer<Error> fatal,
    RepeatedErrors repeatedErrors, ShardLeases leases, LeaseSource leaseSource) implements ShardRecordProcessorFactory {

  @Override
  public ShardRecordProcessor shardRecordProcessor() {
    return new ShardProcessor(this);
  }
}
