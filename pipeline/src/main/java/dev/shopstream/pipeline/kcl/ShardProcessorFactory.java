package dev.shopstream.pipeline.kcl;

import dev.shopstream.pipeline.processing.BatchProcessor;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.ShardProgress;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;

/** One {@link ShardProcessor} per shard lease. */
public final class ShardProcessorFactory implements ShardRecordProcessorFactory {
  private final String table;
  private final BatchProcessor batches;
  private final BooleanSupplier workerStopping;
  private final PipelineMetrics metrics;
  private final Duration checkpointInterval;
  private final Clock clock;
  private final ShardProgress progress;
  private final java.util.function.Predicate<String> selected;

  public ShardProcessorFactory(String table, BatchProcessor batches, BooleanSupplier workerStopping, PipelineMetrics metrics,
      Duration checkpointInterval, Clock clock, ShardProgress progress, java.util.function.Predicate<String> selected) {
    this.progress = progress;
    this.selected = selected;
    this.table = table;
    this.batches = batches;
    this.workerStopping = workerStopping;
    this.metrics = metrics;
    this.checkpointInterval = checkpointInterval;
    this.clock = clock;
  }

  @Override
  public ShardRecordProcessor shardRecordProcessor() {
    return new ShardProcessor(table, batches, workerStopping, metrics, checkpointInterval, clock, progress, selected);
  }
}
