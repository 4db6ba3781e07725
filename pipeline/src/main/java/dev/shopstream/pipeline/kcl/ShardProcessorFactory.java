package dev.shopstream.pipeline.kcl;

import dev.shopstream.pipeline.processing.BatchProcessor;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import java.util.function.BooleanSupplier;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;

/** One {@link ShardProcessor} per shard lease. */
public final class ShardProcessorFactory implements ShardRecordProcessorFactory {
  private final String table;
  private final BatchProcessor batches;
  private final BooleanSupplier workerStopping;
  private final PipelineMetrics metrics;

  public ShardProcessorFactory(String table, BatchProcessor batches, BooleanSupplier workerStopping, PipelineMetrics metrics) {
    this.table = table;
    this.batches = batches;
    this.workerStopping = workerStopping;
    this.metrics = metrics;
  }

  @Override
  public ShardRecordProcessor shardRecordProcessor() {
    return new ShardProcessor(table, batches, workerStopping, metrics);
  }
}
