package dev.shopstream.pipeline.kcl;

import dev.shopstream.pipeline.processing.BatchProcessor;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.ShardProgress;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;

/**
 * What every shard's processor shares; KCL asks it for one {@link ShardProcessor} per shard lease.
 *
 * @param checkpointInterval inside a long batch, checkpoint handled records at most this often
 * @param selected records of other shards are passed over (a replay of chosen shards)
 */
public record ShardProcessorFactory(String table, BatchProcessor batches, BooleanSupplier workerStopping,
    PipelineMetrics metrics, Duration checkpointInterval, Clock clock, ShardProgress progress, Predicate<String> selected)
    implements ShardRecordProcessorFactory {

  @Override
  public ShardRecordProcessor shardRecordProcessor() {
    return new ShardProcessor(this);
  }
}
